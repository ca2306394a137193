import { Checkbox, Field, type FieldErrors, FormError, Select } from "../../components/form-fields.tsx";
import { formatMoney } from "../../format.ts";
import { type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage } from "../../layouts/framed-page.tsx";

export type PlanOption = { id: string; name: string; priceMinor: number; cycle: "monthly" | "prepaid" };
export type SiteOption = { id: string; name: string };

/** What the form shows: strings as typed, so a refused form comes back as it was. */
export type SubscriptionFormValues = {
  planId?: string;
  siteId?: string;
  access?: string;
  pppoeUsername?: string;
  staticIp?: string;
  mac?: string;
  billingDay?: string;
  monthlyDiscount?: string;
  activate?: boolean;
};

export type SubscriptionFieldsProps = {
  t: Translate;
  currency: string;
  locale: Frame["locale"];
  plans: readonly PlanOption[];
  sites: readonly SiteOption[];
  values: SubscriptionFormValues;
  errors: FieldErrors;
  /** Editing: the billing day is fixed after activation; an empty password keeps the current one. */
  editing?: { billingDayLocked: boolean };
};

const days = Array.from({ length: 28 }, (_, i) => String(i + 1));

/** The fields of a new or edited subscription. */
export function SubscriptionFields(props: SubscriptionFieldsProps) {
  const { t, values: v, errors: e } = props;
  return (
    <>
      {props.editing ? null : (
        <Select
          id="sub-plan"
          name="planId"
          label={t("subscriptions.form.plan")}
          value={v.planId}
          error={e.planId}
          options={props.plans.map(
            (p) => [p.id, `${p.name} · ${formatMoney(p.priceMinor, props.currency, props.locale)}`] as const,
          )}
        />
      )}
      <Select
        id="sub-site"
        name="siteId"
        label={t("subscriptions.form.site")}
        value={v.siteId}
        error={e.siteId}
        options={props.sites.map((s) => [s.id, s.name] as const)}
      />
      <fieldset class="adm-fieldset">
        <legend>{t("subscriptions.form.access")}</legend>
        <p class="adm-hint">{t("subscriptions.form.accessHint")}</p>
        <Select
          id="sub-access"
          name="access"
          label={t("subscriptions.form.access")}
          visuallyHiddenLabel
          value={v.access ?? "pppoe"}
          error={e.access}
          options={(["pppoe", "static", "mac"] as const).map((a) => [a, t(`subscriptions.form.access.${a}`)] as const)}
        />
        <div class="adm-form-grid">
          <Field
            id="sub-username"
            name="pppoeUsername"
            label={t("subscriptions.form.username")}
            hint={t("subscriptions.form.usernameHint")}
            value={v.pppoeUsername}
            error={e.pppoeUsername}
            autocomplete="off"
            maxlength={64}
          />
          <Field
            id="sub-password"
            name="pppoePassword"
            type="password"
            label={t("subscriptions.form.password")}
            hint={t(props.editing ? "subscriptions.form.passwordKeepHint" : "subscriptions.form.passwordHint")}
            error={e.pppoePassword}
            autocomplete="new-password"
            maxlength={64}
          />
          <Field
            id="sub-ip"
            name="staticIp"
            label={t("subscriptions.form.staticIp")}
            value={v.staticIp}
            error={e.staticIp}
            autocomplete="off"
            maxlength={39}
          />
          <Field
            id="sub-mac"
            name="mac"
            label={t("subscriptions.form.mac")}
            hint={t("subscriptions.form.macHint")}
            value={v.mac}
            error={e.mac}
            autocomplete="off"
            maxlength={17}
          />
        </div>
      </fieldset>
      <div class="adm-form-grid">
        <Select
          id="sub-billing-day"
          name="billingDay"
          label={t("subscriptions.form.billingDay")}
          value={v.billingDay}
          error={e.billingDay}
          disabled={props.editing?.billingDayLocked}
          options={days.map((d) => [d, d] as const)}
        />
        <Field
          id="sub-discount"
          name="monthlyDiscount"
          label={t("subscriptions.form.discount")}
          hint={t("subscriptions.form.discountHint")}
          value={v.monthlyDiscount}
          error={e.monthlyDiscount}
          inputmode="decimal"
          maxlength={40}
        />
      </div>
      {props.editing?.billingDayLocked ? <input type="hidden" name="billingDay" value={v.billingDay} /> : null}
      {props.editing?.billingDayLocked ? <p class="adm-hint">{t("subscriptions.form.billingDayHint")}</p> : null}
    </>
  );
}

export type NewSubscriptionPageProps = {
  frame: Frame;
  currency: string;
  /** The customer it is for; null shows a customer search first. */
  customer: { id: string; name: string } | null;
  customerSearch: { q: string; results: readonly { id: string; name: string; phone: string | null }[] };
  plans: readonly PlanOption[];
  sites: readonly SiteOption[];
  values: SubscriptionFormValues;
  errors: FieldErrors;
  formError?: string;
};

export function NewSubscriptionPage(props: NewSubscriptionPageProps) {
  const t = translator(props.frame.locale);
  const actions = (
    <a class="button button-quiet" href="/subscriptions">
      {t("subscriptions.title")}
    </a>
  );
  if (!props.customer) {
    return (
      <FramedPage frame={props.frame} title={t("subscriptions.new")} actions={actions}>
        <FormError id="sub-customer-error">{props.errors.customerId}</FormError>
        <p>{t("subscriptions.form.chooseCustomer")}</p>
        <form class="search-box" method="get" action="/subscriptions/new">
          <label class="visually-hidden" for="sub-customer-q">
            {t("subscriptions.form.customerSearch")}
          </label>
          <input
            class="adm-input search-input"
            id="sub-customer-q"
            name="q"
            type="search"
            value={props.customerSearch.q}
            maxlength={100}
          />
          <button class="button button-quiet" type="submit">
            {t("subscriptions.form.customerSearch")}
          </button>
        </form>
        <ul class="adm-list">
          {props.customerSearch.results.map((c) => (
            <li class="adm-item">
              <div class="adm-item-main">
                <p class="adm-item-title">{c.name}</p>
                {c.phone ? <p class="adm-item-sub">{c.phone}</p> : null}
              </div>
              <a class="button button-quiet" href={`/subscriptions/new?customer=${c.id}`}>
                {t("subscriptions.form.choose")}
                <span class="visually-hidden"> {c.name}</span>
              </a>
            </li>
          ))}
        </ul>
      </FramedPage>
    );
  }
  return (
    <FramedPage frame={props.frame} title={t("subscriptions.new")} actions={actions}>
      <form class="adm-form subscription-form" method="post" action="/subscriptions" novalidate>
        <FormError id="sub-form-error">{props.formError}</FormError>
        <input type="hidden" name="customerId" value={props.customer.id} />
        <p>
          {t("subscriptions.form.customer")}: <a href={`/customers/${props.customer.id}`}>{props.customer.name}</a>
        </p>
        <SubscriptionFields
          t={t}
          currency={props.currency}
          locale={props.frame.locale}
          plans={props.plans}
          sites={props.sites}
          values={props.values}
          errors={props.errors}
        />
        <Checkbox
          id="sub-activate"
          name="activate"
          label={t("subscriptions.form.activate")}
          checked={props.values.activate ?? true}
        />
        <p>
          <button class="button button-primary" type="submit">
            {t("subscriptions.form.submit")}
          </button>
        </p>
      </form>
    </FramedPage>
  );
}
