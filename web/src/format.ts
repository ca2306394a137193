import { formatAmount } from "@kilusi/shared/money";
import type { Locale } from "./i18n/i18n.ts";

// How amounts, days and moments read on every page: the reader's language, the ISP's currency
// and time zone. Views format through these so that one page never disagrees with another.

const intlLocale = (locale: Locale) => (locale === "id" ? "id-ID" : "en-GB");

/** "Rp 150.000" in Indonesian, "IDR 150,000" in English. */
export function formatMoney(minor: number, currency: string, locale: Locale): string {
  return formatAmount(minor, currency, intlLocale(locale));
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A local date (`YYYY-MM-DD`, already in the ISP's zone) as people read it: "5 Mar 2026". */
export function formatDate(localDate: string, locale: Locale, style: "medium" | "long" = "medium"): string {
  const key = `${locale} ${style}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale(locale), { timeZone: "UTC", dateStyle: style });
    dateFormats.set(key, format);
  }
  // The date is a calendar day, not an instant: read it at noon UTC so no zone moves it.
  return format.format(new Date(`${localDate}T12:00:00Z`));
}

/** A moment in the ISP's zone: "5 Mar 2026, 14.30". */
export function formatDateTime(at: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { timeZone, dateStyle: "medium", timeStyle: "short" }).format(at);
}

/** A month key (`YYYY-MM`) as "Maret 2026". */
export function formatMonth(period: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { timeZone: "UTC", month: "long", year: "numeric" }).format(
    new Date(`${period}-15T12:00:00Z`),
  );
}

/** Kbps as "20 Mbps" / "1.5 Mbps" / "512 kbps" (decimal units, as RouterOS counts). */
export function formatSpeed(kbps: number): string {
  if (kbps >= 1000 && kbps % 1000 === 0) return `${kbps / 1000} Mbps`;
  if (kbps >= 1000) return `${Number((kbps / 1000).toFixed(3))} Mbps`;
  return `${kbps} kbps`;
}

/** A whole number with the language's grouping: 100.000 / 100,000. */
export function formatCount(n: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale(locale)).format(n);
}
