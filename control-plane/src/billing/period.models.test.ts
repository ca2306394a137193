import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { localDateTimeOf } from "../time/zoned.ts";
import { expiresAt, isValidity, periodKeyOf, periodKeyOfDate } from "./period.models.ts";

const at = (iso: string) => new Date(iso);

describe("the period an instant belongs to", () => {
  test.each([
    // Acceptance: generated at 2026-01-31 23:30 WIB (16:30 UTC) belongs to January.
    ["2026-01-31T16:30:00Z", "Asia/Jakarta", 1, "2026-01"],
    ["2026-01-31T17:00:00Z", "Asia/Jakarta", 1, "2026-02"],
    ["2026-01-31T16:30:00Z", "UTC", 1, "2026-01"],
    ["2026-01-31T16:30:00Z", "Asia/Jayapura", 1, "2026-02"],
    ["2026-02-14T16:59:59Z", "Asia/Jakarta", 15, "2026-01"],
    ["2026-02-14T17:00:00Z", "Asia/Jakarta", 15, "2026-02"],
    // New York on the night clocks fall back: 23:30 EST on 31 October is still October.
    ["2026-11-01T03:30:00Z", "America/New_York", 1, "2026-10"],
    ["2026-11-01T04:00:00Z", "America/New_York", 1, "2026-11"],
  ])("%s in %s, billing day %d → %s", (iso, zone, day, key) => {
    expect(periodKeyOf(at(iso), zone, day)).toBe(key);
  });

  test("a cycle starting in December carries December's key into January", () => {
    expect(periodKeyOfDate("2027-01-05", 20)).toBe("2026-12");
  });
});

describe("prepaid validity", () => {
  test.each([
    // Acceptance: a 24-hour plan bought at 00:26 expires at 00:26 the next day.
    ["2026-01-31T17:26:00Z", { hours: 24 }, "Asia/Jakarta", "2026-02-01T17:26:00.000Z"],
    ["2026-01-31T17:26:00Z", { days: 1 }, "Asia/Jakarta", "2026-02-01T17:26:00.000Z"],
    ["2026-01-31T17:26:00Z", { hours: 3 }, "Asia/Jakarta", "2026-01-31T20:26:00.000Z"],
    ["2026-01-31T17:26:00Z", { days: 30 }, "Asia/Jakarta", "2026-03-02T17:26:00.000Z"],
    // Berlin springs forward on 29 March: 24 hours from 00:26 ends at 01:26, one day at 00:26.
    ["2026-03-28T23:26:00Z", { hours: 24 }, "Europe/Berlin", "2026-03-29T23:26:00.000Z"],
    ["2026-03-28T23:26:00Z", { days: 1 }, "Europe/Berlin", "2026-03-29T22:26:00.000Z"],
    // And falls back on 25 October: one day from 20:00 is 25 hours.
    ["2026-10-24T18:00:00Z", { days: 1 }, "Europe/Berlin", "2026-10-25T19:00:00.000Z"],
    // Bought at 02:30 the day before the spring gap: 02:30 does not exist, it ends at 03:30.
    ["2026-03-28T01:30:00Z", { days: 1 }, "Europe/Berlin", "2026-03-29T01:30:00.000Z"],
  ] as const)("%s + %o in %s → %s", (iso, validity, zone, expected) => {
    expect(expiresAt(at(iso), validity, zone).toISOString()).toBe(expected);
  });

  test("the Berlin expiries read as the wall times people expect", () => {
    const hours = expiresAt(at("2026-03-28T23:26:00Z"), { hours: 24 }, "Europe/Berlin");
    const days = expiresAt(at("2026-03-28T23:26:00Z"), { days: 1 }, "Europe/Berlin");
    expect(localDateTimeOf(hours, "Europe/Berlin")).toMatchObject({
      date: "2026-03-30",
      time: { hour: 1, minute: 26 },
    });
    expect(localDateTimeOf(days, "Europe/Berlin")).toMatchObject({ date: "2026-03-30", time: { hour: 0, minute: 26 } });
  });

  test.each([[{ hours: 0 }], [{ days: -1 }], [{ hours: 1.5 }], [{ days: 100_000 }]])("%o is refused", (validity) => {
    expect(isValidity(validity)).toBe(false);
    expect(() => expiresAt(at("2026-01-01T00:00:00Z"), validity, "Asia/Jakarta")).toThrow(RangeError);
  });

  test("property: in a zone without DST, n days is exactly n × 24 hours", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2090-01-01T00:00:00Z"), noInvalidDate: true }),
        fc.integer({ min: 1, max: 400 }),
        (start, days) => {
          expect(expiresAt(start, { days }, "Asia/Jakarta").getTime()).toBe(
            expiresAt(start, { hours: days * 24 }, "Asia/Jakarta").getTime(),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  test("property: with DST, n days keeps the wall time and lasts n × 24 hours give or take the hour", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2090-01-01T00:00:00Z"), noInvalidDate: true }),
        fc.integer({ min: 1, max: 400 }),
        (start, days) => {
          const end = expiresAt(start, { days }, "America/New_York");
          expect(Math.abs(end.getTime() - start.getTime() - days * 86_400_000)).toBeLessThanOrEqual(3_600_000);
          const before = localDateTimeOf(start, "America/New_York").time;
          const after = localDateTimeOf(end, "America/New_York").time;
          // Only a start inside the 02:00 hour can land in the spring gap and move on an hour.
          if (before.hour !== 2) expect(after).toEqual(before);
        },
      ),
      { numRuns: 300 },
    );
  });
});
