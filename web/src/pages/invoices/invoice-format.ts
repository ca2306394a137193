import type { BadgeTone } from "../../components/status-badge.tsx";
import { formatMonth } from "../../format.ts";
import type { Locale, Translate } from "../../i18n/i18n.ts";

// What the invoice pages share: the shapes they are given and how a status, a period, a tax
// rate and a phone number read.

export type InvoiceStatusName = "open" | "partially_paid" | "paid" | "void" | "credit";

/** The list's filters; "" is all. */
export type InvoiceFilterName = "" | "unpaid" | "overdue" | "open" | "partially_paid" | "paid" | "void" | "credit";

/** One invoice with how far it is paid (derived from the ledger by the server). */
export type InvoiceView = {
  id: string;
  number: string;
  customerId: string;
  customerName: string;
  period: string | null;
  issuedOn: string;
  dueOn: string;
  currency: string;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  paidMinor: number;
  openMinor: number;
  status: InvoiceStatusName;
  overdue: boolean;
  voidReason: string | null;
};

export type InvoiceLineView = {
  position: number;
  kind: string;
  description: string;
  quantity: number;
  unitPrice: number;
  discount: number;
  taxRateBp: number;
  taxInclusive: boolean;
  net: number;
  tax: number;
  gross: number;
};

export type InvoiceCustomerView = {
  id: string;
  name: string;
  phoneE164: string | null;
  address: string | null;
};

/** The status word and tone of the badge; an open invoice past its due date says so. */
export function statusBadge(t: Translate, invoice: Pick<InvoiceView, "status" | "overdue">): [BadgeTone, string] {
  switch (invoice.status) {
    case "paid":
      return ["ok", t("invoices.status.paid")];
    case "partially_paid":
      return ["warn", t("invoices.status.partially_paid")];
    case "void":
      return ["muted", t("invoices.status.void")];
    case "credit":
      return ["info", t("invoices.status.credit")];
    default:
      return ["danger", invoice.overdue ? t("invoices.status.overdue") : t("invoices.status.open")];
  }
}

/** "Maret 2026", or "Sekali tagih" for an invoice outside the monthly run. */
export function periodText(t: Translate, locale: Locale, period: string | null): string {
  return period ? formatMonth(period, locale) : t("invoices.period.oneOff");
}

const percentFormats = new Map<Locale, Intl.NumberFormat>();

/** A tax rate in basis points as a percentage: 1100 → "11%", 1250 → "12,5%". */
export function rateText(bp: number, locale: Locale): string {
  let format = percentFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale === "id" ? "id-ID" : "en-GB", {
      style: "percent",
      maximumFractionDigits: 2,
    });
    percentFormats.set(locale, format);
  }
  return format.format(bp / 10_000);
}

/** The line's PPN column: the rate, "(termasuk)" when the price already holds it, "—" without. */
export function lineRateText(t: Translate, locale: Locale, line: Pick<InvoiceLineView, "taxRateBp" | "taxInclusive">) {
  if (line.taxRateBp === 0) return t("invoices.tax.none");
  const rate = rateText(line.taxRateBp, locale);
  return line.taxInclusive ? t("invoices.tax.inclusive", { rate }) : rate;
}

/** PPN per rate, as an invoice summarises it: the base (net) and the tax of each rate above 0. */
export function taxSummary(lines: readonly InvoiceLineView[]): { rateBp: number; base: number; tax: number }[] {
  const byRate = new Map<number, { rateBp: number; base: number; tax: number }>();
  for (const line of lines) {
    if (line.taxRateBp === 0) continue;
    const sum = byRate.get(line.taxRateBp) ?? { rateBp: line.taxRateBp, base: 0, tax: 0 };
    sum.base += line.net;
    sum.tax += line.tax;
    byRate.set(line.taxRateBp, sum);
  }
  return [...byRate.values()].sort((a, b) => a.rateBp - b.rateBp);
}

/** An Indonesian number as people write it (0812-3456-7890); any other stays in E.164. */
export function phoneText(e164: string): string {
  if (!e164.startsWith("+62")) return e164;
  const national = `0${e164.slice(3)}`;
  return [national.slice(0, 4), national.slice(4, 8), national.slice(8)].filter(Boolean).join("-");
}

/** "INV/2026/000041–000052": the second number without what it shares with the first. */
export function numberRange(first: string, last: string): string {
  if (first === last) return first;
  const cut = first.lastIndexOf("/") + 1;
  if (cut > 0 && last.startsWith(first.slice(0, cut))) return `${first}–${last.slice(cut)}`;
  return `${first}–${last}`;
}

/** The list's URL with these filters; empty ones are left out. */
export function listHref(filters: { status?: string; q?: string; customer?: string; page?: number }): string {
  const params = new URLSearchParams();
  if (filters.customer) params.set("customer", filters.customer);
  if (filters.status) params.set("status", filters.status);
  if (filters.q) params.set("q", filters.q);
  if (filters.page && filters.page > 1) params.set("page", String(filters.page));
  const s = params.toString();
  return s ? `/invoices?${s}` : "/invoices";
}

/** The lines of the tenant's footer text, one paragraph each (blank lines dropped). */
export function footerLines(footer: string | null): string[] {
  if (!footer) return [];
  return footer
    .split(/\r\n|\r|\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "");
}
