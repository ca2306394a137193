import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "../accounts/accounts.tables.ts";
import { createdAt, tenantIdColumn, tenantReference } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";
import { sites } from "../sites/sites.tables.ts";

/**
 * One agent installation at a site. `id` is the installation's own id (generated in its store
 * at first start), so a re-enrolled machine keeps its journal's `(agent_id, seq)` and a new
 * machine gets a new row. At most one agent of a site is not revoked.
 */
export const siteAgents = pgTable(
  "site_agents",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    siteId: uuid("site_id").notNull(),
    /** SHA-256 (hex) of the MQTT password: 32 random bytes, so a fast hash is enough. */
    secretHash: text("secret_hash").notNull(),
    hostname: text("hostname"),
    enrolledAt: timestamp("enrolled_at", { withTimezone: true }).notNull(),
    credentialsRotatedAt: timestamp("credentials_rotated_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    // What the agent last told us (presence, hello, heartbeat): the site page's live status.
    online: boolean("online").notNull().default(false),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    agentVersion: text("agent_version"),
    protocol: integer("protocol"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    appliedRevision: bigint("applied_revision", { mode: "number" }).notNull().default(0),
    journalBacklog: bigint("journal_backlog", { mode: "number" }).notNull().default(0),
    journalBytes: bigint("journal_bytes", { mode: "number" }).notNull().default(0),
    journalCapBytes: bigint("journal_cap_bytes", { mode: "number" }).notNull().default(0),
    journalOldestAt: timestamp("journal_oldest_at", { withTimezone: true }),
    /** Why the journal refuses appends (`full`, `failed`): the site's accounting goes unanswered. */
    journalRefusing: text("journal_refusing", { enum: ["full", "failed"] }),
    /** Cloud clock minus agent clock, from heartbeat round trips. */
    clockSkewMs: integer("clock_skew_ms"),
    rttMs: integer("rtt_ms"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("site_agents_site_fk", [t.tenantId, t.siteId], sites),
    uniqueIndex("site_agents_one_active").on(t.tenantId, t.siteId).where(sql`${t.revokedAt} is null`),
    tenantIsolation(t.tenantId),
    check("site_agents_hostname_length", sql`length(${t.hostname}) <= 253`),
    check("site_agents_version_length", sql`length(${t.agentVersion}) <= 64`),
    check("site_agents_journal_refusing_valid", sql`${t.journalRefusing} in ('full', 'failed')`),
  ],
).enableRLS();

/** A one-time enrollment token: the secret is shown once, only its SHA-256 is kept; 24 h. */
export const agentEnrollmentTokens = pgTable(
  "agent_enrollment_tokens",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    siteId: uuid("site_id").notNull(),
    secretHash: text("secret_hash").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    usedByAgent: uuid("used_by_agent"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("agent_enrollment_tokens_site_fk", [t.tenantId, t.siteId], sites).onDelete("cascade"),
    index("agent_enrollment_tokens_site_idx").on(t.tenantId, t.siteId),
    tenantIsolation(t.tenantId),
    check("agent_enrollment_tokens_used", sql`(${t.usedAt} is null) = (${t.usedByAgent} is null)`),
  ],
).enableRLS();
