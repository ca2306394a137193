/**
 * Calendar arithmetic in an IANA time zone with Intl only (DESIGN §5: stored in UTC, billed
 * in the tenant's zone). A local date is a `YYYY-MM-DD` string: it sorts and compares as text,
 * survives JSON and a `date` column unchanged, and cannot be mistaken for an instant.
 *
 * Local times that a DST change skips or repeats resolve like Temporal's "compatible" mode,
 * so every local time maps to exactly one instant and the same input always gives the same
 * answer:
 * - a time in a gap (02:30 on the night Berlin springs forward) moves forward by the gap's
 *   length (to 03:30 CEST), so a deadline never lands before the time asked for;
 * - a time in an overlap (02:30 on the night Berlin falls back) takes the earlier instant
 *   (02:30 CEST), so a deadline is never an hour later than asked for.
 */

export type LocalDate = string;

export interface LocalTime {
  hour: number;
  minute: number;
  second?: number;
  millisecond?: number;
}

const DAY_MS = 86_400_000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// Building a formatter costs far more than using one, and a billing run asks per subscription.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Date.UTC without its habit of reading years 0–99 as 1900–1999. */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** The zone's wall clock at an instant, read as if it were UTC (milliseconds kept). */
function wallMs(instantMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(instantMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const bc = parts.find((p) => p.type === "era")?.value === "BC";
  const year = bc ? 1 - get("year") : get("year");
  const ms = ((instantMs % 1000) + 1000) % 1000;
  return utcMs(year, get("month"), get("day"), get("hour"), get("minute"), get("second"), ms);
}

/** Whether `value` is a `YYYY-MM-DD` day that exists in the Gregorian calendar. */
export function isLocalDate(value: string): boolean {
  return parseLocalDate(value) !== null;
}

/** Year, month (1–12) and day of a local date; null for text that is not a real day. */
export function parseLocalDate(value: string): { year: number; month: number; day: number } | null {
  const match = LOCAL_DATE.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

function mustParse(value: LocalDate): { year: number; month: number; day: number } {
  const parsed = parseLocalDate(value);
  if (!parsed) throw new RangeError(`not a local date: ${value}`);
  return parsed;
}

function formatLocalDate(ms: number): LocalDate {
  const date = new Date(ms);
  const year = String(date.getUTCFullYear()).padStart(4, "0");
  const month = String(date.getUTCMonth() + 1).padStart(2, "0");
  const day = String(date.getUTCDate()).padStart(2, "0");
  return `${year}-${month}-${day}`;
}

/** Days in a month (1–12) of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The local date an instant falls on in a zone. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  return formatLocalDate(wallMs(instant.getTime(), timeZone));
}

/** The local date and wall-clock time of an instant in a zone. */
export function localDateTimeOf(instant: Date, timeZone: string): { date: LocalDate; time: Required<LocalTime> } {
  const wall = new Date(wallMs(instant.getTime(), timeZone));
  return {
    date: formatLocalDate(wall.getTime()),
    time: {
      hour: wall.getUTCHours(),
      minute: wall.getUTCMinutes(),
      second: wall.getUTCSeconds(),
      millisecond: wall.getUTCMilliseconds(),
    },
  };
}

/**
 * The UTC instant of a local date and time in a zone, gaps and overlaps resolved as the
 * header says. A zone's offset changes at most once in any two days, so the right instant is
 * one of the two that the offsets a day either side give.
 */
export function zonedInstant(date: LocalDate, time: LocalTime, timeZone: string): Date {
  const { year, month, day } = mustParse(date);
  const wall = utcMs(year, month, day, time.hour, time.minute, time.second ?? 0, time.millisecond ?? 0);
  const offsetBefore = wallMs(wall - DAY_MS, timeZone) - (wall - DAY_MS);
  const offsetAfter = wallMs(wall + DAY_MS, timeZone) - (wall + DAY_MS);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter((at) => wallMs(at, timeZone) === wall);
  // No candidate: the time is in a gap. The offset in force before it carries the wall time
  // past the gap, which is "forward by the gap's length".
  const at = candidates.length > 0 ? Math.min(...candidates) : wall - offsetBefore;
  return new Date(at);
}

/**
 * Midnight at the start of a calendar day in a zone, as a UTC instant; null for a day that
 * does not exist. Where midnight itself is skipped, the day starts when the clock resumes.
 */
export function startOfDayIn(day: string, timeZone: string): Date | null {
  if (!isLocalDate(day)) return null;
  return zonedInstant(day, { hour: 0, minute: 0 }, timeZone);
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = mustParse(date);
  return formatLocalDate(utcMs(year, month, day + days));
}

/** The calendar day after `day`, for an inclusive "to" day. */
export function nextDay(day: LocalDate): LocalDate {
  return addDays(day, 1);
}

/**
 * `date` plus `months` calendar months, the day clamped to the target month's last day
 * (Jan 31 + 1 month = Feb 28, or 29 in a leap year), as people and banks count months.
 */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const { year, month, day } = mustParse(date);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  return formatLocalDate(utcMs(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth))));
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  const a = mustParse(from);
  const b = mustParse(to);
  return Math.round((utcMs(b.year, b.month, b.day) - utcMs(a.year, a.month, a.day)) / DAY_MS);
}
