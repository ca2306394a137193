import type { MessageKey, Translate } from "@kilusi/web/i18n/i18n.ts";
import type { ZodError } from "zod";

/**
 * Zod's issues as one localized message per field, for forms re-rendered with their errors.
 * `keys` names the message shown for each field; a field without its own key gets `fallback`.
 */
export function fieldErrors(
  t: Translate,
  error: ZodError,
  keys: Readonly<Record<string, MessageKey>>,
  fallback: MessageKey = "team.form.invalid",
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "");
    if (out[field] !== undefined) continue;
    const key = keys[field] ?? fallback;
    out[field] = (t as (k: MessageKey) => string)(key);
  }
  return out;
}

/** A multipart or urlencoded body as plain strings: files and repeated keys are dropped. */
export function formStrings(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}
