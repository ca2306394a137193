import { toE164 } from "@kilusi/shared/phone";
import type { MessageKey } from "@kilusi/web/i18n/i18n.ts";
import { z } from "zod";
import { isUuid } from "../team/team.schemas.ts";
import { parsePoint, parseTags } from "./customers.models.ts";

export { isUuid };

// Zod objects drop unknown keys: a posted tenant_id, id or id_photo_key never reaches a use-case.
// Each issue's message is the key of the text shown for it, so the form and the import report
// say the same thing about the same mistake.

export const NAME_MAX = 200;
export const ADDRESS_MAX = 500;
export const NOTES_MAX = 2000;

/** The fields of the customer form (and the columns of an import), in the order shown. */
export const customerFields = ["name", "phone", "email", "address", "latitude", "longitude", "tags", "notes"] as const;
export type CustomerField = (typeof customerFields)[number];

const E = {
  nameRequired: "customers.error.nameRequired",
  nameLong: "customers.error.nameLong",
  phone: "customers.error.phone",
  email: "customers.error.email",
  addressLong: "customers.error.addressLong",
  notesLong: "customers.error.notesLong",
  tagsTooMany: "customers.error.tagsTooMany",
  tagsTooLong: "customers.error.tagsTooLong",
  latitude: "customers.error.latitude",
  longitude: "customers.error.longitude",
  latitudeRange: "customers.error.latitudeRange",
  longitudeRange: "customers.error.longitudeRange",
  incomplete: "customers.error.pointIncomplete",
  invalid: "customers.error.invalid",
} as const satisfies Record<string, MessageKey>;

export type CustomerErrorKey = (typeof E)[keyof typeof E];
const errorKeys = new Set<string>(Object.values(E));

/** The message key of an issue, or the general one for an issue we did not phrase ourselves. */
export function issueKey(message: string): CustomerErrorKey {
  return errorKeys.has(message) ? (message as CustomerErrorKey) : E.invalid;
}

// PostgreSQL text cannot hold U+0000; nobody types it, so it is dropped rather than refused.
const NUL = String.fromCharCode(0);
const withoutNul = (raw: Readonly<Record<string, string | undefined>>) =>
  Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? v.replaceAll(NUL, "") : v]));

/** A form field: absent and blank mean the same, none. */
const text = (max: number, tooLong: CustomerErrorKey) =>
  z
    .string({ error: E.invalid })
    .default("")
    .transform((v) => v.trim())
    .pipe(z.string().max(max, { error: tooLong }))
    .transform((v) => (v === "" ? null : v));

const name = z
  .string({ error: E.nameRequired })
  .default("")
  .transform((v) => v.trim().replace(/\s+/g, " "))
  .pipe(z.string().min(1, { error: E.nameRequired }).max(NAME_MAX, { error: E.nameLong }));

const phone = z
  .string({ error: E.phone })
  .default("")
  .transform((v, ctx) => {
    const typed = v.trim();
    if (typed === "") return null;
    const e164 = typed.length <= 40 ? toE164(typed) : null;
    if (!e164) {
      ctx.addIssue({ code: "custom", message: E.phone });
      return z.NEVER;
    }
    return e164;
  });

const emailFormat = z.email();
const email = z
  .string({ error: E.email })
  .default("")
  .transform((v, ctx) => {
    const typed = v.trim().toLowerCase();
    if (typed === "") return null;
    if (typed.length > 254 || !emailFormat.safeParse(typed).success) {
      ctx.addIssue({ code: "custom", message: E.email });
      return z.NEVER;
    }
    return typed;
  });

const tags = z
  .string({ error: E.invalid })
  .max(1000, { error: E.tagsTooMany })
  .default("")
  .transform((v, ctx) => {
    const parsed = parseTags(v);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.error === "tooMany" ? E.tagsTooMany : E.tagsTooLong });
      return z.NEVER;
    }
    return parsed.tags;
  });

const customerForm = z.object({
  name,
  phone,
  email,
  address: text(ADDRESS_MAX, E.addressLong),
  // The point is read by parsePoint (a pair may be pasted into one field); here only bounded.
  latitude: z.string({ error: E.latitude }).max(80, { error: E.latitude }).default(""),
  longitude: z.string({ error: E.longitude }).max(80, { error: E.longitude }).default(""),
  tags,
  notes: text(NOTES_MAX, E.notesLong),
});

/** A customer's stored values: the phone in E.164, the e-mail lower case, tags deduplicated, a whole point or none. */
export type CustomerInput = Omit<z.infer<typeof customerForm>, "latitude" | "longitude"> & {
  latitude: number | null;
  longitude: number | null;
};

export type CustomerIssue = { field: CustomerField; key: CustomerErrorKey };
export type CustomerParse = { ok: true; value: CustomerInput } | { ok: false; issues: CustomerIssue[] };

/**
 * A customer as the form (or one import row) gives it, every value a string. Every bad field is
 * reported at once, one issue per field, so a person fixes them all in one go.
 */
export function parseCustomer(input: Readonly<Record<string, string | undefined>>): CustomerParse {
  const raw = withoutNul(input);
  const issues: CustomerIssue[] = [];
  const seen = new Set<string>();
  const parsed = customerForm.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "") as CustomerField;
      if (seen.has(field) || !(customerFields as readonly string[]).includes(field)) continue;
      seen.add(field);
      issues.push({ field, key: issueKey(issue.message) });
    }
  }
  const point = parsePoint(raw.latitude ?? "", raw.longitude ?? "");
  if (!point.ok && !seen.has(point.field)) issues.push({ field: point.field, key: E[point.error] });
  if (!parsed.success || !point.ok) {
    const order = (f: CustomerField) => customerFields.indexOf(f);
    return { ok: false, issues: issues.sort((a, b) => order(a.field) - order(b.field)) };
  }
  const { latitude: _lat, longitude: _lng, ...rest } = parsed.data;
  return {
    ok: true,
    value: { ...rest, latitude: point.point?.latitude ?? null, longitude: point.point?.longitude ?? null },
  };
}

/** A position in the list, for the pager's links: opaque to people, base64url of [name, id]. */
export function encodeCursor(cursor: { name: string; id: string }): string {
  return Buffer.from(JSON.stringify([cursor.name, cursor.id])).toString("base64url");
}

/** A cursor from the URL, or undefined for anything that is not one of ours (the first page, then). */
export function decodeCursor(token: string | undefined): { name: string; id: string } | undefined {
  if (!token || token.length > 1000) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [name, id] = value;
    if (typeof name !== "string" || name.length > NAME_MAX || name.includes(NUL)) return undefined;
    if (typeof id !== "string" || !isUuid(id)) return undefined;
    return { name, id };
  } catch {
    return undefined;
  }
}

/** What the search box sent: at most what the box accepts. */
export const searchText = (q: string | undefined) => (q ?? "").replaceAll(NUL, "").slice(0, 100);
