import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { computeLine } from "../billing/invoice.models.ts";
import {
  agingBucketOf,
  changeBp,
  collectionRateBp,
  monthBoundaries,
  monthlyChargeBeforeTax,
  monthsEnding,
  mrrOf,
  receivablesOf,
} from "./reports.models.ts";

describe("MRR", () => {
  test.each([
    // price, discount, rate, inclusive → net before tax
    [150_000, 0, 1100, true, 135_135], // 150000 × 10000 / 11100 = 135135.1…
    [250_000, 25_000, 1100, true, 202_703], // 225000 / 1.11 = 202702.7…: halves and above go up
    [200_000, 0, 1100, false, 200_000], // exclusive: the price is already before tax
    [100_000, 0, 0, true, 100_000],
    [100_000, 150_000, 1100, true, 0], // a discount above the price charges nothing, never a credit
    [111, 0, 1100, true, 100], // 100.0 exactly
    [1_665, 0, 1100, true, 1_500], // 1500 exactly
    [5, 0, 1100, true, 5], // 4.50… → 5 (half up)
  ])("price %p − discount %p at %p bp (inclusive %p) is %p a month", (price, discount, rate, inclusive, net) => {
    expect(
      monthlyChargeBeforeTax({ priceMinor: price, discountMinor: discount, taxRateBp: rate, taxInclusive: inclusive }),
    ).toBe(net);
  });

  test("the net is the invoice's own net of the same monthly charge (one rounding rule)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.boolean(),
        (price, discount, rate, inclusive) => {
          const amount = Math.max(price - discount, 0);
          const line = computeLine({
            kind: "plan",
            description: "",
            quantity: 1,
            unitPriceMinor: amount,
            discountMinor: 0,
            taxRateBp: rate,
            taxInclusive: inclusive,
          });
          if (!line.ok) throw new Error(line.code);
          const net = monthlyChargeBeforeTax({
            priceMinor: price,
            discountMinor: discount,
            taxRateBp: rate,
            taxInclusive: inclusive,
          });
          expect(net).toBe(line.line.netMinor);
        },
      ),
    );
  });

  test("rounds per subscription, then sums", () => {
    const groups = [
      { priceMinor: 150_000, discountMinor: 0, taxRateBp: 1100, taxInclusive: true, count: 3 },
      { priceMinor: 200_000, discountMinor: 0, taxRateBp: 1100, taxInclusive: false, count: 1 },
    ];
    expect(mrrOf(groups)).toBe(3 * 135_135 + 200_000);
    expect(mrrOf([])).toBe(0);
  });
});

describe("aging", () => {
  test.each([
    [-10, "not_due"],
    [0, "not_due"], // due today is not overdue yet
    [1, "d1_30"],
    [30, "d1_30"],
    [31, "d31_60"],
    [60, "d31_60"],
    [61, "d61_90"],
    [90, "d61_90"],
    [91, "d90_plus"],
    [400, "d90_plus"],
  ] as const)("%p days past due is %p", (days, bucket) => {
    expect(agingBucketOf(days)).toBe(bucket);
  });

  test("unpaid is every open invoice, overdue those due before today, and the buckets add up", () => {
    const today = "2026-04-20";
    const r = receivablesOf(
      [
        { dueOn: "2026-04-22", openMinor: 117_742, count: 1 },
        { dueOn: "2026-04-20", openMinor: 10_000, count: 1 }, // due today
        { dueOn: "2026-04-19", openMinor: 5_000, count: 2 }, // 1 day
        { dueOn: "2026-03-21", openMinor: 7_000, count: 1 }, // 30 days
        { dueOn: "2026-03-20", openMinor: 8_000, count: 1 }, // 31 days
        { dueOn: "2026-01-20", openMinor: 9_000, count: 1 }, // 90 days
        { dueOn: "2026-01-19", openMinor: 11_000, count: 3 }, // 91 days
        { dueOn: "2025-01-01", openMinor: 0, count: 1 }, // nothing open: not a debt
      ],
      today,
    );
    expect(r.aging).toEqual([
      { bucket: "not_due", amountMinor: 127_742, count: 2 },
      { bucket: "d1_30", amountMinor: 12_000, count: 3 },
      { bucket: "d31_60", amountMinor: 8_000, count: 1 },
      { bucket: "d61_90", amountMinor: 9_000, count: 1 },
      { bucket: "d90_plus", amountMinor: 11_000, count: 3 },
    ]);
    expect(r.unpaid).toEqual({ amountMinor: 167_742, count: 10 });
    expect(r.overdue).toEqual({ amountMinor: 40_000, count: 8 });
  });

  test("nothing open: every bucket is zero", () => {
    const r = receivablesOf([], "2026-04-20");
    expect(r.aging.map((a) => [a.bucket, a.amountMinor, a.count])).toEqual([
      ["not_due", 0, 0],
      ["d1_30", 0, 0],
      ["d31_60", 0, 0],
      ["d61_90", 0, 0],
      ["d90_plus", 0, 0],
    ]);
    expect(r.unpaid).toEqual({ amountMinor: 0, count: 0 });
  });
});

describe("rates and changes", () => {
  test.each([
    [747_000, 997_000, 7_492], // 74.92 %
    [259_258, 752_000, 3_448], // 34.4758… % → 34.48 %
    [0, 150_000, 0],
    [150_000, 150_000, 10_000],
    [1, 20_000, 1], // 0.5 bp rounds up
    [5, 0, null], // nothing invoiced: no rate, not 0 %
    [0, 0, null],
  ])("collection rate of %p paid of %p invoiced is %p bp", (paid, invoiced, bp) => {
    expect(collectionRateBp(paid, invoiced)).toBe(bp);
  });

  test.each([
    [277_000, 697_000, -6_026], // −60.26 %
    [200, 100, 10_000],
    [100, 100, 0],
    [100, 0, null], // nothing last month: no percentage
  ])("%p against %p is %p bp", (current, previous, bp) => {
    expect(changeBp(current, previous)).toBe(bp);
  });
});

describe("months in the tenant's zone", () => {
  test("the months ending with one, across a year", () => {
    expect(monthsEnding("2026-04", 12)).toEqual([
      "2025-05",
      "2025-06",
      "2025-07",
      "2025-08",
      "2025-09",
      "2025-10",
      "2025-11",
      "2025-12",
      "2026-01",
      "2026-02",
      "2026-03",
      "2026-04",
    ]);
    expect(monthsEnding("2026-01", 2)).toEqual(["2025-12", "2026-01"]);
  });

  test("boundaries are local midnights: New York moves from EST to EDT, Jakarta stays at +7", () => {
    expect(monthBoundaries(["2026-02", "2026-03", "2026-04"], "America/New_York").map((d) => d.toISOString())).toEqual([
      "2026-02-01T05:00:00.000Z",
      "2026-03-01T05:00:00.000Z",
      "2026-04-01T04:00:00.000Z",
      "2026-05-01T04:00:00.000Z",
    ]);
    expect(monthBoundaries(["2025-12"], "Asia/Jakarta").map((d) => d.toISOString())).toEqual([
      "2025-11-30T17:00:00.000Z",
      "2025-12-31T17:00:00.000Z",
    ]);
    expect(monthBoundaries([], "Asia/Jakarta")).toEqual([]);
  });
});
