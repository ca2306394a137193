/**
 * Dunning: what to do today about a subscription's unpaid invoices, per the tenant's policy,
 * decided on local dates in the tenant's zone. The job feeds in what the database says (open
 * invoices, reminders already sent, the state) and records each action it takes; so a second
 * run on the same day, or a run by a second process after the first committed, finds nothing
 * left to do.
 *
 * Days count from the invoice's due date D (the last day to pay):
 * - reminder at offset o is due on D + o (o < 0 is "before due"). Only the latest reminder
 *   that is due is sent: after a job outage the customer gets one message, not three; earlier
 *   ones that were missed stay unsent. The message text should count days from the real
 *   dates, not from o, since an invoice issued late can get its "-3" reminder on D − 1.
 * - the invoice is overdue from D + graceDays + 1 on;
 * - isolation happens on D + isolateAfterDays, which must be later than D + graceDays, so no
 *   one is isolated during grace;
 * - "keep active until X" (a manual, audited override) holds off isolation through day X.
 *   Reminders still go out: the money is still owed. An override does not restore an isolated
 *   subscription; the use-case that sets it restores by hand if the admin asks for that.
 * - an isolated subscription is restored once no open invoice is overdue, but only when dunning
 *   isolated it: a subscription an admin isolated stays isolated until an admin restores it.
 * - terminated subscriptions get nothing: collecting from ex-customers is a person's job.
 */

import type { MinorAmount } from "@kilusi/shared/money";
import { addDays, isLocalDate, type LocalDate } from "../time/zoned.ts";
import type { SubscriptionState } from "./subscription.models.ts";

export interface DunningPolicy {
  /** Days relative to the due date, e.g. [-3, 0, 1]. */
  reminderOffsets: readonly number[];
  graceDays: number;
  /** Days after the due date to isolate on; null never isolates automatically. */
  isolateAfterDays: number | null;
}

export const DEFAULT_DUNNING_POLICY: DunningPolicy = { reminderOffsets: [-3, 0, 1], graceDays: 0, isolateAfterDays: 3 };

export const MAX_REMINDERS = 10;
export const MIN_REMINDER_OFFSET = -30;
export const MAX_DUNNING_DAYS = 90;

export type PolicyErrorCode =
  | "dunning.reminder-offsets"
  | "dunning.grace-days"
  | "dunning.isolate-after-days"
  | "dunning.isolate-within-grace";

export type PolicyResult = { ok: true; policy: DunningPolicy } | { ok: false; code: PolicyErrorCode };

const isDayCount = (n: number, min: number) => Number.isInteger(n) && n >= min && n <= MAX_DUNNING_DAYS;

/** A policy checked and its offsets sorted and deduplicated, or why it is refused. */
export function validatePolicy(policy: DunningPolicy): PolicyResult {
  const offsets = [...new Set(policy.reminderOffsets)].sort((a, b) => a - b);
  if (offsets.length > MAX_REMINDERS || !offsets.every((o) => isDayCount(o, MIN_REMINDER_OFFSET))) {
    return { ok: false, code: "dunning.reminder-offsets" };
  }
  if (!isDayCount(policy.graceDays, 0)) return { ok: false, code: "dunning.grace-days" };
  if (policy.isolateAfterDays !== null) {
    if (!isDayCount(policy.isolateAfterDays, 0)) return { ok: false, code: "dunning.isolate-after-days" };
    if (policy.isolateAfterDays <= policy.graceDays) return { ok: false, code: "dunning.isolate-within-grace" };
  }
  return { ok: true, policy: { ...policy, reminderOffsets: offsets } };
}

export interface DunningInvoice {
  invoiceId: string;
  dueDate: LocalDate;
  amountOpenMinor: MinorAmount;
  /** Offsets already sent for this invoice. */
  remindersSent: readonly number[];
}

export interface DunningInput {
  policy: DunningPolicy;
  /** Today in the tenant's zone. */
  today: LocalDate;
  state: SubscriptionState;
  /** Whether the current isolation (if any) was done by dunning rather than by a person. */
  isolatedByDunning: boolean;
  keepActiveUntil: LocalDate | null;
  invoices: readonly DunningInvoice[];
}

export type DunningAction =
  | { kind: "remind"; invoiceId: string; offset: number }
  | { kind: "isolate"; invoiceIds: string[] }
  | { kind: "restore" };

/** Open (not fully paid) and past its grace. */
export function isOverdue(invoice: DunningInvoice, policy: DunningPolicy, today: LocalDate): boolean {
  return invoice.amountOpenMinor > 0 && today > addDays(invoice.dueDate, policy.graceDays);
}

/** The actions to take today, reminders first, in invoice order. */
export function dunningActions(input: DunningInput): DunningAction[] {
  const checked = validatePolicy(input.policy);
  if (!checked.ok) throw new RangeError(`invalid dunning policy: ${checked.code}`);
  if (!isLocalDate(input.today)) throw new RangeError(`not a local date: ${input.today}`);
  const { policy } = checked;
  const { today, state } = input;
  if (state === "terminated") return [];
  const open = input.invoices.filter((invoice) => invoice.amountOpenMinor > 0);
  const actions: DunningAction[] = [];

  for (const invoice of open) {
    const due = policy.reminderOffsets.filter((o) => addDays(invoice.dueDate, o) <= today);
    const latest = due[due.length - 1];
    if (latest !== undefined && !invoice.remindersSent.includes(latest)) {
      actions.push({ kind: "remind", invoiceId: invoice.invoiceId, offset: latest });
    }
  }

  const held = input.keepActiveUntil !== null && today <= input.keepActiveUntil;
  const { isolateAfterDays } = policy;
  if (state === "active" && isolateAfterDays !== null && !held) {
    const late = open.filter((invoice) => today >= addDays(invoice.dueDate, isolateAfterDays));
    if (late.length > 0) actions.push({ kind: "isolate", invoiceIds: late.map((invoice) => invoice.invoiceId) });
  }

  if (state === "isolated" && input.isolatedByDunning && !open.some((invoice) => isOverdue(invoice, policy, today))) {
    actions.push({ kind: "restore" });
  }
  return actions;
}
