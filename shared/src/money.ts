/**
 * Money as DESIGN §5 has it: an amount is a safe integer count of the currency's minor unit,
 * never a float. Products that could pass 2^53 are taken in BigInt and the result checked, so
 * nothing is ever silently rounded by the number type.
 */

export type MinorAmount = number;

/**
 * Digits after the decimal point, by ISO 4217 code. IDR deviates from ISO's 2: sen have not
 * circulated for decades, prices, bank transfers and e-wallets are whole rupiah, and a plan
 * of Rp150.000 must store 150000, not 15000000. Anything not listed counts as 2, the most
 * common exponent.
 */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = {
  IDR: 0,
  JPY: 0,
  KRW: 0,
  VND: 0,
  USD: 2,
  EUR: 2,
  SGD: 2,
  MYR: 2,
  PHP: 2,
  THB: 2,
  AUD: 2,
  BHD: 3,
  KWD: 3,
  OMR: 3,
};

export function currencyExponent(currency: string): number {
  return CURRENCY_EXPONENTS[currency.toUpperCase()] ?? 2;
}

export function isMinorAmount(value: unknown): value is MinorAmount {
  return Number.isSafeInteger(value);
}

/** BigInt to a safe-integer amount, or a RangeError: a bill that large is a bug, not a bill. */
export function toSafeAmount(value: bigint): MinorAmount {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`amount out of safe range: ${value}`);
  }
  return Number(value);
}

/**
 * round(a × b / c) for integers, halves rounded away from zero (half-up for positive amounts),
 * so a credit line mirrors its charge to the last unit. Exact for any safe-integer inputs.
 */
export function mulDivRound(a: number, b: number, c: number): MinorAmount {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(c) || c === 0) {
    throw new RangeError("mulDivRound takes safe integers and a non-zero divisor");
  }
  const numerator = BigInt(a) * BigInt(b);
  const divisor = BigInt(c);
  const negative = numerator < 0n !== divisor < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = divisor < 0n ? -divisor : divisor;
  const magnitude = (2n * n + d) / (2n * d);
  return toSafeAmount(negative ? -magnitude : magnitude);
}

export type AmountErrorCode =
  | "amount.empty"
  | "amount.invalid"
  | "amount.negative"
  | "amount.too-precise"
  | "amount.too-large";

export type ParsedAmount = { ok: true; minor: MinorAmount } | { ok: false; code: AmountErrorCode };

const marksByCurrency = new Map<string, string[]>();

/** What people put before or after a figure: the code, Intl's symbols for it, and "Rp.". */
function currencyMarks(currency: string): string[] {
  const cached = marksByCurrency.get(currency);
  if (cached) return cached;
  const marks = new Set([currency.toUpperCase()]);
  for (const locale of ["en", "id"]) {
    for (const currencyDisplay of ["symbol", "narrowSymbol"] as const) {
      try {
        const parts = new Intl.NumberFormat(locale, { style: "currency", currency, currencyDisplay }).formatToParts(0);
        const symbol = parts.find((p) => p.type === "currency")?.value;
        if (symbol) marks.add(symbol.toUpperCase());
      } catch {
        // Not a currency Intl knows: its code is the only mark.
      }
    }
  }
  if (currency.toUpperCase() === "IDR") marks.add("RP.");
  const sorted = [...marks].sort((a, b) => b.length - a.length);
  marksByCurrency.set(currency, sorted);
  return sorted;
}

// Thousands groups: a first group of 1–3 digits not starting with 0, then groups of exactly 3.
const GROUPED = /^[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*$/;

/**
 * Reads an amount as people type it, into minor units. For IDR "150000", "150.000",
 * "Rp 150.000", "Rp150.000,00", "Rp 150.000,-" and "150,000" all give 150000.
 *
 * Which mark is the decimal point: when both "." and "," appear, the last one is; when one
 * appears several times, it groups thousands; when one appears once, it groups thousands if
 * exactly three digits follow a first group that does not start with 0 ("150.000", "1,500")
 * and is the decimal point otherwise ("12,50", "99.5", "0.500"). Decimals beyond the
 * currency's exponent are accepted only as zeros ("Rp150.000,00"), never rounded away. Zero
 * is an amount; whether it is allowed is the caller's rule.
 */
export function parseAmount(input: string, currency: string): ParsedAmount {
  // ",-" after a price is the Indonesian way of writing "no cents", not a minus.
  let text = input.replace(/[\s\u00a0\u202f]/g, "").replace(/[.,][-–]$/, "");
  if (text === "") return { ok: false, code: "amount.empty" };
  if (/^[-−(]|^\D*[-−]|[-−)]$/.test(text)) return { ok: false, code: "amount.negative" };
  for (const mark of currencyMarks(currency)) {
    if (text.toUpperCase().startsWith(mark)) text = text.slice(mark.length);
    else if (text.toUpperCase().endsWith(mark)) text = text.slice(0, -mark.length);
    else continue;
    break;
  }
  if (!/^\d(?:[\d.,]*\d)?$/.test(text)) return { ok: false, code: "amount.invalid" };

  let whole = text;
  let fraction = "";
  const decimalAt = Math.max(text.lastIndexOf("."), text.lastIndexOf(","));
  const mixed = text.includes(".") && text.includes(",");
  const once = decimalAt >= 0 && text.indexOf(text.charAt(decimalAt)) === decimalAt;
  if (mixed || (once && !GROUPED.test(text))) {
    whole = text.slice(0, decimalAt);
    fraction = text.slice(decimalAt + 1);
  }
  if (/[.,]/.test(whole)) {
    if (!GROUPED.test(whole)) return { ok: false, code: "amount.invalid" };
    whole = whole.replace(/[.,]/g, "");
  }

  const exponent = currencyExponent(currency);
  if (/[^0]/.test(fraction.slice(exponent))) return { ok: false, code: "amount.too-precise" };
  const minor = BigInt(whole + fraction.slice(0, exponent).padEnd(exponent, "0"));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, code: "amount.too-large" };
  return { ok: true, minor: Number(minor) };
}

// A receipt page formats dozens of amounts; building the formatter is the costly part.
const formats = new Map<string, Intl.NumberFormat>();

/**
 * An amount for people, in a locale ("id-ID" → "Rp 150.000"). The figure goes to Intl as a
 * decimal string, not a float, so the last digit of a large amount is the stored one.
 */
export function formatAmount(minor: MinorAmount, currency: string, locale: string): string {
  if (!isMinorAmount(minor)) throw new RangeError(`not a minor amount: ${minor}`);
  const exponent = currencyExponent(currency);
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  const key = `${locale} ${currency}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    formats.set(key, format);
  }
  // Intl accepts decimal strings (ES2023 Intl.NumberFormat v3); the lib types lag behind.
  return format.format(`${minor < 0 ? "-" : ""}${major}` as unknown as number);
}
