import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantOrGlobalIsolation } from "../db/tenancy.ts";

/**
 * What must be told to someone, written in the same transaction as the change that caused it.
 * Channels (log, email, WhatsApp) deliver from here; callers never talk to a channel.
 */
export const notificationOutbox = pgTable(
  "notification_outbox",
  {
    id: uuid("id").primaryKey(),
    /** Null for messages outside any tenant (password reset). */
    tenantId: uuid("tenant_id"),
    channel: text("channel").notNull(),
    recipient: text("recipient").notNull(),
    template: text("template").notNull(),
    /** Template parameters without secrets. */
    params: jsonb("params").notNull(),
    /** Parameters that open something (reset and invitation links), sealed (outbox.ts). */
    sealedParams: text("sealed_params"),
    status: text("status", { enum: ["pending", "sent", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [index("notification_outbox_pending_idx").on(t.status, t.createdAt), tenantOrGlobalIsolation(t.tenantId)],
).enableRLS();
