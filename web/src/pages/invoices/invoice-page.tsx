import { DetailList } from "../../components/detail-list.tsx";
import { type FieldErrors, FormError, TextArea } from "../../components/form-fields.tsx";
import { Money } from "../../components/money.tsx";
import { StatTiles } from "../../components/stat-tiles.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { formatDate, formatMoney } from "../../format.ts";
import { type Locale, type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";
import {
  type InvoiceCustomerView,
  type InvoiceLineView,
  type InvoiceView,
  listHref,
  periodText,
  phoneText,
  statusBadge,
} from "./invoice-format.ts";
import { InvoiceLines, PaymentsList, type PaymentView, RemindersList, type ReminderView } from "./invoice-parts.tsx";
import { DueDate } from "./invoices-page.tsx";

export type VoidForm = { values: { reason?: string }; errors: FieldErrors };

export type InvoicePageProps = {
  frame: Frame;
  timeZone: string;
  invoice: InvoiceView;
  lines: readonly InvoiceLineView[];
  customer: InvoiceCustomerView;
  reminders: readonly ReminderView[];
  payments: readonly PaymentView[];
  /** May void (billing.manage). */
  canManage: boolean;
  /** May record payments (payments.record): the link to the payment form. */
  canRecordPayment: boolean;
  notice?: string;
  /** A refused action, explained. */
  error?: string;
  voidForm?: VoidForm;
};

/** One invoice: who and what it bills, how far it is paid, what was sent and paid, and voiding it. */
export function InvoicePage(props: InvoicePageProps) {
  const t = translator(props.frame.locale);
  const { locale } = props.frame;
  const i = props.invoice;
  const money = (minor: number) => <Money minor={minor} currency={i.currency} locale={locale} />;
  const [tone, label] = statusBadge(t, i);
  const payable = i.status !== "void" && i.status !== "credit";
  const actions = (
    <>
      <a class="button button-primary" href={`/invoices/${i.id}/print`}>
        {t("invoices.actions.print")}
      </a>
      {props.canRecordPayment && payable ? (
        <a class="button button-quiet" href={`/payments/new?customer=${i.customerId}&invoice=${i.id}`}>
          {t("invoices.actions.recordPayment")}
        </a>
      ) : null}
    </>
  );
  const title = i.status === "credit" ? "invoices.detail.creditTitle" : "invoices.detail.title";
  return (
    <FramedPage frame={props.frame} title={t(title, { number: i.number })} actions={actions}>
      <p class="invoice-scope">
        <a href="/invoices">{t("invoices.back")}</a>
        <a href={listHref({ customer: i.customerId })}>{t("invoices.actions.allOfCustomer")}</a>
      </p>
      {props.notice ? <Notice kind="ok">{props.notice}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      {i.status === "void" ? <Notice kind="error">{t("invoices.void.voided")}</Notice> : null}
      <DetailList
        items={[
          [t("invoices.field.customer"), <a href={`/customers/${props.customer.id}`}>{props.customer.name}</a>],
          [t("invoices.field.period"), periodText(t, locale, i.period)],
          [t("invoices.field.issued"), formatDate(i.issuedOn, locale)],
          [t("invoices.field.due"), <DueDate t={t} locale={locale} invoice={i} />],
          [t("invoices.field.status"), <StatusBadge tone={tone}>{label}</StatusBadge>],
          ...(props.customer.phoneE164
            ? [[t("invoices.field.phone"), phoneText(props.customer.phoneE164)] as const]
            : []),
          ...(props.customer.address ? [[t("invoices.field.address"), props.customer.address] as const] : []),
          ...(i.voidReason
            ? [[t("invoices.field.voidReason"), <span id="void-reason">{i.voidReason}</span>] as const]
            : []),
        ]}
      />
      <StatTiles
        label={t("invoices.totals.label")}
        stats={[
          { label: t("invoices.totals.total"), value: money(i.totalMinor), id: "invoice-total" },
          { label: t("invoices.totals.paid"), value: money(i.paidMinor), id: "invoice-paid" },
          {
            label: t("invoices.totals.open"),
            value: money(i.openMinor),
            id: "invoice-open",
            tone: i.openMinor === 0 ? undefined : i.overdue ? "danger" : "warn",
          },
        ]}
      />
      {i.status === "credit" ? (
        <p class="adm-muted">{t("invoices.credit.text", { amount: formatMoney(-i.totalMinor, i.currency, locale) })}</p>
      ) : null}
      <section class="adm-section" aria-labelledby="invoice-lines-title">
        <h2 id="invoice-lines-title">{t("invoices.lines.title")}</h2>
        <InvoiceLines t={t} locale={locale} invoice={i} lines={props.lines} />
      </section>
      <section class="adm-section" aria-labelledby="invoice-reminders-title">
        <h2 id="invoice-reminders-title">{t("invoices.reminders.title")}</h2>
        <RemindersList t={t} locale={locale} reminders={props.reminders} />
      </section>
      <section class="adm-section" aria-labelledby="invoice-payments-title">
        <h2 id="invoice-payments-title">{t("invoices.payments.title")}</h2>
        <PaymentsList t={t} locale={locale} timeZone={props.timeZone} invoice={i} payments={props.payments} />
      </section>
      {props.canManage && i.status !== "void" ? (
        <VoidSection t={t} locale={locale} invoice={i} form={props.voidForm} />
      ) : null}
    </FramedPage>
  );
}

/**
 * Voiding, with its reason; also the fragment htmx swaps in when the reason is refused. The
 * browser asks first (hx-confirm); without JavaScript the text above the button says what happens.
 */
export function VoidSection(props: {
  t: Translate;
  locale: Locale;
  invoice: Pick<InvoiceView, "id" | "number" | "paidMinor" | "currency">;
  form?: VoidForm;
}) {
  const { t, invoice: i } = props;
  const errors = props.form?.errors ?? {};
  const action = `/invoices/${i.id}/void`;
  return (
    <section class="adm-section invoice-void" id="invoice-void" aria-labelledby="invoice-void-title">
      <h2 id="invoice-void-title">{t("invoices.void.title")}</h2>
      <p class="adm-muted">{t("invoices.void.text")}</p>
      {i.paidMinor > 0 ? (
        <p class="adm-muted" id="void-paid-note">
          {t("invoices.void.paidText", {
            amount: formatMoney(i.paidMinor, i.currency, props.locale),
          })}
        </p>
      ) : null}
      <form
        class="adm-form"
        method="post"
        action={action}
        hx-post={action}
        hx-target="#invoice-void"
        hx-swap="outerHTML"
        hx-confirm={t("invoices.void.confirm", { number: i.number })}
      >
        <FormError id="void-form-error">{errors.form}</FormError>
        <TextArea
          id="void-reason-input"
          name="reason"
          label={t("invoices.void.reason")}
          hint={t("invoices.void.reasonHint")}
          value={props.form?.values.reason}
          error={errors.reason}
          rows={2}
          maxlength={200}
          required
        />
        <p class="invoice-void-actions">
          <button class="button button-danger" type="submit">
            {t("invoices.void.button")}
          </button>
        </p>
      </form>
    </section>
  );
}
