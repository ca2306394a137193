import { type Column, DataTable } from "../../components/data-table.tsx";
import { Money } from "../../components/money.tsx";
import { formatCount, formatDate, formatDateTime, formatMoney } from "../../format.ts";
import type { Locale, Translate } from "../../i18n/i18n.ts";
import { type InvoiceLineView, type InvoiceView, lineRateText } from "./invoice-format.ts";

export type ReminderView = { offsetDays: number; sentOn: string };

export type PaymentView = {
  id: string;
  method: "cash" | "bank_transfer" | "ewallet" | "gateway";
  reference: string | null;
  amount: number;
  receivedAt: Date;
  /** Set on a reversal: the payment it undoes, and why. */
  reversalOf: string | null;
  reversalReason: string | null;
};

/** The lines with every amount the billing model computed, then the invoice's totals. */
export function InvoiceLines(props: {
  t: Translate;
  locale: Locale;
  invoice: InvoiceView;
  lines: readonly InvoiceLineView[];
}) {
  const { t, locale, invoice: i } = props;
  const money = (minor: number) => <Money minor={minor} currency={i.currency} locale={locale} />;
  const columns: Column[] = [
    { label: t("invoices.lines.description") },
    { label: t("invoices.lines.quantity"), numeric: true },
    { label: t("invoices.lines.unitPrice"), numeric: true },
    { label: t("invoices.lines.discount"), numeric: true },
    { label: t("invoices.lines.taxRate"), numeric: true },
    { label: t("invoices.lines.net"), numeric: true },
    { label: t("invoices.lines.tax"), numeric: true },
    { label: t("invoices.lines.gross"), numeric: true },
  ];
  return (
    <>
      <DataTable
        id="invoice-lines"
        caption={t("invoices.lines.caption", { number: i.number })}
        columns={columns}
        rows={props.lines.map((line) => ({
          id: `line-${line.position}`,
          class: line.gross < 0 ? "invoice-line-credit" : undefined,
          cells: [
            <span class="invoice-line-description">
              {line.description}
              {line.gross < 0 ? <span class="invoice-credit-tag"> ({t("invoices.lines.credit")})</span> : null}
            </span>,
            formatCount(line.quantity, locale),
            money(line.unitPrice),
            line.discount === 0 ? "—" : money(-line.discount),
            lineRateText(t, locale, line),
            money(line.net),
            money(line.tax),
            money(line.gross),
          ],
        }))}
      />
      <dl class="invoice-totals" aria-label={t("invoices.totals.label")}>
        <div>
          <dt>{t("invoices.totals.subtotal")}</dt>
          <dd>{money(i.subtotalMinor)}</dd>
        </div>
        <div>
          <dt>{t("invoices.totals.tax")}</dt>
          <dd>{money(i.taxMinor)}</dd>
        </div>
        <div class="invoice-totals-total">
          <dt>{t("invoices.totals.total")}</dt>
          <dd>
            <Money minor={i.totalMinor} currency={i.currency} locale={locale} strong />
          </dd>
        </div>
        {i.status === "credit" || i.status === "void" ? null : (
          <>
            <div>
              <dt>{t("invoices.totals.paid")}</dt>
              <dd>{money(i.paidMinor)}</dd>
            </div>
            <div class="invoice-totals-total">
              <dt>{t("invoices.totals.open")}</dt>
              <dd>
                <Money minor={i.openMinor} currency={i.currency} locale={locale} strong />
              </dd>
            </div>
          </>
        )}
      </dl>
    </>
  );
}

/** "3 hari sebelum jatuh tempo", "Pada hari jatuh tempo", "1 hari setelah jatuh tempo". */
export function reminderText(t: Translate, offsetDays: number): string {
  if (offsetDays < 0) return t("invoices.reminders.before", { n: -offsetDays });
  if (offsetDays > 0) return t("invoices.reminders.after", { n: offsetDays });
  return t("invoices.reminders.onDue");
}

export function RemindersList(props: { t: Translate; locale: Locale; reminders: readonly ReminderView[] }) {
  const { t } = props;
  if (props.reminders.length === 0) return <p class="adm-muted">{t("invoices.reminders.none")}</p>;
  return (
    <ul class="invoice-reminders" id="invoice-reminders">
      {props.reminders.map((r) => (
        <li>
          <strong>{reminderText(t, r.offsetDays)}</strong>{" "}
          <span class="adm-muted">{t("invoices.reminders.sentOn", { date: formatDate(r.sentOn, props.locale) })}</span>
        </li>
      ))}
    </ul>
  );
}

export function PaymentsList(props: {
  t: Translate;
  locale: Locale;
  timeZone: string;
  invoice: Pick<InvoiceView, "number" | "currency">;
  payments: readonly PaymentView[];
}) {
  const { t, locale } = props;
  const note = <p class="adm-muted">{t("invoices.payments.note")}</p>;
  if (props.payments.length === 0) {
    return (
      <>
        <p class="adm-muted">{t("invoices.payments.none")}</p>
        {note}
      </>
    );
  }
  return (
    <>
      <DataTable
        id="invoice-payments"
        caption={t("invoices.payments.caption", { number: props.invoice.number })}
        columns={[
          { label: t("invoices.payments.date") },
          { label: t("invoices.payments.method") },
          { label: t("invoices.payments.reference") },
          { label: t("invoices.payments.amount"), numeric: true },
        ]}
        rows={props.payments.map((p) => ({
          id: `payment-${p.id}`,
          class: p.reversalOf ? "is-muted" : undefined,
          cells: [
            formatDateTime(p.receivedAt, locale, props.timeZone),
            p.reversalOf ? (
              <>
                {t(`invoices.method.${p.method}`)}
                <br />
                <span class="adm-muted">{t("invoices.payments.reversal", { reason: p.reversalReason ?? "" })}</span>
              </>
            ) : (
              t(`invoices.method.${p.method}`)
            ),
            p.reference ?? "—",
            // A reversal takes its amount back: the negative it is in the ledger, but not a credit.
            p.reversalOf ? (
              <span class="money">{formatMoney(-p.amount, props.invoice.currency, locale)}</span>
            ) : (
              <Money minor={p.amount} currency={props.invoice.currency} locale={locale} />
            ),
          ],
        }))}
      />
      {note}
    </>
  );
}
