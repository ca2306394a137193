/**
 * Which billing period an instant belongs to, and when prepaid time runs out, both decided in
 * the tenant's zone (DESIGN §5): an invoice generated at 23:30 WIB on 31 January belongs to
 * January even though it is already 16:30 UTC, and a "1 day" voucher ends at the same wall time
 * tomorrow in the tenant's town.
 */
import { addDays, type LocalDate, localDateOf, localDateTimeOf, zonedInstant } from "../time/zoned.ts";
import { periodContaining } from "./proration.models.ts";

/** "YYYY-MM": the month the cycle starts in. Invoices are unique per (subscription, period key). */
export type PeriodKey = string;

/** The period key of the cycle containing a local date. */
export function periodKeyOfDate(date: LocalDate, billingDay = 1): PeriodKey {
  return periodContaining(date, billingDay).start.slice(0, 7);
}

/** The period key of the cycle an instant falls in, read in the tenant's zone. */
export function periodKeyOf(instant: Date, timeZone: string, billingDay = 1): PeriodKey {
  return periodKeyOfDate(localDateOf(instant, timeZone), billingDay);
}

/**
 * How long prepaid access lasts. Hours are elapsed time (24 hours is 24 hours even across a
 * DST change); days are calendar days (the same wall time n days later, so a 1-day plan bought
 * at 20:00 ends at 20:00 tomorrow, though the day may be 23 or 25 hours long).
 */
export type Validity = { hours: number } | { days: number };

const MAX_VALIDITY_DAYS = 3660;

export function isValidity(value: Validity): boolean {
  const n = "hours" in value ? value.hours : value.days;
  const max = "hours" in value ? MAX_VALIDITY_DAYS * 24 : MAX_VALIDITY_DAYS;
  return Number.isInteger(n) && n >= 1 && n <= max;
}

/** When access bought (or first used) at `start` ends. */
export function expiresAt(start: Date, validity: Validity, timeZone: string): Date {
  if (!isValidity(validity)) throw new RangeError(`not a validity: ${JSON.stringify(validity)}`);
  if ("hours" in validity) return new Date(start.getTime() + validity.hours * 3_600_000);
  const { date, time } = localDateTimeOf(start, timeZone);
  // A wall time the DST change skips on the last day moves forward by the gap; one it repeats
  // takes the earlier instant (zoned.ts), the rule every schedule decision follows.
  return zonedInstant(addDays(date, validity.days), time, timeZone);
}
