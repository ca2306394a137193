import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { currencyExponent, formatAmount, mulDivRound, parseAmount } from "./money.ts";

describe("currency exponents", () => {
  test.each([
    ["IDR", 0],
    ["idr", 0],
    ["USD", 2],
    ["JPY", 0],
    ["KWD", 3],
    ["XTS", 2],
  ])("%s has %d decimals", (currency, exponent) => {
    expect(currencyExponent(currency)).toBe(exponent);
  });
});

describe("parseAmount", () => {
  test.each([
    ["150000", "IDR", 150000],
    ["150.000", "IDR", 150000],
    ["150,000", "IDR", 150000],
    ["Rp 150.000", "IDR", 150000],
    ["Rp150.000,00", "IDR", 150000],
    ["Rp 150.000,-", "IDR", 150000],
    ["150.000,–", "IDR", 150000],
    ["Rp. 1.250.000", "IDR", 1250000],
    ["rp 75.000", "IDR", 75000],
    ["IDR 150000", "IDR", 150000],
    ["150.000 IDR", "IDR", 150000],
    [" 1.000.000 ", "IDR", 1000000],
    ["0", "IDR", 0],
    ["12.50", "USD", 1250],
    ["12,50", "USD", 1250],
    ["$1,500", "USD", 150000],
    ["US$ 1,500.5", "USD", 150050],
    ["1.234.567,89", "USD", 123456789],
    ["1,234,567.89", "USD", 123456789],
    ["0.500", "USD", 50],
    ["99.5", "EUR", 9950],
    ["1.500", "KWD", 1500000],
    ["9007199254740991", "IDR", Number.MAX_SAFE_INTEGER],
  ])("%p in %s is %d", (input, currency, minor) => {
    expect(parseAmount(input, currency)).toEqual({ ok: true, minor });
  });

  test.each([
    ["", "amount.empty"],
    ["   ", "amount.empty"],
    ["-150000", "amount.negative"],
    ["−150.000", "amount.negative"],
    ["Rp -150.000", "amount.negative"],
    ["(150.000)", "amount.negative"],
    ["150.000-", "amount.negative"],
    ["-Rp 150.000,-", "amount.negative"],
    [",-", "amount.empty"],
    ["abc", "amount.invalid"],
    ["Rp", "amount.invalid"],
    ["150rb", "amount.invalid"],
    ["1e5", "amount.invalid"],
    ["150.", "amount.invalid"],
    [".5", "amount.invalid"],
    ["1.50.000", "amount.invalid"],
    ["1.000.5", "amount.invalid"],
    ["1.234,567.8", "amount.invalid"],
    ["150.000,5", "amount.too-precise"],
    ["12,5", "amount.too-precise"],
    ["0.500", "amount.too-precise"],
    ["9007199254740992", "amount.too-large"],
    ["99999999999999999999", "amount.too-large"],
  ] as const)("%p in IDR is refused with %s", (input, code) => {
    expect(parseAmount(input, "IDR")).toEqual({ ok: false, code });
  });

  test("USD refuses a third decimal that is not zero", () => {
    expect(parseAmount("1.005", "USD")).toEqual({ ok: true, minor: 100500 });
    expect(parseAmount("0.005", "USD")).toEqual({ ok: false, code: "amount.too-precise" });
  });

  test("property: what formatAmount writes, parseAmount reads back", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom(["IDR", "id-ID"], ["IDR", "en-US"], ["USD", "en-US"], ["USD", "id-ID"], ["EUR", "de-DE"]),
        (minor, [currency, locale]) => {
          const text = formatAmount(minor, currency as string, locale as string);
          expect(parseAmount(text, currency as string)).toEqual({ ok: true, minor });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("formatAmount", () => {
  test.each([
    [150000, "IDR", "id-ID", "Rp\u00a0150.000"],
    [9007199254740991, "IDR", "id-ID", "Rp\u00a09.007.199.254.740.991"],
    [150050, "USD", "en-US", "$1,500.50"],
    [5, "USD", "en-US", "$0.05"],
    [-150050, "USD", "en-US", "-$1,500.50"],
  ])("%d %s in %s is %p", (minor, currency, locale, text) => {
    expect(formatAmount(minor, currency, locale)).toBe(text);
  });

  test("refuses a float", () => {
    expect(() => formatAmount(1.5, "IDR", "id-ID")).toThrow(RangeError);
  });
});

describe("mulDivRound", () => {
  test.each([
    [150000, 1100, 10000, 16500],
    [5, 1, 10, 1],
    [4, 1, 10, 0],
    [-5, 1, 10, -1],
    [-4, 1, 10, 0],
    [1, 1, 2, 1],
    [-1, 1, 2, -1],
    [Number.MAX_SAFE_INTEGER, 10000, 10000, Number.MAX_SAFE_INTEGER],
  ])("round(%d × %d / %d) = %d", (a, b, c, expected) => {
    expect(mulDivRound(a, b, c)).toBe(expected);
  });

  test("refuses a result past the safe range and a zero divisor", () => {
    expect(() => mulDivRound(Number.MAX_SAFE_INTEGER, 2, 1)).toThrow(RangeError);
    expect(() => mulDivRound(1, 1, 0)).toThrow(RangeError);
    expect(() => mulDivRound(0.5, 1, 1)).toThrow(RangeError);
  });
});
