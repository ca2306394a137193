/**
 * What the monthly billing run invoices for one subscription on one day: the rules the run's
 * set-based SQL (invoices/billing-run.sql.ts) implements, written once here on plain values
 * so they can be read, tested, and compared row by row with what the SQL wrote.
 *
 * Billing is for the cycle that contains today (in the tenant's zone), issued on the day the
 * run meets it, in advance: a subscriber on billing day 1 is invoiced on 1 March for March.
 * - The plan line is the plan's price; on the cycle in which the subscription was activated
 *   (after the cycle's first day) it is the prorated tail of the cycle instead, from the
 *   activation day to the next billing day (proration.models.ts `firstInvoiceProration`).
 * - The first invoice a subscription ever gets carries the plan's installation fee.
 * - A monthly discount is a discount line, prorated like the plan and never more than it.
 * - Every line is taxed at the plan's rate, inclusive or exclusive as the plan says.
 */
import type { MinorAmount } from "@kilusi/shared/money";
import { addDays, type LocalDate } from "../time/zoned.ts";
import { computeInvoice, type InvoiceLine, type InvoiceLineInput, type InvoiceTotals } from "./invoice.models.ts";
import { type BillingPeriod, firstInvoiceProration, partOfCycle, periodContaining } from "./proration.models.ts";

export interface CycleSubscription {
  billingDay: number;
  /** The local date of activation, in the tenant's zone. */
  activatedOn: LocalDate;
  planName: string;
  priceMinor: MinorAmount;
  taxRateBp: number;
  taxInclusive: boolean;
  installationFeeMinor: MinorAmount;
  monthlyDiscountMinor: MinorAmount;
  /** No invoice of any kind was ever issued for this subscription. */
  firstInvoice: boolean;
}

/** Words of the tenant's language the line descriptions use. */
export interface LineLabels {
  installation: string;
  discount: string;
  /** Unit of the proration note, "hari" / "days". */
  days: string;
}

export interface CycleInvoice {
  period: BillingPeriod;
  /** `YYYY-MM` of the cycle's first day: the invoice's idempotency key with the subscription. */
  periodKey: string;
  lines: InvoiceLine[];
  totals: InvoiceTotals;
}

/** DD/MM/YYYY, as printed on the invoice (and as the SQL writes it: to_char(d, 'DD/MM/YYYY')). */
export function printedDate(date: LocalDate): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

/** The invoice the run issues today for this subscription, or null when it has nothing to bill yet. */
export function cycleInvoice(sub: CycleSubscription, today: LocalDate, labels: LineLabels): CycleInvoice | null {
  if (sub.activatedOn > today) return null;
  const period = periodContaining(today, sub.billingDay);
  const last = printedDate(addDays(period.end, -1));
  const lines: InvoiceLineInput[] = [];
  const tax = { taxRateBp: sub.taxRateBp, taxInclusive: sub.taxInclusive };

  let planAmount = sub.priceMinor;
  let discountAmount = sub.monthlyDiscountMinor;
  if (sub.activatedOn > period.start) {
    const part = firstInvoiceProration(sub.activatedOn, sub.billingDay, sub.priceMinor);
    const offset = part.periodDays - part.days;
    planAmount = part.amountMinor;
    discountAmount = partOfCycle(sub.monthlyDiscountMinor, part.periodDays, offset, part.periodDays);
    lines.push({
      kind: "proration",
      description: `${sub.planName} · ${printedDate(sub.activatedOn)} – ${last} (${part.days}/${part.periodDays} ${labels.days})`,
      quantity: 1,
      unitPriceMinor: planAmount,
      discountMinor: 0,
      ...tax,
    });
  } else {
    lines.push({
      kind: "plan",
      description: `${sub.planName} · ${printedDate(period.start)} – ${last}`,
      quantity: 1,
      unitPriceMinor: planAmount,
      discountMinor: 0,
      ...tax,
    });
  }
  if (sub.firstInvoice && sub.installationFeeMinor > 0) {
    lines.push({
      kind: "installation",
      description: labels.installation,
      quantity: 1,
      unitPriceMinor: sub.installationFeeMinor,
      discountMinor: 0,
      ...tax,
    });
  }
  const discount = Math.min(discountAmount, planAmount);
  if (discount > 0) {
    lines.push({
      kind: "discount",
      description: labels.discount,
      quantity: 1,
      unitPriceMinor: -discount,
      discountMinor: 0,
      ...tax,
    });
  }
  const result = computeInvoice(lines);
  if (!result.ok) throw new RangeError(`cycle invoice: ${result.code} (line ${result.line ?? "-"})`);
  return { period, periodKey: period.start.slice(0, 7), lines: result.invoice.lines, totals: result.invoice };
}
