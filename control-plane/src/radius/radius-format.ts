import { formatCount } from "@kilusi/web/format.ts";
import type { Locale, Translate } from "@kilusi/web/i18n/i18n.ts";
import { durationParts } from "../sites/sites.models.ts";
import { formatBytes } from "../sites/sites.views.tsx";

// How the RADIUS pages say durations and usage, the same on the list and the subscription page.

/** "2 jam 5 menit" — the two largest units, as the sites pages say uptime. */
export function durationText(t: Translate, locale: Locale, seconds: number): string {
  return durationParts(seconds)
    .map(([n, unit]) => t(`sites.duration.${unit}`, { n: formatCount(n, locale) }))
    .join(" ");
}

/** Bytes in binary units ("12,5 GB"); exact below 2^53, as the counters are. */
export const bytesText = (n: number, locale: Locale) => formatBytes(n, locale);
