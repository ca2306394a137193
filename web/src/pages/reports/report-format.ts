import { currencyExponent } from "@kilusi/shared/money";
import type { Locale } from "../../i18n/i18n.ts";

// How report figures read: percentages from basis points, compact amounts for chart axes.

const intlLocale = (locale: Locale) => (locale === "id" ? "id-ID" : "en-GB");
const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `${locale} ${key}`;
  let format = cache.get(id);
  if (!format) {
    format = new Intl.NumberFormat(intlLocale(locale), options);
    cache.set(id, format);
  }
  return format;
}

/** 7492 bp as "74,9%" / "74.9%"; null (nothing to measure) as a dash. */
export function formatPercentBp(bp: number | null, locale: Locale): string {
  if (bp === null) return "—";
  return numberFormat(locale, "pct", { style: "percent", maximumFractionDigits: 1 }).format(bp / 10_000);
}

/** A change in basis points with its sign: "+12,5%", "-60,3%". */
export function formatChangeBp(bp: number, locale: Locale): string {
  return numberFormat(locale, "chg", { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" }).format(
    bp / 10_000,
  );
}

/** An amount in major units, short: "1,2 jt" / "1.2m" (chart axes, where the legend names the currency). */
export function compactAmount(minor: number, currency: string, locale: Locale): string {
  const major = minor / 10 ** currencyExponent(currency);
  return numberFormat(locale, "compact", { notation: "compact", maximumFractionDigits: 1 }).format(major);
}

/** A whole number, short: "12", "1,2 rb". */
export function compactCount(n: number, locale: Locale): string {
  return numberFormat(locale, "compact", { notation: "compact", maximumFractionDigits: 1 }).format(n);
}

const monthFormats = new Map<Locale, Intl.DateTimeFormat>();
/** `YYYY-MM` as the month's short name: "Agu" / "Aug". */
export function shortMonth(month: string, locale: Locale): string {
  let format = monthFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale(locale), { timeZone: "UTC", month: "short" });
    monthFormats.set(locale, format);
  }
  return format.format(new Date(`${month}-15T12:00:00Z`));
}

const monthYearFormats = new Map<Locale, Intl.DateTimeFormat>();
/** `YYYY-MM` as "Agu 2025" / "Aug 2025": a table's month, short enough for a phone's columns. */
export function shortMonthYear(month: string, locale: Locale): string {
  let format = monthYearFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale(locale), { timeZone: "UTC", month: "short", year: "numeric" });
    monthYearFormats.set(locale, format);
  }
  return format.format(new Date(`${month}-15T12:00:00Z`));
}
