import type { Child } from "hono/jsx";
import type { AssetUrls } from "../../assets.ts";
import { Document } from "../../components/document.tsx";
import { FormError, TextArea } from "../../components/form-fields.tsx";
import { formatDateTime, formatMoney } from "../../format.ts";
import { type Locale, type Translate, translator } from "../../i18n/i18n.ts";
import { Notice } from "../../layouts/framed-page.tsx";
import { methodText, type PaymentMethodName, receiptNumber } from "./format.ts";

export type ReceiptView = {
  id: string;
  customerId: string;
  customerName: string;
  receivedAt: Date;
  method: PaymentMethodName;
  reference: string | null;
  amountMinor: number;
  invoiceNumber: string | null;
  /** What the customer owed (> 0) or held as credit (< 0) right after this payment. */
  balanceAfterMinor: number;
  receivedByName: string | null;
  reversal: { at: Date; byName: string | null; reason: string } | null;
};

export type ReverseFormState = { reason: string; error?: string; formError?: string };

export type ReceiptPageProps = {
  locale: Locale;
  assets: AssetUrls;
  ispName: string;
  currency: string;
  timeZone: string;
  receipt: ReceiptView;
  notice?: "recorded" | "again" | "reversed";
  restored?: boolean;
  /** That day's takings of whoever received it; null for a payment nobody took by hand. */
  dayHref: string | null;
  /** A refused action explained (a second reversal). */
  error?: string;
  /** The reversal form, for those who may reverse a payment not reversed yet; null hides it. */
  reverse: ReverseFormState | null;
};

/**
 * A payment's receipt for a 58 mm thermal printer: a bare document (no app frame to hide), the
 * receipt itself narrow and monospaced; on screen a guide above it says how to print and leads
 * back. Printing is the browser's (the CSP allows no script of ours to call print()).
 */
export function ReceiptPage(props: ReceiptPageProps) {
  const t = translator(props.locale);
  const r = props.receipt;
  const number = receiptNumber(r.id);
  return (
    <Document
      locale={props.locale}
      assets={props.assets}
      title={`${t("payments.receipt.title", { number })} · ${props.ispName}`}
      bodyClass="receipt-page"
    >
      <main id="main" class="receipt-main">
        <div class="receipt-screen">
          <p>
            <a href="/payments">{t("payments.receipt.back")}</a>
          </p>
          {props.notice ? <Notice kind="ok">{t(`payments.notice.${props.notice}`)}</Notice> : null}
          {props.restored ? <Notice kind="ok">{t("payments.notice.restored")}</Notice> : null}
          {props.error ? <Notice kind="error">{props.error}</Notice> : null}
          <p class="receipt-hint">{t("payments.receipt.hint")}</p>
        </div>
        <Receipt
          t={t}
          locale={props.locale}
          ispName={props.ispName}
          currency={props.currency}
          timeZone={props.timeZone}
          receipt={r}
        />
        <div class="receipt-screen">
          <p class="receipt-links">
            <a class="button button-primary" href={`/payments/new?customer=${r.customerId}`}>
              {t("payments.receipt.another")}
            </a>
            {props.dayHref ? (
              <a class="button button-quiet" href={props.dayHref}>
                {t("payments.receipt.day")}
              </a>
            ) : null}
          </p>
          {props.reverse ? (
            <ReverseForm
              t={t}
              paymentId={r.id}
              confirm={t("payments.reverse.confirm", {
                amount: formatMoney(r.amountMinor, props.currency, props.locale),
                name: r.customerName,
              })}
              state={props.reverse}
            />
          ) : null}
        </div>
      </main>
    </Document>
  );
}

function Receipt(props: {
  t: Translate;
  locale: Locale;
  ispName: string;
  currency: string;
  timeZone: string;
  receipt: ReceiptView;
}) {
  const { t, locale, receipt: r } = props;
  const money = (minor: number) => formatMoney(minor, props.currency, locale);
  const balance =
    r.balanceAfterMinor > 0
      ? ([t("payments.receipt.balanceOwed"), money(r.balanceAfterMinor)] as const)
      : r.balanceAfterMinor < 0
        ? ([t("payments.receipt.balanceCredit"), money(-r.balanceAfterMinor)] as const)
        : null;
  return (
    <article class={r.reversal ? "receipt receipt-reversed" : "receipt"} aria-label={t("payments.receipt.heading")}>
      <p class="receipt-isp">{props.ispName}</p>
      <p class="receipt-heading">{t("payments.receipt.heading")}</p>
      {r.reversal ? <p class="receipt-void">{t("payments.receipt.reversed")}</p> : null}
      <dl class="receipt-lines">
        <Line label={t("payments.receipt.number")} value={receiptNumber(r.id)} />
        <Line
          label={t("payments.receipt.date")}
          value={
            <time datetime={r.receivedAt.toISOString()}>{formatDateTime(r.receivedAt, locale, props.timeZone)}</time>
          }
        />
        <Line label={t("payments.receipt.customer")} value={r.customerName} />
        <Line label={t("payments.receipt.method")} value={methodText(t, r.method)} />
        {r.reference ? <Line label={t("payments.receipt.reference")} value={r.reference} /> : null}
        {r.invoiceNumber ? <Line label={t("payments.receipt.invoice")} value={r.invoiceNumber} /> : null}
      </dl>
      <dl class="receipt-lines receipt-total">
        <Line label={t("payments.receipt.amount")} value={money(r.amountMinor)} />
      </dl>
      <dl class="receipt-lines">
        {balance ? (
          <Line label={balance[0]} value={balance[1]} />
        ) : (
          <div class="receipt-line">
            <dt>{t("payments.receipt.balanceSettled")}</dt>
          </div>
        )}
        <Line label={t("payments.receipt.receivedBy")} value={r.receivedByName ?? t("payments.list.system")} />
      </dl>
      {r.reversal ? (
        <div class="receipt-reversal">
          <p>
            {t("payments.receipt.reversedOn", {
              date: formatDateTime(r.reversal.at, locale, props.timeZone),
              name: r.reversal.byName ?? t("payments.list.system"),
            })}
          </p>
          <p>{t("payments.receipt.reversedReason", { reason: r.reversal.reason })}</p>
        </div>
      ) : null}
      <p class="receipt-thanks">{t("payments.receipt.thanks")}</p>
    </article>
  );
}

function Line(props: { label: string; value: Child }) {
  return (
    <div class="receipt-line">
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </div>
  );
}

/** The reversal form; also the fragment htmx swaps in when a reversal is refused. */
export function ReverseForm(props: { t: Translate; paymentId: string; confirm: string; state: ReverseFormState }) {
  const { t, state } = props;
  const action = `/payments/${props.paymentId}/reverse`;
  return (
    <form
      id="reverse-form"
      class="adm-form receipt-reverse"
      method="post"
      action={action}
      hx-post={action}
      hx-confirm={props.confirm}
      hx-target="#reverse-form"
      hx-swap="outerHTML"
      novalidate
    >
      <h2>{t("payments.reverse.title")}</h2>
      <p class="adm-muted">{t("payments.reverse.text")}</p>
      <FormError id="reverse-form-error">{state.formError}</FormError>
      <TextArea
        id="reverse-reason"
        name="reason"
        label={t("payments.reverse.reason")}
        hint={t("payments.reverse.reasonHint")}
        value={state.reason}
        rows={2}
        maxlength={200}
        required
        error={state.error}
      />
      <p>
        <button class="button button-danger" type="submit">
          {t("payments.reverse.submit")}
        </button>
      </p>
    </form>
  );
}
