import { EmptyState } from "../../components/empty-state.tsx";
import { Field, type FieldErrors, FormError, Select } from "../../components/form-fields.tsx";
import { formatMoney } from "../../format.ts";
import { translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage } from "../../layouts/framed-page.tsx";
import { type ValidityView, validityText } from "./format.ts";

export type PlanChoiceView = { id: string; name: string; price: number; validity: ValidityView };

export type BatchFormValues = Partial<
  Record<"planId" | "siteId" | "count" | "prefix" | "codeLength" | "price" | "resellerPrice", string>
>;

export type NewBatchPageProps = {
  frame: Frame;
  currency: string;
  plans: readonly PlanChoiceView[];
  sites: readonly { id: string; name: string }[];
  values: BatchFormValues;
  errors?: FieldErrors;
  formError?: string;
};

/** The form that creates a batch of vouchers for one hotspot or prepaid plan. */
export function NewBatchPage(props: NewBatchPageProps) {
  const t = translator(props.frame.locale);
  const { locale } = props.frame;
  const v = props.values;
  const errors = props.errors ?? {};
  const back = (
    <a class="button button-quiet" href="/vouchers">
      {t("vouchers.back")}
    </a>
  );
  if (props.plans.length === 0) {
    return (
      <FramedPage frame={props.frame} title={t("vouchers.new.title")} actions={back}>
        <EmptyState
          title={t("vouchers.new.noPlans")}
          text={t("vouchers.new.noPlansText")}
          action={
            <a class="button button-primary" href="/plans">
              {t("vouchers.new.toPlans")}
            </a>
          }
        />
      </FramedPage>
    );
  }
  const planLabel = (p: PlanChoiceView) =>
    `${p.name} — ${formatMoney(p.price, props.currency, locale)} · ${validityText(t, p.validity)}`;
  return (
    <FramedPage frame={props.frame} title={t("vouchers.new.title")} actions={back}>
      <form class="adm-form adm-form-grid voucher-batch-form" method="post" action="/vouchers" novalidate>
        {props.formError ? (
          <div class="adm-form-wide">
            <FormError id="batch-form-error">{props.formError}</FormError>
          </div>
        ) : null}
        <div class="adm-form-wide">
          <Select
            id="batch-plan"
            name="planId"
            label={t("vouchers.field.plan")}
            value={v.planId}
            options={props.plans.map((p) => [p.id, planLabel(p)] as const)}
            error={errors.planId}
          />
        </div>
        <Select
          id="batch-site"
          name="siteId"
          label={t("vouchers.field.site")}
          value={v.siteId ?? ""}
          options={[["", t("vouchers.site.all")] as const, ...props.sites.map((s) => [s.id, s.name] as const)]}
          error={errors.siteId}
        />
        <Field
          id="batch-count"
          name="count"
          label={t("vouchers.field.count")}
          hint={t("vouchers.field.countHint")}
          value={v.count}
          inputmode="numeric"
          required
          maxlength={6}
          error={errors.count}
        />
        <Field
          id="batch-prefix"
          name="prefix"
          label={t("vouchers.field.prefix")}
          hint={t("vouchers.field.prefixHint")}
          value={v.prefix}
          maxlength={12}
          autocomplete="off"
          error={errors.prefix}
        />
        <Field
          id="batch-length"
          name="codeLength"
          label={t("vouchers.field.codeLength")}
          hint={t("vouchers.field.codeLengthHint")}
          value={v.codeLength}
          inputmode="numeric"
          maxlength={2}
          error={errors.codeLength}
        />
        <Field
          id="batch-price"
          name="price"
          label={t("vouchers.field.price")}
          hint={t("vouchers.field.priceHint")}
          value={v.price}
          inputmode="decimal"
          maxlength={40}
          error={errors.price}
        />
        <Field
          id="batch-reseller-price"
          name="resellerPrice"
          label={t("vouchers.field.resellerPrice")}
          hint={t("vouchers.field.resellerPriceHint")}
          value={v.resellerPrice}
          inputmode="decimal"
          maxlength={40}
          error={errors.resellerPrice}
        />
        <p class="adm-hint adm-form-wide">{t("vouchers.new.validityHint")}</p>
        <p class="adm-form-wide">
          <button class="button button-primary" type="submit">
            {t("vouchers.new.submit")}
          </button>
        </p>
      </form>
    </FramedPage>
  );
}
