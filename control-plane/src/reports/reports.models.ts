/**
 * What the dashboard's and the reports' figures mean, written down once on plain values. The
 * SQL (reports.repository.ts) only groups and sums rows; every rule that decides what a figure
 * is lives here, and the page shows a one-line version of each under the figure.
 *
 * - MRR: Σ over subscriptions that are active or isolated on a monthly plan of the monthly
 *   charge before tax: price − monthly discount (never below 0), PPN taken out when the price
 *   includes it, net = round(amount × 10000 / (10000 + rate)), halves up — the rule of
 *   billing/invoice.models.ts, per subscription.
 * - Collected in a month: payments received in it minus reversals made in it (by received_at,
 *   in the tenant's zone).
 * - Invoiced in a month: Σ totals of invoices issued in it that are neither void nor credit notes.
 * - Unpaid: invoices with something open; overdue: those of them due before today.
 * - Aging: open amounts by days past due (today − due date): not yet due (due today or later),
 *   1–30, 31–60, 61–90, over 90. So overdue = every bucket but "not yet due".
 * - Collection rate of a month: of the live invoices issued in it, paid ÷ total; none when
 *   nothing was invoiced.
 * - New: activated in the month; churned: terminated in the month; active: active or isolated now.
 */
import { type MinorAmount, mulDivRound } from "@kilusi/shared/money";
import { type AgingBucket, agingBuckets, type Figure } from "@kilusi/web/pages/reports/report-data.ts";
import { addMonths, daysBetween, type LocalDate, startOfDayIn } from "../time/zoned.ts";

/** Subscriptions that pay the same monthly charge, counted together (the SQL groups them). */
export interface ChargeGroup {
  priceMinor: MinorAmount;
  discountMinor: MinorAmount;
  taxRateBp: number;
  taxInclusive: boolean;
  count: number;
}

/** One subscription's monthly charge before tax, after its discount. */
export function monthlyChargeBeforeTax(g: Omit<ChargeGroup, "count">): MinorAmount {
  const amount = Math.max(g.priceMinor - g.discountMinor, 0);
  return g.taxInclusive ? mulDivRound(amount, 10_000, 10_000 + g.taxRateBp) : amount;
}

/** Monthly recurring revenue of the groups (rounded per subscription, then summed). */
export function mrrOf(groups: readonly ChargeGroup[]): MinorAmount {
  return groups.reduce((sum, g) => sum + monthlyChargeBeforeTax(g) * g.count, 0);
}

/** The bucket of an open amount `daysPastDue` days after its due date (0 or less: not yet due). */
export function agingBucketOf(daysPastDue: number): AgingBucket {
  if (daysPastDue <= 0) return "not_due";
  if (daysPastDue <= 30) return "d1_30";
  if (daysPastDue <= 60) return "d31_60";
  if (daysPastDue <= 90) return "d61_90";
  return "d90_plus";
}

/** Open invoices sharing a due date (the SQL groups them). */
export interface OpenGroup {
  dueOn: LocalDate;
  openMinor: MinorAmount;
  count: number;
}

export interface Receivables {
  unpaid: Figure;
  overdue: Figure;
  aging: ({ bucket: AgingBucket } & Figure)[];
}

/** Unpaid, overdue and the aging buckets of the open invoices, as of `today`. */
export function receivablesOf(groups: readonly OpenGroup[], today: LocalDate): Receivables {
  const buckets = new Map<AgingBucket, Figure>(agingBuckets.map((b) => [b, { amountMinor: 0, count: 0 }]));
  const unpaid: Figure = { amountMinor: 0, count: 0 };
  const overdue: Figure = { amountMinor: 0, count: 0 };
  for (const g of groups) {
    if (g.openMinor <= 0 || g.count <= 0) continue;
    const bucket = agingBucketOf(daysBetween(g.dueOn, today));
    const figure = buckets.get(bucket) as Figure;
    figure.amountMinor += g.openMinor;
    figure.count += g.count;
    unpaid.amountMinor += g.openMinor;
    unpaid.count += g.count;
    if (bucket !== "not_due") {
      overdue.amountMinor += g.openMinor;
      overdue.count += g.count;
    }
  }
  return { unpaid, overdue, aging: agingBuckets.map((bucket) => ({ bucket, ...(buckets.get(bucket) as Figure) })) };
}

/** paid ÷ invoiced in basis points (halves up), or null when nothing was invoiced. */
export function collectionRateBp(paidMinor: MinorAmount, invoicedMinor: MinorAmount): number | null {
  if (invoicedMinor <= 0) return null;
  return mulDivRound(Math.max(paidMinor, 0), 10_000, invoicedMinor);
}

/** How much `current` moved against `previous`, in basis points of it; null when there was nothing before. */
export function changeBp(current: number, previous: number): number | null {
  if (previous <= 0) return null;
  return mulDivRound(current - previous, 10_000, previous);
}

/** `YYYY-MM` of a local date. */
export const monthOf = (date: LocalDate): string => date.slice(0, 7);

/** The `count` months ending with `lastMonth`, oldest first. */
export function monthsEnding(lastMonth: string, count: number): string[] {
  const first = `${lastMonth}-01`;
  return Array.from({ length: count }, (_, i) => monthOf(addMonths(first, i - count + 1)));
}

/**
 * Where each month starts in the tenant's zone, as instants, plus where the month after the
 * last one starts: `months.length + 1` ascending boundaries, for bucketing timestamps
 * (`width_bucket` in SQL: boundary i ≤ t < boundary i+1 is month i).
 */
export function monthBoundaries(months: readonly string[], timeZone: string): Date[] {
  const last = months.at(-1);
  if (!last) return [];
  const starts = [...months, monthOf(addMonths(`${last}-01`, 1))];
  return starts.map((m) => startOfDayIn(`${m}-01`, timeZone) as Date);
}
