import type { Logger } from "@kilusi/shared/logger";
import type { Journal } from "../../store/journal.ts";
import type { DesiredStateStore } from "../../store/store.ts";
import type { CredentialRequest } from "../auth/verify-credentials.ts";
import type { AttributeInput } from "../packet/encode.ts";
import type { SessionTable } from "../sessions/session-table.ts";

/** One Access-Request, as the server hands it over once the packet itself was validated. */
export interface AccessAttempt {
  userName: string;
  credentials: CredentialRequest;
  /** The secret that signed the request, or the candidates to try in order. */
  secrets: readonly Buffer[];
  requestAuthenticator: Buffer;
  nasId: string;
  callingStationId: string | null;
  now: Date;
}

export type AccessDecision =
  | {
      accept: true;
      attributes: AttributeInput[];
      subscriptionId: string | null;
      voucherCode: string | null;
      policy: "plan" | "isolation" | "voucher";
    }
  | { accept: false; attributes: AttributeInput[]; reason: string };

/**
 * Why a login was refused, in stable codes. Beyond the credential checks:
 * subscription_expired: an active subscriber past expiresAt; voucher_exhausted: a voucher whose
 * plan's quota (octets both ways) its sessions used up; journal_full: a voucher's first login
 * could not be recorded, so it is not granted.
 */
export type RejectReason =
  | "unknown_user"
  | "wrong_password"
  | "malformed"
  | "unsupported"
  | "simultaneous_use"
  | "subscription_expired"
  | "voucher_expired"
  | "voucher_exhausted"
  | "voucher_mac_mismatch"
  | "bad_entry"
  | "journal_full";

// Shown by the hotspot login page ($(error)) and the PPP client: only what the user can act on.
const REPLY_MESSAGES: Partial<Record<RejectReason, string>> = {
  simultaneous_use: "Already logged in on another device",
  subscription_expired: "Subscription expired",
  voucher_expired: "Voucher expired",
  voucher_exhausted: "Voucher data quota used up",
  voucher_mac_mismatch: "Voucher is in use by another device",
};

/**
 * A decision and what it was about, for the log line: the subscription or the voucher's id,
 * never a voucher code (it is the password) nor anything from the credentials.
 */
export interface Outcome {
  decision: AccessDecision;
  subject: { subscriptionId?: string; userName?: string; voucherId?: string };
}

export function reject(reason: RejectReason, attributes: AttributeInput[] = []): AccessDecision {
  const message = REPLY_MESSAGES[reason];
  return { accept: false, reason, attributes: message ? [...attributes, ["Reply-Message", message]] : attributes };
}

export interface AuthorizerOptions {
  store: DesiredStateStore;
  sessions: SessionTable;
  journal: Journal;
  logger: Logger;
  /** Acct-Interim-Interval for plans that do not set their own. */
  interimSeconds: number;
}
