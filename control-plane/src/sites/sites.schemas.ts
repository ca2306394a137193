import type { MessageKey } from "@kilusi/web/i18n/i18n.ts";
import { z } from "zod";
import { timeZones } from "../settings/settings.schemas.ts";

// The site form, as people fill it in, to the site's columns. Every rule the database checks
// (sites.tables.ts) is checked here first with a message next to its field; the name's
// uniqueness needs a query and is the use-case's.

export const SITE_NAME_MAX = 100;
export const SITE_LOCATION_MAX = 200;
export const SITE_LOGIN_URL_MAX = 500;

const zoneSet = new Set(timeZones);

/** Message keys (web/src/i18n/messages/sites.ts) carried as zod issue messages. */
const E = {
  nameRequired: "sites.error.name.required",
  nameTooLong: "sites.error.name.tooLong",
  locationTooLong: "sites.error.location.tooLong",
  timeZone: "sites.error.timeZone",
  loginUrl: "sites.error.hotspotLoginUrl",
} as const satisfies Record<string, MessageKey>;

/** Empty means "not set": the column is null and the tenant's value applies. */
const optional = (text: string) => (text === "" ? null : text);

/** A hotspot login page with `{code}` where the voucher code goes; only http(s), as the table checks. */
function isLoginUrl(text: string): boolean {
  if (!/^https?:\/\//.test(text)) return false;
  try {
    const url = new URL(text.replaceAll("{code}", "CODE"));
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

export const siteForm = z.object({
  name: z.string().trim().min(1, E.nameRequired).max(SITE_NAME_MAX, E.nameTooLong),
  location: z
    .string()
    .optional()
    .default("")
    .transform((v) => v.trim().replaceAll("\r\n", "\n"))
    .refine((v) => v.length <= SITE_LOCATION_MAX, E.locationTooLong)
    .transform(optional),
  timeZone: z
    .string()
    .optional()
    .default("")
    .transform((v) => v.trim())
    .refine((v) => v === "" || zoneSet.has(v), E.timeZone)
    .transform(optional),
  hotspotLoginUrl: z
    .string()
    .optional()
    .default("")
    .transform((v) => v.trim())
    .refine((v) => v === "" || (v.length <= SITE_LOGIN_URL_MAX && isLoginUrl(v)), E.loginUrl)
    .transform(optional),
});

/** What a site is, in the table's terms: null means the tenant's zone or login page. */
export type SiteInput = z.infer<typeof siteForm>;

export const siteFormFields = ["name", "location", "timeZone", "hotspotLoginUrl"] as const;
/** The form as typed: what a re-rendered form shows again. */
export type SiteFormValues = Record<(typeof siteFormFields)[number], string>;

export function siteFormValues(body: Record<string, string>): SiteFormValues {
  return Object.fromEntries(siteFormFields.map((k) => [k, body[k] ?? ""])) as SiteFormValues;
}

export function siteInputValues(input: SiteInput): SiteFormValues {
  return {
    name: input.name,
    location: input.location ?? "",
    timeZone: input.timeZone ?? "",
    hotspotLoginUrl: input.hotspotLoginUrl ?? "",
  };
}

export const emptySiteValues: SiteFormValues = { name: "", location: "", timeZone: "", hotspotLoginUrl: "" };
