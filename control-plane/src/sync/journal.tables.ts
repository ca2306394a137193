import { sql } from "drizzle-orm";
import { bigint, check, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { siteAgents } from "../agents/agents.tables.ts";
import { tenantIdColumn, tenantReference } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";

/**
 * Every record an agent journaled (accounting, events, telemetry), ingested exactly once: the
 * key `(agent_id, seq)` makes a re-sent batch a no-op, and the agent deletes its copy only after
 * the cloud's ack, which follows the commit (DESIGN §6). Records are never deleted with their
 * agent: an agent is revoked, not removed.
 */
export const journalRecords = pgTable(
  "journal_records",
  {
    tenantId: tenantIdColumn(),
    agentId: uuid("agent_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    siteId: uuid("site_id").notNull(),
    kind: text("kind").notNull(),
    /** When the agent journaled it (its clock). */
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    data: jsonb("data").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.agentId, t.seq] }),
    tenantReference("journal_records_agent_fk", [t.tenantId, t.agentId], siteAgents),
    index("journal_records_site_kind_idx").on(t.tenantId, t.siteId, t.kind, t.recordedAt),
    tenantIsolation(t.tenantId),
    check("journal_records_seq_positive", sql`${t.seq} > 0`),
  ],
).enableRLS();
