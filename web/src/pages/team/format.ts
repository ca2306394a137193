import type { Locale } from "../../i18n/i18n.ts";

/** A moment as people in the ISP read it: their language, the ISP's time zone. */
export function formatDateTime(at: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === "id" ? "id-ID" : "en-GB", {
    timeZone,
    dateStyle: "medium",
    timeStyle: "short",
  }).format(at);
}

export const roleNames = ["owner", "admin", "technician", "collector", "viewer"] as const;
export type RoleName = (typeof roleNames)[number];
