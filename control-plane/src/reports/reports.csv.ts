import { formatMoney, formatMonth } from "@kilusi/web/format.ts";
import { type Locale, translator } from "@kilusi/web/i18n/i18n.ts";
import {
  lastMonthOf,
  type ReportsOverview,
  thisMonthOf,
  type UnpaidInvoice,
} from "@kilusi/web/pages/reports/report-data.ts";
import { formatPercentBp } from "@kilusi/web/pages/reports/report-format.ts";

// Each report as a CSV file a spreadsheet opens as it is: UTF-8 with a byte-order mark (Excel
// then reads "Rp" and names with accents right), CRLF line ends (RFC 4180), amounts twice — a
// plain integer in minor units to compute with, and the amount as the page writes it.

/** A number we computed goes out as it is; text is defused and quoted when it must be. */
export type Cell = string | number;

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); a
// leading apostrophe makes it text. Tab and carriage return start formulas in some of them too.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(rows: readonly (readonly Cell[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** A percentage with two decimals and a dot, from basis points; empty when there is none. */
const percent = (bp: number | null): Cell => (bp === null ? "" : (bp / 100).toFixed(2));

type AmountColumn = `reports.col.${"amount" | "invoiced" | "collected" | "paid" | "open" | "total"}`;

function columns(locale: Locale, currency: string) {
  const t = translator(locale);
  return {
    t,
    /** The two headers of an amount column. */
    amount: (key: AmountColumn) => {
      const column = t(key);
      return [t("reports.csv.minor", { column, currency }), t("reports.csv.formatted", { column })];
    },
    money: (minor: number): Cell[] => [minor, formatMoney(minor, currency, locale)],
  };
}

export function summaryCsv(o: ReportsOverview, locale: Locale): string {
  const { t, amount, money } = columns(locale, o.currency);
  const now = thisMonthOf(o);
  const prev = lastMonthOf(o);
  const inMonth = (figure: string, month: string) =>
    t("reports.csv.thisMonth", { figure, month: formatMonth(month, locale) });
  const row = (figure: string, minor: number | null, count: number | null, bp: number | null = null): Cell[] => [
    figure,
    ...(minor === null ? ["", ""] : money(minor)),
    count ?? "",
    percent(bp),
  ];
  return toCsv([
    [t("reports.col.figure"), ...amount("reports.col.amount"), t("reports.col.quantity"), t("reports.col.percent")],
    row(t("reports.mrr.label"), o.mrrMinor, null),
    row(inMonth(t("reports.series.collected"), now.month), now.collectedMinor, null),
    row(inMonth(t("reports.series.collected"), prev.month), prev.collectedMinor, null),
    row(inMonth(t("reports.series.invoiced"), now.month), now.invoicedMinor, now.invoicedCount),
    row(inMonth(t("reports.series.invoiced"), prev.month), prev.invoicedMinor, prev.invoicedCount),
    row(t("reports.unpaid.label"), o.unpaid.amountMinor, o.unpaid.count),
    row(t("reports.overdue.label"), o.overdue.amountMinor, o.overdue.count),
    row(inMonth(t("reports.series.rate"), now.month), null, null, now.collectionRateBp),
    row(inMonth(t("reports.series.rate"), prev.month), null, null, prev.collectionRateBp),
    row(t("reports.active.label"), null, o.activeCount),
    row(inMonth(t("reports.series.new"), now.month), null, now.newCount),
    row(inMonth(t("reports.series.new"), prev.month), null, prev.newCount),
    row(inMonth(t("reports.series.churned"), now.month), null, now.churnedCount),
    row(inMonth(t("reports.series.churned"), prev.month), null, prev.churnedCount),
  ]);
}

export function revenueCsv(o: ReportsOverview, locale: Locale): string {
  const { t, amount, money } = columns(locale, o.currency);
  return toCsv([
    [
      t("reports.col.month"),
      t("reports.col.invoices"),
      ...amount("reports.col.invoiced"),
      ...amount("reports.col.collected"),
    ],
    ...o.months.map((m) => [m.month, m.invoicedCount, ...money(m.invoicedMinor), ...money(m.collectedMinor)]),
  ]);
}

export function agingCsv(o: ReportsOverview, locale: Locale): string {
  const { t, amount, money } = columns(locale, o.currency);
  return toCsv([
    [t("reports.col.bucket"), t("reports.col.count"), ...amount("reports.col.open")],
    ...o.aging.map((a) => [t(`reports.aging.${a.bucket}`), a.count, ...money(a.amountMinor)]),
    [t("reports.aging.total"), o.unpaid.count, ...money(o.unpaid.amountMinor)],
  ]);
}

export function collectionCsv(o: ReportsOverview, locale: Locale): string {
  const { t, amount, money } = columns(locale, o.currency);
  return toCsv([
    [
      t("reports.col.month"),
      t("reports.col.invoices"),
      ...amount("reports.col.invoiced"),
      ...amount("reports.col.paid"),
      t("reports.col.percent"),
      t("reports.col.rate"),
    ],
    ...o.months.map((m) => [
      m.month,
      m.invoicedCount,
      ...money(m.invoicedMinor),
      ...money(m.paidOfInvoicedMinor),
      percent(m.collectionRateBp),
      formatPercentBp(m.collectionRateBp, locale),
    ]),
  ]);
}

export function subscribersCsv(o: ReportsOverview, locale: Locale): string {
  const t = translator(locale);
  return toCsv([
    [t("reports.col.month"), t("reports.col.new"), t("reports.col.churned"), t("reports.col.net")],
    ...o.months.map((m) => [m.month, m.newCount, m.churnedCount, m.newCount - m.churnedCount]),
  ]);
}

export function unpaidCsv(rows: readonly UnpaidInvoice[], currency: string, locale: Locale): string {
  const { t, amount, money } = columns(locale, currency);
  return toCsv([
    [
      t("reports.col.number"),
      t("reports.col.customer"),
      t("reports.col.issued"),
      t("reports.col.due"),
      t("reports.col.daysPastDue"),
      t("reports.col.bucket"),
      ...amount("reports.col.total"),
      ...amount("reports.col.paid"),
      ...amount("reports.col.open"),
    ],
    ...rows.map((r) => [
      r.number,
      r.customerName,
      r.issuedOn,
      r.dueOn,
      r.daysPastDue,
      t(`reports.aging.${r.bucket}`),
      ...money(r.totalMinor),
      ...money(r.paidMinor),
      ...money(r.openMinor),
    ]),
  ]);
}
