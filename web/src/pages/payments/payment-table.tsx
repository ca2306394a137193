import { type Column, DataTable } from "../../components/data-table.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { formatDateTime, formatMoney } from "../../format.ts";
import type { Locale, Translate } from "../../i18n/i18n.ts";
import { methodText, type PaymentMethodName } from "./format.ts";

export type PaymentRowView = {
  id: string;
  receivedAt: Date;
  customerName: string;
  amountMinor: number;
  method: PaymentMethodName;
  reference: string | null;
  /** Null for a gateway payment (nobody took it by hand). */
  collectorName: string | null;
  /** Set on a reversal row: the payment it reverses, whose receipt tells the story. */
  reversalOf: string | null;
  /** A payment that a later row reversed. */
  reversed: boolean;
};

/**
 * Payments as a table (cards on a phone). A reversal is its own row, its amount going back
 * (with a minus), and the payment it undid says "reversed"; both link to that payment's receipt.
 */
export function PaymentTable(props: {
  t: Translate;
  locale: Locale;
  currency: string;
  timeZone: string;
  caption: string;
  rows: readonly PaymentRowView[];
  showCollector: boolean;
  id?: string;
}) {
  const { t, locale } = props;
  const columns: Column[] = [
    { label: t("payments.col.customer") },
    { label: t("payments.col.when") },
    { label: t("payments.col.amount"), numeric: true },
    { label: t("payments.col.method") },
    ...(props.showCollector ? [{ label: t("payments.col.collector") }] : []),
    { label: t("payments.col.status") },
    { label: t("payments.col.receipt"), hiddenLabel: true },
  ];
  const rows = props.rows.map((p) => {
    const receiptOf = p.reversalOf ?? p.id;
    const amount = formatMoney(p.reversalOf ? -p.amountMinor : p.amountMinor, props.currency, locale);
    return {
      id: `payment-${p.id}`,
      class: p.reversalOf || p.reversed ? "is-muted" : undefined,
      cells: [
        p.customerName,
        <time datetime={p.receivedAt.toISOString()}>{formatDateTime(p.receivedAt, locale, props.timeZone)}</time>,
        <span class={p.reversalOf ? "money payment-amount-back" : "money"}>{amount}</span>,
        <span class="payment-method">
          {methodText(t, p.method)}
          {p.reference ? <span class="payment-reference">{p.reference}</span> : null}
        </span>,
        ...(props.showCollector ? [p.collectorName ?? t("payments.list.system")] : []),
        p.reversalOf ? (
          <StatusBadge tone="danger">{t("payments.status.reversal")}</StatusBadge>
        ) : p.reversed ? (
          <StatusBadge tone="muted">{t("payments.status.reversed")}</StatusBadge>
        ) : (
          <StatusBadge tone="ok">{t("payments.status.received")}</StatusBadge>
        ),
        <a href={`/payments/${receiptOf}/receipt`} aria-label={t("payments.list.receiptOf", { name: p.customerName })}>
          {t("payments.list.receipt")}
        </a>,
      ],
    };
  });
  return <DataTable id={props.id} caption={props.caption} columns={columns} rows={rows} />;
}
