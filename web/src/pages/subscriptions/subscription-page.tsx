import type { Child } from "hono/jsx";
import { ActionForm } from "../../components/action-form.tsx";
import { DetailList } from "../../components/detail-list.tsx";
import { Checkbox, Field, type FieldErrors, FormError, Select } from "../../components/form-fields.tsx";
import { Money } from "../../components/money.tsx";
import { formatDate, formatDateTime } from "../../format.ts";
import { type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";
import {
  type PlanOption,
  type SiteOption,
  SubscriptionFields,
  type SubscriptionFormValues,
} from "./subscription-form.tsx";
import {
  type AccessKind,
  accessText,
  type SubscriptionStatus,
  SubscriptionStatusBadge,
} from "./subscription-format.tsx";

export type SubscriptionDetailView = {
  id: string;
  status: SubscriptionStatus;
  access: AccessKind;
  pppoeUsername: string | null;
  staticIp: string | null;
  mac: string | null;
  billingDay: number;
  activatedAt: Date | null;
  expiresAt: Date | null;
  keepActiveUntil: string | null;
  isolatedBy: "dunning" | "staff" | null;
  monthlyDiscountMinor: number;
  customerId: string;
  customerName: string;
  planId: string;
  planName: string;
  planPriceMinor: number;
  planCycle: "monthly" | "prepaid";
  siteName: string;
};

export type SiteChangeView = { id: number; reason: string; status: string; at: Date };

export type SubscriptionPageProps = {
  frame: Frame;
  currency: string;
  timeZone: string;
  sub: SubscriptionDetailView;
  /** The state machine's events from the current state (subscription.models.ts `allowedEvents`). */
  events: readonly string[];
  can: { manage: boolean; billing: boolean; network: boolean };
  /** Plans it may change to: offered, same cycle, not the current one. */
  plans: readonly PlanOption[];
  sites: readonly SiteOption[];
  edit: { values: SubscriptionFormValues; errors: FieldErrors; formError?: string };
  planError?: string;
  keepError?: string;
  notice?: { kind: "ok" | "error"; text: string };
  revealedPassword?: string;
  changes: readonly SiteChangeView[];
  /** The network's sections (enforcement, session history, usage), rendered by the server's RADIUS area. */
  network?: Child;
};

const CONFIRM = {
  isolate: "subscriptions.confirm.isolate",
  suspend: "subscriptions.confirm.suspend",
  terminate: "subscriptions.confirm.terminate",
} as const;

export function SubscriptionPage(props: SubscriptionPageProps) {
  const t = translator(props.frame.locale);
  const { sub } = props;
  const locale = props.frame.locale;
  const at = (d: Date | null) => (d ? formatDateTime(d, locale, props.timeZone) : t("subscriptions.detail.none"));
  const live = sub.status !== "terminated";
  return (
    <FramedPage
      frame={props.frame}
      title={`${sub.customerName} · ${sub.planName}`}
      actions={
        <a class="button button-quiet" href={`/customers/${sub.customerId}`}>
          {sub.customerName}
        </a>
      }
    >
      {props.notice ? <Notice kind={props.notice.kind}>{props.notice.text}</Notice> : null}
      <section class="adm-section" aria-labelledby="sub-status-title">
        <h2 id="sub-status-title">
          {t("subscriptions.actions.title")} <SubscriptionStatusBadge t={t} status={sub.status} />
        </h2>
        {sub.isolatedBy ? <p class="adm-muted">{t(`subscriptions.isolatedBy.${sub.isolatedBy}`)}</p> : null}
        {props.can.manage && props.events.length > 0 ? (
          <div class="adm-actions">
            {props.events.map((event) => {
              const confirmKey = CONFIRM[event as keyof typeof CONFIRM];
              return (
                <ActionForm
                  action={`/subscriptions/${sub.id}/status`}
                  fields={{ event }}
                  label={t(`subscriptions.event.${event}` as "subscriptions.event.activate")}
                  danger={Boolean(confirmKey)}
                  confirm={confirmKey ? t(confirmKey, { name: sub.customerName }) : undefined}
                />
              );
            })}
            {sub.planCycle === "prepaid" && sub.status === "active" ? (
              <ActionForm action={`/subscriptions/${sub.id}/renew`} label={t("subscriptions.renew.submit")} />
            ) : null}
          </div>
        ) : null}
      </section>

      <section class="adm-section" aria-labelledby="sub-details-title">
        <h2 id="sub-details-title" class="visually-hidden">
          {t("subscriptions.title")}
        </h2>
        <DetailList
          items={[
            [t("subscriptions.detail.plan"), sub.planName],
            [
              t("subscriptions.detail.price"),
              <Money minor={sub.planPriceMinor} currency={props.currency} locale={locale} />,
            ],
            [t("subscriptions.detail.access"), <span class="mono">{accessText(t, sub)}</span>],
            [t("subscriptions.detail.site"), sub.siteName],
            [t("subscriptions.detail.billingDay"), t("subscriptions.detail.billingDayValue", { day: sub.billingDay })],
            [
              t("subscriptions.detail.discount"),
              <Money minor={sub.monthlyDiscountMinor} currency={props.currency} locale={locale} />,
            ],
            [t("subscriptions.detail.activated"), at(sub.activatedAt)],
            ...(sub.planCycle === "prepaid" ? [[t("subscriptions.detail.expires"), at(sub.expiresAt)] as const] : []),
            [
              t("subscriptions.detail.keepActive"),
              sub.keepActiveUntil ? formatDate(sub.keepActiveUntil, locale) : t("subscriptions.detail.none"),
            ],
          ]}
        />
        <p>
          <a href={`/invoices?customer=${sub.customerId}`}>{t("subscriptions.detail.invoices")}</a>
        </p>
      </section>

      {props.can.network && sub.access === "pppoe" && live ? (
        <PasswordSection t={t} id={sub.id} revealed={props.revealedPassword} />
      ) : null}
      {props.can.manage && live && props.plans.length > 0 ? <PlanChange t={t} props={props} /> : null}
      {props.can.billing && live ? <KeepActive t={t} props={props} /> : null}
      {props.can.manage && live ? (
        <section class="adm-section" aria-labelledby="sub-edit-title">
          <h2 id="sub-edit-title">{t("subscriptions.edit.title")}</h2>
          <form class="adm-form subscription-form" method="post" action={`/subscriptions/${sub.id}`} novalidate>
            <FormError id="sub-edit-error">{props.edit.formError}</FormError>
            <SubscriptionFields
              t={t}
              currency={props.currency}
              locale={locale}
              plans={[]}
              sites={props.sites}
              values={props.edit.values}
              errors={props.edit.errors}
              editing={{ billingDayLocked: sub.status !== "pending" }}
            />
            <p>
              <button class="button button-primary" type="submit">
                {t("subscriptions.form.save")}
              </button>
            </p>
          </form>
        </section>
      ) : null}

      <section class="adm-section" aria-labelledby="sub-network-title">
        <h2 id="sub-network-title">{t("subscriptions.network.title")}</h2>
        <p class="adm-muted">{t("subscriptions.network.lead")}</p>
        {props.changes.length === 0 ? (
          <p>{t("subscriptions.network.none")}</p>
        ) : (
          <ol class="adm-list">
            {props.changes.map((c) => (
              <li class="adm-item">
                <div class="adm-item-main">
                  <p class="adm-item-title">
                    {t(`subscriptions.reason.${c.reason}` as "subscriptions.reason.activated")}
                  </p>
                  <p class="adm-item-sub">{formatDateTime(c.at, locale, props.timeZone)}</p>
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>
      {props.network}
    </FramedPage>
  );
}

function PasswordSection(props: { t: Translate; id: string; revealed?: string }) {
  const { t } = props;
  return (
    <section class="adm-section" aria-labelledby="sub-password-title" id="sub-password">
      <h2 id="sub-password-title">{t("subscriptions.password.title")}</h2>
      {props.revealed ? (
        <p class="adm-key">
          <code>{props.revealed}</code>
        </p>
      ) : (
        <ActionForm
          action={`/subscriptions/${props.id}/password`}
          label={t("subscriptions.password.reveal")}
          target="#sub-password"
        />
      )}
      <p class="adm-hint">{t("subscriptions.password.audited")}</p>
    </section>
  );
}

/** The password shown after "show password", as the htmx fragment. */
export function RevealedPassword(props: { t: Translate; id: string; password: string }) {
  return <PasswordSection t={props.t} id={props.id} revealed={props.password} />;
}

function PlanChange({ t, props }: { t: Translate; props: SubscriptionPageProps }) {
  return (
    <section class="adm-section" aria-labelledby="sub-plan-title">
      <h2 id="sub-plan-title">{t("subscriptions.plan.title")}</h2>
      <p class="adm-muted">{t("subscriptions.plan.lead")}</p>
      <form class="adm-form" method="post" action={`/subscriptions/${props.sub.id}/plan`} novalidate>
        <Select
          id="sub-new-plan"
          name="planId"
          label={t("subscriptions.form.plan")}
          error={props.planError}
          options={props.plans.map((p) => [p.id, p.name] as const)}
        />
        <p>
          <button class="button button-primary" type="submit">
            {t("subscriptions.plan.submit")}
          </button>
        </p>
      </form>
    </section>
  );
}

function KeepActive({ t, props }: { t: Translate; props: SubscriptionPageProps }) {
  return (
    <section class="adm-section" aria-labelledby="sub-keep-title">
      <h2 id="sub-keep-title">{t("subscriptions.keep.title")}</h2>
      <p class="adm-muted">{t("subscriptions.keep.lead")}</p>
      <form class="adm-form" method="post" action={`/subscriptions/${props.sub.id}/keep-active`} novalidate>
        <Field
          id="sub-keep-until"
          name="until"
          type="date"
          label={t("subscriptions.keep.until")}
          value={props.sub.keepActiveUntil ?? ""}
          error={props.keepError}
        />
        {props.sub.status === "isolated" ? (
          <Checkbox
            id="sub-keep-restore"
            name="restoreNow"
            label={t("subscriptions.keep.restoreNow")}
            checked={false}
          />
        ) : null}
        <p>
          <button class="button button-quiet" type="submit">
            {t("subscriptions.keep.submit")}
          </button>
        </p>
      </form>
    </section>
  );
}
