import { describe, expect, test } from "bun:test";
import { type CycleSubscription, cycleInvoice, printedDate } from "./cycle-invoice.models.ts";

const labels = { installation: "Biaya pemasangan", discount: "Diskon", days: "hari" };
const sub = (values: Partial<CycleSubscription> = {}): CycleSubscription => ({
  billingDay: 1,
  activatedOn: "2025-12-10",
  planName: "Home 20 Mbps",
  priceMinor: 150_000,
  taxRateBp: 1100,
  taxInclusive: true,
  installationFeeMinor: 0,
  monthlyDiscountMinor: 0,
  firstInvoice: false,
  ...values,
});

describe("the invoice the billing run issues", () => {
  test("a full month on the billing day, tax inside the price", () => {
    const invoice = cycleInvoice(sub(), "2026-03-01", labels);
    expect(invoice?.periodKey).toBe("2026-03");
    expect(invoice?.lines.map((l) => [l.kind, l.description, l.grossMinor, l.netMinor, l.taxMinor])).toEqual([
      ["plan", "Home 20 Mbps · 01/03/2026 – 31/03/2026", 150_000, 135_135, 14_865],
    ]);
    expect(invoice?.totals.totalMinor).toBe(150_000);
  });

  test("the first cycle: prorated from activation, the installation fee, a prorated discount", () => {
    const invoice = cycleInvoice(
      sub({
        activatedOn: "2026-03-15",
        firstInvoice: true,
        installationFeeMinor: 250_000,
        monthlyDiscountMinor: 31_000,
      }),
      "2026-03-15",
      labels,
    );
    // 17 of March's 31 days: 150000 × 17/31 = 82258.06… → 82258; the discount 31000 × 17/31 = 17000.
    expect(invoice?.lines.map((l) => [l.kind, l.description, l.unitPriceMinor])).toEqual([
      ["proration", "Home 20 Mbps · 15/03/2026 – 31/03/2026 (17/31 hari)", 82_258],
      ["installation", "Biaya pemasangan", 250_000],
      ["discount", "Diskon", -17_000],
    ]);
    expect(invoice?.totals.totalMinor).toBe(82_258 + 250_000 - 17_000);
  });

  test("a billing day after today bills the cycle that began last month", () => {
    const invoice = cycleInvoice(sub({ billingDay: 20 }), "2026-03-05", labels);
    expect(invoice?.period).toEqual({ start: "2026-02-20", end: "2026-03-20" });
    expect(invoice?.periodKey).toBe("2026-02");
    expect(invoice?.lines[0]?.description).toBe("Home 20 Mbps · 20/02/2026 – 19/03/2026");
  });

  test("tax on top of the price; a discount never more than the plan line", () => {
    const invoice = cycleInvoice(
      sub({ taxInclusive: false, monthlyDiscountMinor: 999_999, priceMinor: 100_000 }),
      "2026-04-01",
      labels,
    );
    expect(invoice?.lines.map((l) => [l.kind, l.netMinor, l.taxMinor, l.grossMinor])).toEqual([
      ["plan", 100_000, 11_000, 111_000],
      ["discount", -100_000, -11_000, -111_000],
    ]);
    expect(invoice?.totals.totalMinor).toBe(0);
  });

  test("activation on the billing day costs the whole month; one before the cycle too", () => {
    for (const activatedOn of ["2026-03-01", "2026-01-17"]) {
      expect(cycleInvoice(sub({ activatedOn }), "2026-03-02", labels)?.lines[0]).toMatchObject({
        kind: "plan",
        unitPriceMinor: 150_000,
      });
    }
  });

  test("nothing before activation", () => {
    expect(cycleInvoice(sub({ activatedOn: "2026-03-03" }), "2026-03-02", labels)).toBeNull();
  });

  test("printed dates read day first", () => {
    expect(printedDate("2026-01-31")).toBe("31/01/2026");
  });
});
