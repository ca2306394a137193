import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  check,
  index,
  inet,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { tenantIdColumn, tenantReference } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";
import { sites } from "../sites/sites.tables.ts";

/**
 * Every Accounting-Request a site's agent answered, once: keyed by the request's identity
 * (`unique_id`, shared/src/sync/radius-records.ts), so a retransmit the agent journaled again
 * after a crash is not stored, nor counted, twice. The raw journal row stays in journal_records.
 */
export const radiusAccounting = pgTable(
  "radius_accounting",
  {
    tenantId: tenantIdColumn(),
    siteId: uuid("site_id").notNull(),
    uniqueId: text("unique_id").notNull(),
    agentId: uuid("agent_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    nasId: uuid("nas_id"),
    statusType: text("status_type").notNull(),
    sessionId: text("session_id"),
    userName: text("user_name"),
    subscriptionId: uuid("subscription_id"),
    inputOctets: bigint("input_octets", { mode: "number" }).notNull(),
    outputOctets: bigint("output_octets", { mode: "number" }).notNull(),
    eventAt: timestamp("event_at", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    data: jsonb("data").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.siteId, t.uniqueId] }),
    tenantReference("radius_accounting_site_fk", [t.tenantId, t.siteId], sites).onDelete("cascade"),
    index("radius_accounting_session_idx").on(t.tenantId, t.siteId, t.nasId, t.sessionId),
    index("radius_accounting_subscription_idx").on(t.tenantId, t.subscriptionId, t.eventAt),
    tenantIsolation(t.tenantId),
    check("radius_accounting_octets", sql`${t.inputOctets} >= 0 and ${t.outputOctets} >= 0`),
  ],
).enableRLS();

export const radiusSessionStatuses = ["online", "stopped", "stale"] as const;

/**
 * A router's session as accounting tells it (Start → Interim-Update → Stop): online sessions,
 * 64-bit usage (octets with Gigawords) and the subscriber's history. Counters only grow: an
 * interim that arrives after a later one changes nothing.
 */
export const radiusSessions = pgTable(
  "radius_sessions",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull().defaultRandom(),
    siteId: uuid("site_id").notNull(),
    nasId: uuid("nas_id").notNull(),
    nasIp: inet("nas_ip"),
    acctSessionId: text("acct_session_id").notNull(),
    userName: text("user_name"),
    subscriptionId: uuid("subscription_id"),
    voucherCode: text("voucher_code"),
    framedIp: inet("framed_ip"),
    callingStationId: text("calling_station_id"),
    nasPortId: text("nas_port_id"),
    status: text("status", { enum: radiusSessionStatuses }).notNull().default("online"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    lastUpdateAt: timestamp("last_update_at", { withTimezone: true }).notNull(),
    stoppedAt: timestamp("stopped_at", { withTimezone: true }),
    sessionTime: integer("session_time").notNull().default(0),
    inputOctets: bigint("input_octets", { mode: "number" }).notNull().default(0),
    outputOctets: bigint("output_octets", { mode: "number" }).notNull().default(0),
    terminateCause: text("terminate_cause"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("radius_sessions_site_fk", [t.tenantId, t.siteId], sites).onDelete("cascade"),
    unique("radius_sessions_acct_unique").on(t.tenantId, t.siteId, t.nasId, t.acctSessionId),
    index("radius_sessions_status_idx").on(t.tenantId, t.status, t.lastUpdateAt),
    index("radius_sessions_subscription_idx").on(t.tenantId, t.subscriptionId, t.startedAt),
    // A voucher's use over every site (radius/voucher-exhaustion.ts).
    index("radius_sessions_voucher_idx").on(t.tenantId, t.voucherCode).where(sql`${t.voucherCode} is not null`),
    tenantIsolation(t.tenantId),
    check("radius_sessions_status_valid", sql`${t.status} in ('online', 'stopped', 'stale')`),
    check("radius_sessions_stopped", sql`(${t.status} = 'online') = (${t.stoppedAt} is null)`),
    check("radius_sessions_octets", sql`${t.inputOctets} >= 0 and ${t.outputOctets} >= 0`),
  ],
).enableRLS();

/**
 * What the network did after a subscriber's change (shared/src/sync/radius-records.ts
 * `enforcement.outcome`): the subscription page shows the newest with its time. Only `ack` and
 * `reauth` say the network follows the change.
 */
export const enforcementEvents = pgTable(
  "enforcement_events",
  {
    tenantId: tenantIdColumn(),
    id: bigserial("id", { mode: "number" }).notNull(),
    siteId: uuid("site_id").notNull(),
    subscriptionId: uuid("subscription_id").notNull(),
    revision: bigint("revision", { mode: "number" }).notNull(),
    reason: text("reason").notNull(),
    action: text("action").notNull(),
    outcome: text("outcome").notNull(),
    sessionId: text("session_id"),
    nasId: uuid("nas_id"),
    attempts: integer("attempts").notNull().default(0),
    errorCause: integer("error_cause"),
    errorCauseName: text("error_cause_name"),
    detail: text("detail"),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull(),
    completedAt: timestamp("completed_at", { withTimezone: true }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("enforcement_events_site_fk", [t.tenantId, t.siteId], sites).onDelete("cascade"),
    index("enforcement_events_subscription_idx").on(t.tenantId, t.subscriptionId, t.completedAt),
    tenantIsolation(t.tenantId),
    check("enforcement_events_action", sql`${t.action} in ('coa', 'disconnect', 'none')`),
    check(
      "enforcement_events_outcome",
      sql`${t.outcome} in ('ack', 'nak', 'timeout', 'reauth', 'not_online', 'no_nas')`,
    ),
  ],
).enableRLS();
