import { locales } from "@kilusi/web/i18n/i18n.ts";
import { z } from "zod";

/**
 * A redirect target we accept from a form: a path on this site. Browsers read `//host` and
 * `/\host` as another origin and drop tabs and newlines inside URLs (so `/\t/host` becomes
 * `//host`), hence: one leading slash, no backslash, no control characters or spaces.
 */
export function isSafeNextPath(value: string): boolean {
  if (value.length > 2048 || !/^\/(?![/\\])/.test(value)) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u0020\u007f\\]/.test(value)) return false;
  // Belt and braces: whatever the browser makes of it must stay on our origin.
  const base = "https://kilusi.invalid";
  return new URL(value, base).origin === base;
}

export const safeNextPath = z.string().refine(isSafeNextPath).catch("/");

export const langForm = z.object({
  lang: z.enum(locales),
  next: safeNextPath,
});
