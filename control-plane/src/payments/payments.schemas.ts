import { currencyExponent, parseAmount } from "@kilusi/shared/money";
import type { MessageKey } from "@kilusi/web/i18n/i18n.ts";
import { z } from "zod";
import { amountInput } from "../plans/plans.schemas.ts";
import { isUuid } from "../team/team.schemas.ts";
import { addDays, isLocalDate } from "../time/zoned.ts";
import { paymentMethods } from "./payments.tables.ts";

// The payments pages' forms and queries, as people fill them in, to what the use-cases take.
// Every rule the use-case or the database would refuse is checked here first with a message
// next to its field; zod objects drop unknown keys, so a posted tenant_id or collector never
// reaches a use-case.

export const manualMethods = ["cash", "bank_transfer", "ewallet"] as const;
export type ManualMethod = (typeof manualMethods)[number];

/** How far back a collector may date a payment they forgot to enter. */
export const BACKDATE_DAYS = 31;
export const REFERENCE_MAX = 100;

export const paymentFormFields = [
  "token",
  "customer",
  "invoice",
  "amount",
  "method",
  "reference",
  "receivedOn",
] as const;
export type PaymentFormField = (typeof paymentFormFields)[number];

export interface PaymentFormInput {
  /** The form's one-time token, which becomes the payment's id. */
  token: string;
  customerId: string;
  invoiceId: string | null;
  amountMinor: number;
  method: ManualMethod;
  reference: string | null;
  /** The local day it was received (`YYYY-MM-DD`, the tenant's zone). */
  receivedOn: string;
}

const AMOUNT_ERRORS = {
  "amount.empty": "payments.error.amount.empty",
  "amount.invalid": "payments.error.amount.invalid",
  "amount.negative": "payments.error.amount.notPositive",
  "amount.too-precise": "payments.error.amount.tooPrecise",
  "amount.too-large": "payments.error.amount.tooLarge",
} as const satisfies Record<string, MessageKey>;

const text = z
  .string()
  .optional()
  .transform((v) => (v ?? "").trim());
const shape = Object.fromEntries(paymentFormFields.map((f) => [f, text])) as Record<PaymentFormField, typeof text>;

/**
 * The payment form in the tenant's currency, on the tenant's `today`. Each bad field gets one
 * issue whose message is the key of what to say next to it.
 */
export function paymentForm(currency: string, today: string) {
  const earliest = addDays(today, -BACKDATE_DAYS);
  return z.object(shape).transform((v, ctx): PaymentFormInput => {
    const issue = (path: PaymentFormField, message: MessageKey) =>
      ctx.addIssue({ code: "custom", path: [path], message });

    if (!isUuid(v.token)) issue("token", "payments.form.expired");
    if (!isUuid(v.customer)) issue("customer", "payments.error.invoice");
    if (v.invoice !== "" && !isUuid(v.invoice)) issue("invoice", "payments.error.invoice");
    let amountMinor = 0;
    const amount = parseAmount(v.amount, currency);
    if (!amount.ok) issue("amount", AMOUNT_ERRORS[amount.code]);
    else if (amount.minor <= 0) issue("amount", "payments.error.amount.notPositive");
    else amountMinor = amount.minor;
    const method = manualMethods.find((m) => m === v.method);
    if (!method) issue("method", "payments.error.method");
    if (v.reference.length > REFERENCE_MAX) issue("reference", "payments.error.reference.tooLong");
    else if (v.reference === "" && method && method !== "cash") issue("reference", "payments.error.reference.required");
    // Dates compare as text: YYYY-MM-DD sorts as the calendar does.
    if (!isLocalDate(v.receivedOn)) issue("receivedOn", "payments.error.receivedOn.invalid");
    else if (v.receivedOn > today) issue("receivedOn", "payments.error.receivedOn.future");
    else if (v.receivedOn < earliest) issue("receivedOn", "payments.error.receivedOn.tooOld");

    return {
      token: v.token,
      customerId: v.customer,
      invoiceId: v.invoice === "" ? null : v.invoice,
      amountMinor,
      method: method ?? "cash",
      reference: v.reference === "" ? null : v.reference,
      receivedOn: v.receivedOn,
    };
  });
}

/** An amount as the form shows it: grouped as people write it ("150.000") where that reads back the same. */
export function amountValue(minor: number, currency: string, locale: "id" | "en"): string {
  // With decimals, "1.500" could read as a thousand five hundred: the plain form is unambiguous.
  if (currencyExponent(currency) !== 0) return amountInput(minor, currency);
  return new Intl.NumberFormat(locale === "id" ? "id-ID" : "en-GB").format(minor);
}

export const reverseInput = z.object({
  reason: z.string().trim().min(3).max(200),
});

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalUuid = z.preprocess(blank, z.string().refine(isUuid).optional());
const optionalDay = z.preprocess(blank, z.string().refine(isLocalDate).optional());

/** The admin's filters of the payments list; a blank field means "any". */
export const paymentListQuery = z.object({
  method: z.preprocess(blank, z.enum(paymentMethods).optional()),
  collector: optionalUuid,
  day: optionalDay,
  // A page number that is no page is the first page.
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type PaymentListQuery = z.infer<typeof paymentListQuery>;

/** The day page's day (the collector is checked against who asks, in the route). */
export const dayQuery = z.object({ day: optionalDay });

/**
 * The start of the stored E.164 number that a search for a phone stands for: "0812 3456" (the
 * trunk 0 is +62) → "+628123456", "62812…" and "+62812…" as typed, "812…" → "+62812…". Null
 * when the text is not (the start of) a phone number, or too short to narrow anything.
 */
export function phonePrefix(query: string): string | null {
  const trimmed = query.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, "");
  if (digits.length < 3) return null;
  if (trimmed.startsWith("+") || digits.startsWith("62")) return `+${digits}`;
  if (digits.startsWith("0")) return `+62${digits.slice(1)}`;
  if (digits.startsWith("8")) return `+62${digits}`;
  return `+${digits}`;
}

/** The search box's text: trimmed, spaces collapsed, at most 100 characters. */
export const searchText = (q: string | undefined) => (q ?? "").trim().replace(/\s+/g, " ").slice(0, 100);
