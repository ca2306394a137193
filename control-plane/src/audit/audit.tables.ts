import { sql } from "drizzle-orm";
import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantOrGlobalIsolation } from "../db/tenancy.ts";

/** Who changed what, when, from where. Append-only for the application role. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** Null for actions outside any tenant (sign-in, password reset). */
    tenantId: uuid("tenant_id"),
    actorUserId: uuid("actor_user_id"),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    ip: text("ip"),
    requestId: text("request_id"),
    at: timestamp("at", { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index("audit_log_tenant_at_idx").on(t.tenantId, t.at), tenantOrGlobalIsolation(t.tenantId)],
).enableRLS();
