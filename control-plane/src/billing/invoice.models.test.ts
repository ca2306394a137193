import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { computeInvoice, computeLine, type InvoiceLineInput, type LineKind } from "./invoice.models.ts";

const line = (overrides: Partial<InvoiceLineInput> = {}): InvoiceLineInput => ({
  kind: "plan",
  description: "Internet 20 Mbps",
  quantity: 1,
  unitPriceMinor: 150_000,
  discountMinor: 0,
  taxRateBp: 1100,
  taxInclusive: false,
  ...overrides,
});

const amounts = (input: InvoiceLineInput): [number, number, number] => {
  const result = computeLine(input);
  if (!result.ok) throw new Error(result.code);
  const { netMinor, taxMinor, grossMinor } = result.line;
  return [netMinor, taxMinor, grossMinor];
};

describe("one line under the rounding rule", () => {
  test.each([
    // [unit price, quantity, discount, rate bp, mode, net, tax, gross]
    [150_000, 1, 0, 1100, "exclusive", 150_000, 16_500, 166_500],
    [150_000, 1, 0, 1200, "exclusive", 150_000, 18_000, 168_000],
    [150_000, 1, 0, 1100, "inclusive", 135_135, 14_865, 150_000],
    [150_000, 1, 0, 1200, "inclusive", 133_929, 16_071, 150_000],
    [166_500, 1, 0, 1100, "inclusive", 150_000, 16_500, 166_500],
    [199_999, 1, 0, 1100, "exclusive", 199_999, 22_000, 221_999],
    // 50 × 11% = 5.5: the half goes up.
    [50, 1, 0, 1100, "exclusive", 50, 6, 56],
    [150_000, 3, 50_000, 1100, "exclusive", 400_000, 44_000, 444_000],
    [250_000, 1, 25_000, 1200, "inclusive", 200_893, 24_107, 225_000],
    [100_000, 1, 0, 0, "exclusive", 100_000, 0, 100_000],
    [100_000, 1, 0, 0, "inclusive", 100_000, 0, 100_000],
    [1999, 1, 0, 1000, "exclusive", 1999, 200, 2199],
  ] as const)(
    "%d × %d − %d at %d bp %s → net %d, tax %d, gross %d",
    (price, qty, discount, rate, mode, net, tax, gross) => {
      const input = line({
        unitPriceMinor: price,
        quantity: qty,
        discountMinor: discount,
        taxRateBp: rate,
        taxInclusive: mode === "inclusive",
      });
      expect(amounts(input)).toEqual([net, tax, gross]);
    },
  );

  test("a credit line mirrors its charge to the last rupiah, halves included", () => {
    expect(amounts(line({ kind: "proration", unitPriceMinor: -50 }))).toEqual([-50, -6, -56]);
    expect(amounts(line({ kind: "proration", unitPriceMinor: -150_000, taxInclusive: true }))).toEqual([
      -135_135, -14_865, -150_000,
    ]);
  });

  test.each([
    [{ quantity: 0 }, "line.quantity"],
    [{ quantity: 1.5 }, "line.quantity"],
    [{ unitPriceMinor: 1500.5 }, "line.unit-price"],
    [{ unitPriceMinor: 2 ** 53 }, "line.unit-price"],
    [{ discountMinor: -1 }, "line.discount-negative"],
    [{ discountMinor: 150_001 }, "line.discount-exceeds"],
    [{ kind: "proration", unitPriceMinor: -10_000, discountMinor: 1 }, "line.discount-exceeds"],
    [{ taxRateBp: -1 }, "line.tax-rate"],
    [{ taxRateBp: 10_001 }, "line.tax-rate"],
    [{ taxRateBp: 11.5 }, "line.tax-rate"],
    [{ kind: "plan", unitPriceMinor: -1 }, "line.sign"],
    [{ kind: "installation", unitPriceMinor: -1 }, "line.sign"],
    [{ kind: "discount", unitPriceMinor: 1 }, "line.sign"],
    [{ quantity: 2 ** 20, unitPriceMinor: 2 ** 40 }, "line.too-large"],
    [{ unitPriceMinor: Number.MAX_SAFE_INTEGER, taxRateBp: 1100 }, "line.too-large"],
  ] as const)("%o is refused with %s", (overrides, code) => {
    expect(computeLine(line(overrides as Partial<InvoiceLineInput>))).toEqual({ ok: false, code });
  });

  test("a discount may bring a line to exactly zero", () => {
    expect(amounts(line({ discountMinor: 150_000 }))).toEqual([0, 0, 0]);
  });
});

describe("invoice totals", () => {
  test("a first invoice: prorated plan, installation, a discount line and a tax-free adjustment", () => {
    const result = computeInvoice([
      line({ kind: "proration", description: "1–31 Jan, 17 of 31 days", unitPriceMinor: 82_258 }),
      line({ kind: "installation", unitPriceMinor: 250_000 }),
      line({ kind: "discount", unitPriceMinor: -50_000 }),
      line({ kind: "adjustment", unitPriceMinor: 2_500, taxRateBp: 0 }),
    ]);
    expect(result).toMatchObject({
      ok: true,
      invoice: { netMinor: 284_758, taxMinor: 31_048, totalMinor: 315_806 },
    });
  });

  test("inclusive and exclusive lines on one invoice (plans differ)", () => {
    const result = computeInvoice([line({ taxInclusive: true }), line({ taxRateBp: 1200 })]);
    expect(result).toMatchObject({ ok: true, invoice: { netMinor: 285_135, taxMinor: 32_865, totalMinor: 318_000 } });
  });

  test("refuses an empty invoice, a net credit, and says which line is wrong", () => {
    expect(computeInvoice([])).toEqual({ ok: false, code: "invoice.empty" });
    expect(
      computeInvoice([line({ unitPriceMinor: 10_000 }), line({ kind: "proration", unitPriceMinor: -20_000 })]),
    ).toEqual({ ok: false, code: "invoice.negative-total" });
    // A one-off document may be a credit note.
    expect(
      computeInvoice([line({ unitPriceMinor: 10_000 }), line({ kind: "proration", unitPriceMinor: -20_000 })], {
        allowCredit: true,
      }),
    ).toMatchObject({ ok: true, invoice: { netMinor: -10_000, taxMinor: -1_100, totalMinor: -11_100 } });
    expect(computeInvoice([line(), line({ discountMinor: 200_000 })])).toEqual({
      ok: false,
      code: "line.discount-exceeds",
      line: 1,
    });
  });
});

const kinds: LineKind[] = ["plan", "installation", "proration", "discount", "adjustment"];
const arbitraryLine = fc
  .record({
    kind: fc.constantFrom(...kinds),
    quantity: fc.integer({ min: 1, max: 12 }),
    price: fc.integer({ min: 0, max: 50_000_000 }),
    discountShare: fc.integer({ min: 0, max: 100 }),
    taxRateBp: fc.oneof(fc.constantFrom(0, 1000, 1100, 1200), fc.integer({ min: 0, max: 10_000 })),
    taxInclusive: fc.boolean(),
  })
  .map(({ kind, quantity, price, discountShare, taxRateBp, taxInclusive }): InvoiceLineInput => {
    const credit = kind === "discount" || (kind !== "plan" && kind !== "installation" && price % 3 === 0);
    const unitPriceMinor = credit ? -price : price;
    const discountMinor = credit ? 0 : Math.floor((quantity * price * discountShare) / 100);
    return { kind, description: kind, quantity, unitPriceMinor, discountMinor, taxRateBp, taxInclusive };
  });

describe("properties", () => {
  test("invoice total = Σ line gross, net + tax = gross per line, all integers", () => {
    fc.assert(
      fc.property(fc.array(arbitraryLine, { minLength: 1, maxLength: 12 }), (inputs) => {
        const result = computeInvoice(inputs);
        if (!result.ok) {
          expect(result.code).toBe("invoice.negative-total");
          return;
        }
        const { lines, netMinor, taxMinor, totalMinor } = result.invoice;
        for (const l of lines) {
          for (const v of [l.netMinor, l.taxMinor, l.grossMinor]) expect(Number.isSafeInteger(v)).toBe(true);
          expect(l.netMinor + l.taxMinor).toBe(l.grossMinor);
          // A tax never exceeds its base nor flips its sign.
          expect(Math.abs(l.taxMinor)).toBeLessThanOrEqual(Math.abs(l.netMinor));
          expect(l.taxMinor * Math.sign(l.grossMinor)).toBeGreaterThanOrEqual(0);
        }
        expect(totalMinor).toBe(lines.reduce((sum, l) => sum + l.grossMinor, 0));
        expect(netMinor + taxMinor).toBe(totalMinor);
        expect(totalMinor).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });

  test("a discount never makes a line negative: more than the line is refused", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 20_000_000 }),
        (quantity, price, discount) => {
          const result = computeLine(line({ quantity, unitPriceMinor: price, discountMinor: discount }));
          if (discount > quantity * price) expect(result).toEqual({ ok: false, code: "line.discount-exceeds" });
          else expect(result.ok && result.line.grossMinor >= 0).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("an exclusive line's gross, billed inclusive at the same rate, gives back the same net", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 0, max: 5000 }), (net, rate) => {
        const [, tax, gross] = amounts(line({ unitPriceMinor: net, taxRateBp: rate }));
        expect(amounts(line({ unitPriceMinor: gross, taxRateBp: rate, taxInclusive: true }))).toEqual([
          net,
          tax,
          gross,
        ]);
      }),
      { numRuns: 500 },
    );
  });
});
