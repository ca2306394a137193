import type { SecretBox } from "../crypto/secret-box.ts";
import type { Tx } from "../db/database.ts";
import { notificationOutbox } from "./notifications.tables.ts";

export type NotificationTemplate =
  | "password_reset"
  | "invitation"
  | "password_changed"
  // To subscribers, on WhatsApp: dunning and payments (billing/dunning.job.ts, payments).
  | "invoice_reminder"
  | "subscription_isolated"
  | "subscription_restored"
  | "payment_received";

/** The secret box purpose of the outbox's sealed parameters. */
export const OUTBOX_BOX_PURPOSE = "notification_outbox/secrets";

export interface Sealing {
  secretBox(purpose: string): SecretBox;
}

export interface NotificationInput {
  tenantId: string | null;
  /** An e-mail address, or a phone number in E.164 (`+62…`), which goes to WhatsApp. */
  recipient: string;
  template: NotificationTemplate;
  /** Parameters a database reader may see (names, the ISP's name, a role). */
  params: Record<string, string>;
  /** Parameters that open something (reset and invitation links): sealed at rest. */
  secrets?: Record<string, string>;
}

const aadOf = (id: string) => `notification_outbox:${id}`;

/**
 * Asks for a message to be delivered, inside the caller's transaction: if the change rolls
 * back, nothing is sent. The recipient's channel is chosen here, not by callers: a phone number
 * goes to WhatsApp, an address to e-mail; delivery is a separate job. Secrets are sealed with the master key, bound to
 * the row, so a database dump holds no usable link.
 */
export async function enqueueNotification(tx: Tx, sealing: Sealing, input: NotificationInput): Promise<void> {
  const id = crypto.randomUUID();
  const secrets = input.secrets && Object.keys(input.secrets).length > 0 ? input.secrets : undefined;
  await tx.insert(notificationOutbox).values({
    id,
    tenantId: input.tenantId,
    channel: input.recipient.startsWith("+") ? "whatsapp" : "email",
    recipient: input.recipient,
    template: input.template,
    params: input.params,
    sealedParams: secrets ? sealing.secretBox(OUTBOX_BOX_PURPOSE).seal(JSON.stringify(secrets), aadOf(id)) : null,
  });
}

/** Every parameter of a queued message, the sealed ones opened: for the channel delivering it. */
export function notificationParams(
  sealing: Sealing,
  row: { id: string; params: unknown; sealedParams: string | null },
): Record<string, string> {
  const plain = (row.params ?? {}) as Record<string, string>;
  if (!row.sealedParams) return { ...plain };
  const secrets = JSON.parse(sealing.secretBox(OUTBOX_BOX_PURPOSE).open(row.sealedParams, aadOf(row.id)));
  return { ...plain, ...secrets };
}
