import type { Tx } from "../db/database.ts";
import { notificationOutbox } from "./notifications.tables.ts";

export type NotificationTemplate = "password_reset" | "invitation" | "password_changed";

/**
 * Asks for a message to be delivered, inside the caller's transaction: if the change rolls
 * back, nothing is sent. The recipient's channel (e-mail now; WhatsApp later) is chosen here,
 * not by callers; delivery is a separate job.
 */
export async function enqueueNotification(
  tx: Tx,
  input: { tenantId: string | null; recipient: string; template: NotificationTemplate; params: Record<string, string> },
): Promise<void> {
  await tx.insert(notificationOutbox).values({
    id: crypto.randomUUID(),
    tenantId: input.tenantId,
    channel: "email",
    recipient: input.recipient,
    template: input.template,
    params: input.params,
  });
}
