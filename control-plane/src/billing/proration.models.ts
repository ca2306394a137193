/**
 * Monthly billing cycles and proration, on local dates in the tenant's zone (DESIGN §5).
 *
 * A cycle runs from one billing day to the same day next month, [start, end). Billing days are
 * 1–28 and 29–31 are refused: every month has days 1–28, so every cycle starts on the same day
 * number and none silently moves to the 28th in February and back. A tenant who wants "end of
 * month" billing bills on the 1st.
 *
 * Proration counts whole days of the cycle. A part of a cycle, days [from, to), costs
 *   round(price × to / days) − round(price × from / days)
 * (cumulative rounding, halves away from zero), so consecutive parts — a first invoice, one
 * or several plan changes, the rest of the cycle — always add up to exactly the price,
 * whatever the rounding of each part. Every amount here comes from `partOfCycle`; rounding a
 * part on its own (round(price × days_used / days)) would lose or gain a rupiah across parts.
 */

import { type MinorAmount, mulDivRound } from "@kilusi/shared/money";
import { addMonths, daysBetween, type LocalDate, parseLocalDate } from "../time/zoned.ts";

export const MIN_BILLING_DAY = 1;
export const MAX_BILLING_DAY = 28;

export interface BillingPeriod {
  /** First day of the cycle, a billing day. */
  start: LocalDate;
  /** First day of the next cycle (exclusive end). */
  end: LocalDate;
}

export function isBillingDay(day: number): boolean {
  return Number.isInteger(day) && day >= MIN_BILLING_DAY && day <= MAX_BILLING_DAY;
}

function mustBeBillingDay(day: number): void {
  if (!isBillingDay(day)) throw new RangeError(`billing day must be 1–28: ${day}`);
}

/** The cycle that contains a local date. */
export function periodContaining(date: LocalDate, billingDay: number): BillingPeriod {
  mustBeBillingDay(billingDay);
  const parsed = parseLocalDate(date);
  if (!parsed) throw new RangeError(`not a local date: ${date}`);
  const thisMonth = `${date.slice(0, 8)}${String(billingDay).padStart(2, "0")}`;
  const start = parsed.day >= billingDay ? thisMonth : addMonths(thisMonth, -1);
  return { start, end: addMonths(start, 1) };
}

/** The cycle after `period`. */
export function nextPeriod(period: BillingPeriod): BillingPeriod {
  return { start: period.end, end: addMonths(period.end, 1) };
}

/** Days in a cycle: 28 to 31. */
export function periodDays(period: BillingPeriod): number {
  return daysBetween(period.start, period.end);
}

/** Position of a date in its cycle: 0 on the billing day. */
export function dayOfPeriod(period: BillingPeriod, date: LocalDate): number {
  const offset = daysBetween(period.start, date);
  if (offset < 0 || offset >= periodDays(period))
    throw new RangeError(`${date} is outside ${period.start}…${period.end}`);
  return offset;
}

/** The price of days [fromDay, toDay) of a cycle of `days` days, by cumulative rounding. */
export function partOfCycle(priceMinor: MinorAmount, days: number, fromDay: number, toDay: number): MinorAmount {
  if (!Number.isSafeInteger(priceMinor) || priceMinor < 0) throw new RangeError(`price must be ≥ 0: ${priceMinor}`);
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be ≥ 1: ${days}`);
  if (!Number.isInteger(fromDay) || !Number.isInteger(toDay) || fromDay < 0 || fromDay > toDay || toDay > days) {
    throw new RangeError(`need 0 ≤ from ≤ to ≤ ${days}: ${fromDay}, ${toDay}`);
  }
  return mulDivRound(priceMinor, toDay, days) - mulDivRound(priceMinor, fromDay, days);
}

/** The price of the first `usedDays` days of a cycle. */
export function prorate(priceMinor: MinorAmount, days: number, usedDays: number): MinorAmount {
  return partOfCycle(priceMinor, days, 0, usedDays);
}

/**
 * A cycle cut at the given day positions (strictly rising, inside the cycle) into consecutive
 * parts, priced at the plan in force for each part. With one price throughout, the parts sum
 * to that price exactly.
 */
export function splitCycle(prices: readonly MinorAmount[], days: number, cuts: readonly number[]): MinorAmount[] {
  if (prices.length !== cuts.length + 1) throw new RangeError("one price per part");
  const bounds = [0, ...cuts, days];
  for (let i = 1; i < bounds.length; i++) {
    if ((bounds[i] as number) <= (bounds[i - 1] as number))
      throw new RangeError("cuts must rise strictly inside the cycle");
  }
  return prices.map((price, i) => partOfCycle(price, days, bounds[i] as number, bounds[i + 1] as number));
}

export interface FirstInvoiceProration {
  /** The whole cycle the activation falls in; its length is the divisor. */
  period: BillingPeriod;
  from: LocalDate;
  to: LocalDate;
  days: number;
  periodDays: number;
  amountMinor: MinorAmount;
}

/**
 * From activation to the next billing day: the tail of the cycle the activation falls in,
 * priced over that cycle's length. Activating on the billing day itself costs the full price.
 */
export function firstInvoiceProration(
  activation: LocalDate,
  billingDay: number,
  priceMinor: MinorAmount,
): FirstInvoiceProration {
  const period = periodContaining(activation, billingDay);
  const total = periodDays(period);
  const offset = dayOfPeriod(period, activation);
  return {
    period,
    from: activation,
    to: period.end,
    days: total - offset,
    periodDays: total,
    amountMinor: partOfCycle(priceMinor, total, offset, total),
  };
}

export interface PlanChangeProration {
  period: BillingPeriod;
  /** Days on the old plan, the change day excluded. */
  usedDays: number;
  /** Days on the new plan, from the change day to the end of the cycle. */
  remainingDays: number;
  /** What to give back for the old plan's unused days (≥ 0; a credit line carries it negated). */
  creditMinor: MinorAmount;
  /** What to charge for the new plan's remaining days (≥ 0). */
  chargeMinor: MinorAmount;
}

/**
 * A plan change taking effect on `changeDate`, when the old plan was billed for the whole
 * cycle: the unused part of the old price comes back, the same part of the new one is charged.
 * What the customer pays in the end is old part [0, change) + new part [change, end).
 */
export function planChangeProration(input: {
  changeDate: LocalDate;
  billingDay: number;
  oldPriceMinor: MinorAmount;
  newPriceMinor: MinorAmount;
}): PlanChangeProration {
  const period = periodContaining(input.changeDate, input.billingDay);
  const total = periodDays(period);
  const offset = dayOfPeriod(period, input.changeDate);
  return {
    period,
    usedDays: offset,
    remainingDays: total - offset,
    creditMinor: partOfCycle(input.oldPriceMinor, total, offset, total),
    chargeMinor: partOfCycle(input.newPriceMinor, total, offset, total),
  };
}
