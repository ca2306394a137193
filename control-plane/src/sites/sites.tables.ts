import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  check,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, tenantIdColumn, tenantReference, updatedAt } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";

/** A place with routers and one agent. */
export const sites = pgTable(
  "sites",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    name: text("name").notNull(),
    /** Free text: an address, a village, a tower. */
    location: text("location"),
    /**
     * The desired-state revision: bumped by the trigger on site_changes, under this row's lock,
     * so revisions commit in order and a reader never skips one (DESIGN §6).
     */
    revision: bigint("revision", { mode: "number" }).notNull().default(0),
    /** IANA zone of the site; null means the tenant's zone. */
    timeZone: text("time_zone"),
    /**
     * The hotspot's login page, printed as a QR code on voucher sheets (`{code}` is replaced by
     * the voucher code), e.g. `http://hotspot.net/login?username={code}&password={code}`; null
     * falls back to the tenant's (billing settings).
     */
    hotspotLoginUrl: text("hotspot_login_url"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("sites_name_unique").on(t.tenantId, sql`lower(${t.name})`),
    tenantIsolation(t.tenantId),
    check("sites_name_present", sql`btrim(${t.name}) <> ''`),
    check("sites_hotspot_login_url", sql`${t.hotspotLoginUrl} ~ '^https?://'`),
    check("sites_location_length", sql`length(${t.location}) <= 200`),
  ],
).enableRLS();

/**
 * The site's revision log (DESIGN §6): one row per change of what the site must know, written
 * in the same transaction as the business change (a transactional outbox). `revision` comes
 * from the site's counter (trigger), so the agent asks for "changes since N" and applies them
 * in order. `op` is `upsert` with the entity's whole desired state in `payload`, or `delete`.
 */
export const siteChanges = pgTable(
  "site_changes",
  {
    tenantId: tenantIdColumn(),
    id: bigserial("id", { mode: "number" }).notNull(),
    siteId: uuid("site_id").notNull(),
    /** Assigned by the trigger: the site's next revision. */
    revision: bigint("revision", { mode: "number" }).notNull().default(0),
    /** The entity kind of the contract: `subscriber`, `nas`, `snmp_target`, … */
    kind: text("kind").notNull(),
    op: text("op").notNull(),
    /** Why (isolated, restored, plan_changed, …): for the agent's planner and the change log. */
    reason: text("reason"),
    entityId: uuid("entity_id").notNull(),
    /** The entry's key at the agent when it is not the entity id: a voucher's code, `isolation`. */
    entityKey: text("entity_key"),
    payload: jsonb("payload"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("site_changes_site_fk", [t.tenantId, t.siteId], sites).onDelete("cascade"),
    uniqueIndex("site_changes_revision_unique").on(t.tenantId, t.siteId, t.revision),
    index("site_changes_created_idx").on(t.createdAt),
    tenantIsolation(t.tenantId),
    check("site_changes_kind_format", sql`${t.kind} ~ '^[a-z][a-z0-9_]*$'`),
    check(
      "site_changes_op",
      sql`${t.op} in ('upsert', 'delete') and (${t.op} = 'upsert') = (${t.payload} is not null)`,
    ),
  ],
).enableRLS();

/** What happened at a site, for its page: agent online/offline, enrolled, revoked, journal alerts. */
export const siteEvents = pgTable(
  "site_events",
  {
    tenantId: tenantIdColumn(),
    id: bigserial("id", { mode: "number" }).notNull(),
    siteId: uuid("site_id").notNull(),
    agentId: uuid("agent_id"),
    kind: text("kind").notNull(),
    detail: jsonb("detail").notNull().default({}),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("site_events_site_fk", [t.tenantId, t.siteId], sites).onDelete("cascade"),
    index("site_events_site_idx").on(t.tenantId, t.siteId, t.at),
    tenantIsolation(t.tenantId),
    check("site_events_kind_format", sql`${t.kind} ~ '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$'`),
  ],
).enableRLS();
