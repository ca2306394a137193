import type { FieldErrorCode, FormError } from "@kilusi/web/pages/accounts/form.tsx";
import type { Context } from "hono";
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import { isSafeNextPath } from "../pages/pages.schemas.ts";
import { email, loginInput, password, signupInput } from "./accounts.schemas.ts";
import { PASSWORD_MAX } from "./passwords.ts";

// The forms of the accounts pages, on top of the shared input schemas: what a browser posts,
// and how a failure becomes what the person sees (field errors, the form's alert).

const filled = (s: z.ZodType<string>) => s.refine((v) => v.length > 0);

export const signupForm = signupInput;
export const signupFields = ["ispName", "slug", "ownerName", "email", "phone", "password"] as const;

export const loginForm = z.object({
  email: filled(loginInput.shape.email),
  password: filled(z.string().max(PASSWORD_MAX)),
});
export const loginFields = ["email", "password"] as const;

export const secondFactorForm = z.object({ code: z.string().trim().min(1).max(64) });
export const forgotForm = z.object({ email });
export const resetForm = z.object({ password });

/** What a POST carried, as strings; files and repeated names count as missing. */
export async function formBody(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === "string") out[key] = value;
  return out;
}

/** The typed values to show again in the form (never passwords), each cut to a sane length. */
export function echo<F extends string>(body: Record<string, string>, fields: readonly F[]): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {};
  for (const field of fields)
    if (field !== "password" && body[field] !== undefined) out[field] = body[field].slice(0, 300);
  return out;
}

const formatError: Record<string, FieldErrorCode> = {
  email: "invalidEmail",
  phone: "invalidPhone",
  slug: "invalidSlug",
};

function codeFor(field: string, issue: z.core.$ZodIssue, raw: string | undefined): FieldErrorCode {
  if (raw === undefined || (field === "password" ? raw === "" : raw.trim() === "")) return "required";
  if (field === "password") return issue.code === "too_big" ? "passwordTooLong" : "passwordTooShort";
  if (issue.code === "too_big") return "tooLong";
  return formatError[field] ?? (issue.code === "too_small" ? "tooShort" : "required");
}

/** One error per field, the first zod found, as a code the page turns into words. */
export function fieldErrors<F extends string>(
  error: z.ZodError,
  body: Record<string, string>,
  fields: readonly F[],
): Partial<Record<F, FieldErrorCode>> {
  const out: Partial<Record<F, FieldErrorCode>> = {};
  for (const issue of error.issues) {
    const field = issue.path[0] as F;
    if (!fields.includes(field) || out[field]) continue;
    out[field] = codeFor(field, issue, body[field]);
  }
  return out;
}

const takenFields: Record<string, FieldErrorCode> = { slug_taken: "slugTaken", email_taken: "emailTaken" };

/**
 * A use-case's refusal that belongs on the form instead of an error page, so nothing typed is
 * lost; anything else is rethrown to the error handler. Sets Retry-After on a rate limit.
 */
export function formFailure(
  c: Context,
  error: unknown,
): { status: 400 | 401 | 409 | 429; field?: { name: string; code: FieldErrorCode }; formError: FormError } {
  if (!(error instanceof AppError)) throw error;
  if (error.code === "rate_limited") {
    const seconds = Math.max(1, Math.ceil(Number(error.details?.retryAfterSeconds ?? 60)));
    c.header("Retry-After", String(seconds));
    return { status: 429, formError: { code: "rateLimited", minutes: Math.ceil(seconds / 60) } };
  }
  if (error.code === "invalid_credentials") return { status: 401, formError: { code: "invalidCredentials" } };
  if (error.code === "invalid_code") return { status: 401, formError: { code: "invalidCode" } };
  const taken = takenFields[error.code];
  if (taken && typeof error.details?.field === "string") {
    return { status: 409, field: { name: error.details.field, code: taken }, formError: { code: "summary" } };
  }
  throw error;
}

/** `?next=` when it is a path on this site; anything else is dropped. */
export function safeNext(value: string | undefined): string | undefined {
  return value && isSafeNextPath(value) ? value : undefined;
}

/** Where a person goes once signed in: the second factor, the page they asked for, or home. */
export function afterSignIn(s: { needsSecondFactor: boolean; tenantId: string | null }, next?: string): string {
  if (s.needsSecondFactor) return next ? `/login/2fa?next=${encodeURIComponent(next)}` : "/login/2fa";
  if (next) return next;
  return s.tenantId ? "/app" : "/tenants";
}
