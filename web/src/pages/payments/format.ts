import type { BadgeTone } from "../../components/status-badge.tsx";
import type { Translate } from "../../i18n/i18n.ts";

export const paymentMethodNames = ["cash", "bank_transfer", "ewallet", "gateway"] as const;
export type PaymentMethodName = (typeof paymentMethodNames)[number];
/** What a collector or an admin may take by hand; gateway payments arrive by webhook. */
export const manualMethods = ["cash", "bank_transfer", "ewallet"] as const;
export type ManualMethod = (typeof manualMethods)[number];

export const methodText = (t: Translate, method: PaymentMethodName) => t(`payments.method.${method}`);

/** A payment's receipt number: the first 8 characters of its id, upper-case (short enough to read out). */
export function receiptNumber(paymentId: string): string {
  return paymentId.slice(0, 8).toUpperCase();
}

/** What a customer's balance means for the person taking the money: owes (> 0), credit (< 0), or nothing. */
export function balanceState(minor: number): { label: "owes" | "credit" | "settled"; tone: BadgeTone } {
  if (minor > 0) return { label: "owes", tone: "warn" };
  if (minor < 0) return { label: "credit", tone: "ok" };
  return { label: "settled", tone: "muted" };
}

/** A list's URL with its filters; blank ones are left out so links stay short. */
export function hrefWith(path: string, params: Readonly<Record<string, string | number | undefined>>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== "" && !(k === "page" && v === 1)) search.set(k, String(v));
  }
  const s = search.toString();
  return s ? `${path}?${s}` : path;
}
