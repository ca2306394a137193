import { DetailList } from "../../components/detail-list.tsx";
import type { FieldErrors } from "../../components/form-fields.tsx";
import { Money } from "../../components/money.tsx";
import { RedirectAction } from "../../components/redirect-action.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { formatCount, formatDateTime } from "../../format.ts";
import { type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";
import { PlanForm, type PlanFormValues } from "./plan-form.tsx";
import { cycleText, type PlanSummaryView, speedText, taxNote } from "./plans-format.ts";

export type PlanUsageView = {
  /** Every subscription on the plan, terminated ones too. */
  subscriptions: number;
  /** Not terminated. */
  subscribers: number;
  /** Active or isolated: the network enforces the plan for them. */
  onNetwork: number;
  voucherBatches: number;
};

export type PlanDetailView = PlanSummaryView & {
  installationFee: number;
  quotaBytes: number | null;
  addressPool: string | null;
  profileName: string | null;
  updatedAt: Date;
};

export type PlanNotice = "created" | "saved" | "archived" | "restored";

export type PlanPageProps = {
  frame: Frame;
  currency: string;
  timeZone: string;
  plan: PlanDetailView;
  usage: PlanUsageView;
  /** The `Mikrotik-Rate-Limit` value the site agent sends for this plan. */
  rateLimit: string;
  values: PlanFormValues;
  errors?: FieldErrors;
  formError?: string;
  notice?: PlanNotice;
  /** A refused action explained (delete of a plan in use, restore onto a taken name). */
  error?: string;
};

const GB = 1024 ** 3;

/** One plan: what it is and who uses it, its form, and archive, restore or delete. */
export function PlanPage(props: PlanPageProps) {
  const t = translator(props.frame.locale);
  const locale = props.frame.locale;
  const { plan: p, usage: u } = props;
  const quota =
    p.quotaBytes === null
      ? t("plans.quota.unlimited")
      : t("plans.quota.value", {
          gb: new Intl.NumberFormat(locale === "id" ? "id-ID" : "en-GB", { maximumFractionDigits: 2 }).format(
            p.quotaBytes / GB,
          ),
        });
  return (
    <FramedPage
      frame={props.frame}
      title={p.name}
      actions={
        <a class="button button-quiet" href="/plans">
          {t("plans.back")}
        </a>
      }
    >
      {props.notice ? <Notice kind="ok">{t(`plans.notice.${props.notice}`)}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <section class="adm-section" aria-labelledby="plan-details-title">
        <h2 id="plan-details-title" class="plan-heading">
          {t("plans.details")}
          {p.archivedAt ? <StatusBadge tone="muted">{t("plans.status.archived")}</StatusBadge> : null}
          {!p.archivedAt ? <StatusBadge tone="ok">{t("plans.status.active")}</StatusBadge> : null}
        </h2>
        <DetailList
          items={[
            [t("plans.col.type"), t(`plans.type.${p.type}`)],
            [t("plans.col.cycle"), cycleText(t, p)],
            [
              t("plans.col.price"),
              <>
                <Money minor={p.price} currency={props.currency} locale={locale} />{" "}
                <span class="plan-tax-note">{taxNote(t, locale, p)}</span>
              </>,
            ],
            [
              t("plans.detail.installationFee"),
              <Money minor={p.installationFee} currency={props.currency} locale={locale} />,
            ],
            [t("plans.col.speed"), speedText(t, p)],
            [t("plans.detail.quota"), quota],
            [t("plans.detail.addressPool"), p.addressPool ?? t("plans.detail.routerDefault")],
            [t("plans.detail.profileName"), p.profileName ?? t("plans.detail.routerDefault")],
            [
              t("plans.col.subscribers"),
              <span id="plan-subscribers">
                {t("plans.detail.subscribers", {
                  n: formatCount(u.subscribers, locale),
                  onNetwork: formatCount(u.onNetwork, locale),
                })}
              </span>,
            ],
            [t("plans.detail.voucherBatches"), formatCount(u.voucherBatches, locale)],
            [
              t("plans.detail.rateLimit"),
              <code class="plan-rate-limit" id="plan-rate-limit">
                {props.rateLimit}
              </code>,
            ],
            [t("plans.detail.updated"), formatDateTime(p.updatedAt, locale, props.timeZone)],
          ]}
        />
      </section>

      <section class="adm-section" aria-labelledby="plan-edit-title">
        <h2 id="plan-edit-title">{t("plans.edit")}</h2>
        <PlanForm
          t={t}
          action={`/plans/${p.id}`}
          values={props.values}
          errors={props.errors}
          formError={props.formError}
          currency={props.currency}
          submitLabel={t("plans.save")}
          editing={{ onNetwork: u.onNetwork }}
        />
      </section>

      <PlanActions t={t} plan={p} usage={u} locale={locale} />
    </FramedPage>
  );
}

function PlanActions(props: { t: Translate; plan: PlanDetailView; usage: PlanUsageView; locale: "id" | "en" }) {
  const { t, plan: p, usage: u } = props;
  const used = u.subscriptions > 0 || u.voucherBatches > 0;
  const base = `/plans/${p.id}`;
  return (
    <section class="adm-section" aria-labelledby="plan-actions-title">
      <h2 id="plan-actions-title">{p.archivedAt ? t("plans.actions.archivedTitle") : t("plans.actions.title")}</h2>
      {p.archivedAt ? (
        <p class="adm-muted">{t("plans.actions.archivedText")}</p>
      ) : (
        <p class="adm-muted">{t("plans.actions.archiveText")}</p>
      )}
      {used ? (
        <p class="adm-muted" id="plan-in-use">
          {t("plans.actions.inUse", {
            subscriptions: formatCount(u.subscriptions, props.locale),
            batches: formatCount(u.voucherBatches, props.locale),
          })}
        </p>
      ) : (
        <p class="adm-muted">{t("plans.actions.unused")}</p>
      )}
      <div class="adm-actions">
        {p.archivedAt ? (
          <RedirectAction action={`${base}/restore`} label={t("plans.restore")} />
        ) : (
          <RedirectAction
            action={`${base}/archive`}
            label={t("plans.archive")}
            confirm={t("plans.archiveConfirm", { name: p.name })}
          />
        )}
        {used ? null : (
          <RedirectAction
            action={`${base}/delete`}
            label={t("plans.delete")}
            confirm={t("plans.deleteConfirm", { name: p.name })}
            danger
          />
        )}
      </div>
    </section>
  );
}

export type PlanNewPageProps = {
  frame: Frame;
  currency: string;
  values: PlanFormValues;
  errors?: FieldErrors;
  formError?: string;
};

export function PlanNewPage(props: PlanNewPageProps) {
  const t = translator(props.frame.locale);
  return (
    <FramedPage
      frame={props.frame}
      title={t("plans.new")}
      actions={
        <a class="button button-quiet" href="/plans">
          {t("plans.back")}
        </a>
      }
    >
      <p class="adm-muted">{t("plans.newLead")}</p>
      <PlanForm
        t={t}
        action="/plans"
        values={props.values}
        errors={props.errors}
        formError={props.formError}
        currency={props.currency}
        submitLabel={t("plans.create")}
      />
    </FramedPage>
  );
}
