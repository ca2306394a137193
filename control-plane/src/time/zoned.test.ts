import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  addDays,
  addMonths,
  daysBetween,
  daysInMonth,
  isLocalDate,
  localDateOf,
  localDateTimeOf,
  nextDay,
  startOfDayIn,
  zonedInstant,
} from "./zoned.ts";

const at = (iso: string) => new Date(iso);
const localDate = fc
  .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const ZONES = ["Asia/Jakarta", "Asia/Jayapura", "Europe/Berlin", "America/New_York", "UTC"];

describe("calendar days in a time zone", () => {
  test.each([
    ["2026-05-01", "Asia/Jakarta", "2026-04-30T17:00:00.000Z"],
    ["2026-05-01", "Asia/Jayapura", "2026-04-30T15:00:00.000Z"],
    ["2026-05-01", "UTC", "2026-05-01T00:00:00.000Z"],
    ["2026-03-29", "Europe/Berlin", "2026-03-28T23:00:00.000Z"],
    ["2026-03-30", "Europe/Berlin", "2026-03-29T22:00:00.000Z"],
    // Havana skips midnight itself in spring: the day starts when the clock resumes at 01:00.
    ["2026-03-08", "America/Havana", "2026-03-08T05:00:00.000Z"],
  ])("%s starts in %s at %s", (day, zone, iso) => {
    expect(startOfDayIn(day, zone)?.toISOString()).toBe(iso);
  });

  test("days that do not exist are null", () => {
    expect(startOfDayIn("2026-02-30", "Asia/Jakarta")).toBeNull();
    expect(startOfDayIn("26-1-1", "Asia/Jakarta")).toBeNull();
    expect(startOfDayIn("2026-13-01", "Asia/Jakarta")).toBeNull();
    expect(isLocalDate("2028-02-29")).toBe(true);
    expect(isLocalDate("2100-02-29")).toBe(false);
  });

  test.each([
    ["2026-01-31T16:30:00Z", "Asia/Jakarta", "2026-01-31"],
    ["2026-01-31T17:00:00Z", "Asia/Jakarta", "2026-02-01"],
    ["2026-01-31T14:59:59Z", "Asia/Jayapura", "2026-01-31"],
    ["2026-01-31T15:00:00Z", "Asia/Jayapura", "2026-02-01"],
    ["2026-03-29T21:59:59Z", "Europe/Berlin", "2026-03-29"],
    ["2026-03-29T22:00:00Z", "Europe/Berlin", "2026-03-30"],
    ["2026-11-01T03:59:59Z", "America/New_York", "2026-10-31"],
    ["2026-11-01T04:00:00Z", "America/New_York", "2026-11-01"],
  ])("%s is %s local %s", (iso, zone, day) => {
    expect(localDateOf(at(iso), zone)).toBe(day);
  });

  test("the wall-clock time keeps its seconds and milliseconds", () => {
    expect(localDateTimeOf(at("2026-01-31T17:26:07.250Z"), "Asia/Jakarta")).toEqual({
      date: "2026-02-01",
      time: { hour: 0, minute: 26, second: 7, millisecond: 250 },
    });
  });
});

describe("local time to instant", () => {
  test.each([
    ["2026-02-01", 0, 26, "Asia/Jakarta", "2026-01-31T17:26:00.000Z"],
    ["2026-07-01", 9, 0, "Europe/Berlin", "2026-07-01T07:00:00.000Z"],
    ["2026-01-01", 9, 0, "Europe/Berlin", "2026-01-01T08:00:00.000Z"],
    // Spring forward: 02:30 does not exist in Berlin on 29 March; it moves on by the hour skipped.
    ["2026-03-29", 2, 30, "Europe/Berlin", "2026-03-29T01:30:00.000Z"],
    ["2026-03-08", 2, 30, "America/New_York", "2026-03-08T07:30:00.000Z"],
    // Fall back: 02:30 happens twice in Berlin on 25 October; the earlier one (CEST) is taken.
    ["2026-10-25", 2, 30, "Europe/Berlin", "2026-10-25T00:30:00.000Z"],
    ["2026-11-01", 1, 30, "America/New_York", "2026-11-01T05:30:00.000Z"],
  ])("%s %d:%d in %s is %s", (date, hour, minute, zone, iso) => {
    expect(zonedInstant(date, { hour, minute }, zone).toISOString()).toBe(iso);
  });

  test("a nonexistent time reads back an hour later, an ambiguous one reads back unchanged", () => {
    const gap = zonedInstant("2026-03-29", { hour: 2, minute: 30 }, "Europe/Berlin");
    expect(localDateTimeOf(gap, "Europe/Berlin").time).toMatchObject({ hour: 3, minute: 30 });
    const overlap = zonedInstant("2026-10-25", { hour: 2, minute: 30 }, "Europe/Berlin");
    expect(localDateTimeOf(overlap, "Europe/Berlin").time).toMatchObject({ hour: 2, minute: 30 });
    expect(localDateTimeOf(new Date(overlap.getTime() + 3_600_000), "Europe/Berlin").time).toMatchObject({
      hour: 2,
      minute: 30,
    });
  });

  test("refuses a date that does not exist", () => {
    expect(() => zonedInstant("2026-02-29", { hour: 0, minute: 0 }, "Asia/Jakarta")).toThrow(RangeError);
  });

  test("property: every instant's local date and time map back to that instant, outside overlaps", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2060-01-01T00:00:00Z"), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        (instant, zone) => {
          const { date, time } = localDateTimeOf(instant, zone);
          const back = zonedInstant(date, time, zone);
          // In an overlap the earlier instant is chosen, exactly one hour before the later one.
          const diff = instant.getTime() - back.getTime();
          expect(diff === 0 || diff === 3_600_000).toBe(true);
          expect(localDateTimeOf(back, zone)).toEqual({ date, time });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("calendar arithmetic", () => {
  test.each([
    ["2026-01-31", 1, "2026-02-28"],
    ["2028-01-31", 1, "2028-02-29"],
    ["2026-03-31", 1, "2026-04-30"],
    ["2026-01-15", 1, "2026-02-15"],
    ["2026-12-31", 2, "2027-02-28"],
    ["2026-03-31", -1, "2026-02-28"],
    ["2026-01-10", -13, "2024-12-10"],
    ["2026-05-20", 0, "2026-05-20"],
  ])("%s + %d months = %s", (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  test.each([
    ["2026-12-31", 1, "2027-01-01"],
    ["2028-02-28", 1, "2028-02-29"],
    ["2026-03-01", -1, "2026-02-28"],
    ["2026-01-01", 365, "2027-01-01"],
  ])("%s + %d days = %s", (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  test.each([
    [2026, 2, 28],
    [2028, 2, 29],
    [2100, 2, 28],
    [2000, 2, 29],
    [2026, 4, 30],
    [2026, 12, 31],
  ])("%d-%d has %d days", (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });

  test("next day and days between", () => {
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(daysBetween("2026-01-31", "2026-03-01")).toBe(29);
    expect(daysBetween("2026-03-01", "2026-01-31")).toBe(-29);
    // A DST change does not make a calendar day 23 or 25 hours long in this arithmetic.
    expect(daysBetween("2026-03-28", "2026-03-30")).toBe(2);
  });

  test("property: adding days and counting them back agree", () => {
    fc.assert(
      fc.property(localDate, fc.integer({ min: -1000, max: 1000 }), (date, days) => {
        const later = addDays(date, days);
        expect(isLocalDate(later)).toBe(true);
        expect(daysBetween(date, later)).toBe(days);
        expect(addDays(later, -days)).toBe(date);
      }),
      { numRuns: 500 },
    );
  });

  test("property: adding months keeps the day unless the month is shorter, then takes its last day", () => {
    fc.assert(
      fc.property(localDate, fc.integer({ min: -36, max: 36 }), (date, months) => {
        const result = addMonths(date, months);
        const [y, m, d] = date.split("-").map(Number) as [number, number, number];
        const [ry, rm, rd] = result.split("-").map(Number) as [number, number, number];
        expect(ry * 12 + rm - (y * 12 + m)).toBe(months);
        expect(rd).toBe(Math.min(d, daysInMonth(ry, rm)));
      }),
      { numRuns: 500 },
    );
  });
});
