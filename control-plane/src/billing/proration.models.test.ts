import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { addDays } from "../time/zoned.ts";
import {
  firstInvoiceProration,
  isBillingDay,
  nextPeriod,
  partOfCycle,
  periodContaining,
  periodDays,
  planChangeProration,
  prorate,
  splitCycle,
} from "./proration.models.ts";

const localDate = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const billingDay = fc.integer({ min: 1, max: 28 });
const price = fc.oneof(
  fc.constantFrom(0, 1, 99_999, 150_000, 166_500, 333_333),
  fc.integer({ min: 0, max: 100_000_000_000 }),
);

describe("billing cycles", () => {
  test.each([
    ["2026-01-31", 1, "2026-01-01", "2026-02-01", 31],
    ["2026-02-14", 15, "2026-01-15", "2026-02-15", 31],
    ["2026-02-15", 15, "2026-02-15", "2026-03-15", 28],
    ["2028-02-15", 15, "2028-02-15", "2028-03-15", 29],
    ["2026-01-05", 28, "2025-12-28", "2026-01-28", 31],
    ["2026-04-28", 28, "2026-04-28", "2026-05-28", 30],
    ["2026-12-31", 1, "2026-12-01", "2027-01-01", 31],
  ])("%s with billing day %d is in [%s, %s), %d days", (date, day, start, end, days) => {
    const period = periodContaining(date, day);
    expect(period).toEqual({ start, end });
    expect(periodDays(period)).toBe(days);
  });

  test.each([
    [0, false],
    [1, true],
    [28, true],
    [29, false],
    [31, false],
    [1.5, false],
  ])("billing day %d allowed: %p", (day, allowed) => {
    expect(isBillingDay(day)).toBe(allowed);
    if (!allowed) expect(() => periodContaining("2026-01-01", day)).toThrow(RangeError);
  });

  test("property: a date lies in its cycle, and the next cycle starts where it ends", () => {
    fc.assert(
      fc.property(localDate, billingDay, (date, day) => {
        const period = periodContaining(date, day);
        expect(period.start <= date && date < period.end).toBe(true);
        expect(Number(period.start.slice(8))).toBe(day);
        expect(periodDays(period)).toBeGreaterThanOrEqual(28);
        expect(periodDays(period)).toBeLessThanOrEqual(31);
        expect(periodContaining(period.end, day)).toEqual(nextPeriod(period));
        expect(periodContaining(addDays(period.end, -1), day)).toEqual(period);
      }),
      { numRuns: 500 },
    );
  });
});

describe("proration", () => {
  test.each([
    [150_000, 31, 0, 0],
    [150_000, 31, 31, 150_000],
    [150_000, 31, 17, 82_258],
    [150_000, 30, 15, 75_000],
    [100_000, 28, 1, 3_571],
    // 3 × 7 / 2 = 10.5: the half goes up.
    [3, 2, 1, 2],
  ])("%d over %d days, %d used → %d", (p, days, used, expected) => {
    expect(prorate(p, days, used)).toBe(expected);
  });

  test("three thirds of 100 add up to 100", () => {
    expect(splitCycle([100, 100, 100], 30, [10, 20])).toEqual([33, 34, 33]);
  });

  test("refuses what is not a cycle", () => {
    expect(() => partOfCycle(-1, 30, 0, 1)).toThrow(RangeError);
    expect(() => partOfCycle(100, 0, 0, 0)).toThrow(RangeError);
    expect(() => partOfCycle(100, 30, 5, 4)).toThrow(RangeError);
    expect(() => partOfCycle(100, 30, 0, 31)).toThrow(RangeError);
    expect(() => splitCycle([100, 100], 30, [0])).toThrow(RangeError);
    expect(() => splitCycle([100], 30, [15])).toThrow(RangeError);
  });

  test("first invoice: from activation to the next billing day", () => {
    expect(firstInvoiceProration("2026-01-15", 1, 150_000)).toEqual({
      period: { start: "2026-01-01", end: "2026-02-01" },
      from: "2026-01-15",
      to: "2026-02-01",
      days: 17,
      periodDays: 31,
      amountMinor: 82_258,
    });
    expect(firstInvoiceProration("2026-02-10", 10, 150_000).amountMinor).toBe(150_000);
    expect(firstInvoiceProration("2026-02-09", 10, 150_000)).toMatchObject({
      days: 1,
      periodDays: 31,
      amountMinor: 4_839,
    });
  });

  test("plan change on the 11th of a 30-day cycle, 150 000 → 250 000", () => {
    expect(
      planChangeProration({ changeDate: "2026-04-11", billingDay: 1, oldPriceMinor: 150_000, newPriceMinor: 250_000 }),
    ).toEqual({
      period: { start: "2026-04-01", end: "2026-05-01" },
      usedDays: 10,
      remainingDays: 20,
      creditMinor: 100_000,
      chargeMinor: 166_667,
    });
  });

  test("property: a part is never negative and never more than the price", () => {
    fc.assert(
      fc.property(price, fc.integer({ min: 1, max: 31 }), fc.nat(), fc.nat(), (p, days, a, b) => {
        const [from, to] = [a % (days + 1), b % (days + 1)].sort((x, y) => x - y) as [number, number];
        const part = partOfCycle(p, days, from, to);
        expect(Number.isSafeInteger(part)).toBe(true);
        expect(part).toBeGreaterThanOrEqual(0);
        expect(part).toBeLessThanOrEqual(p);
      }),
      { numRuns: 1000 },
    );
  });

  test("property: parts over a full cycle sum to the price exactly", () => {
    fc.assert(
      fc.property(
        price,
        fc.integer({ min: 28, max: 31 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 6 }),
        (p, days, rawCuts) => {
          const cuts = rawCuts.filter((c) => c < days).sort((x, y) => x - y);
          const parts = splitCycle(Array(cuts.length + 1).fill(p), days, cuts);
          expect(parts.reduce((sum, x) => sum + x, 0)).toBe(p);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("property: a plan change gives back the old plan's unused days and charges the new plan's remaining days", () => {
    fc.assert(
      fc.property(localDate, billingDay, price, price, (changeDate, day, oldPrice, newPrice) => {
        const change = planChangeProration({
          changeDate,
          billingDay: day,
          oldPriceMinor: oldPrice,
          newPriceMinor: newPrice,
        });
        const days = periodDays(change.period);
        expect(change.usedDays + change.remainingDays).toBe(days);
        expect(change.remainingDays).toBeGreaterThanOrEqual(1);
        // Billed the old plan for the cycle, then credited: what is kept is exactly the used part.
        expect(oldPrice - change.creditMinor).toBe(prorate(oldPrice, days, change.usedDays));
        expect(change.chargeMinor).toBe(partOfCycle(newPrice, days, change.usedDays, days));
        expect(change.creditMinor).toBeLessThanOrEqual(oldPrice);
        expect(change.chargeMinor).toBeLessThanOrEqual(newPrice);
        // The same plan before and after: the credit and the charge cancel out.
        if (oldPrice === newPrice) expect(change.creditMinor).toBe(change.chargeMinor);
        // Changing on the billing day itself: the whole old cycle back, the whole new one charged.
        if (change.usedDays === 0) expect([change.creditMinor, change.chargeMinor]).toEqual([oldPrice, newPrice]);
      }),
      { numRuns: 500 },
    );
  });

  test("property: the first invoice and the cycles after it add up to whole prices", () => {
    fc.assert(
      fc.property(localDate, billingDay, price, (activation, day, p) => {
        const first = firstInvoiceProration(activation, day, p);
        const before = partOfCycle(p, first.periodDays, 0, first.periodDays - first.days);
        expect(first.amountMinor + before).toBe(p);
        expect(first.amountMinor).toBeLessThanOrEqual(p);
        expect(first.days).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});
