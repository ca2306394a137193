import { sql } from "drizzle-orm";
import { bigserial, check, index, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantIdColumn, tenantReference, updatedAt } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";

/** A place with a router and an agent. Minimal here; the agent issue extends it. */
export const sites = pgTable(
  "sites",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    name: text("name").notNull(),
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
  ],
).enableRLS();

/**
 * What the network at a site must follow: one row per change, written in the same transaction
 * as the subscription change that caused it (dunning, activation, plan change, termination).
 * The agent issue turns this outbox into the site's revision log.
 */
export const siteChanges = pgTable(
  "site_changes",
  {
    tenantId: tenantIdColumn(),
    /** Increasing; a reader resumes after the last id it applied. */
    id: bigserial("id", { mode: "number" }).notNull(),
    siteId: uuid("site_id").notNull(),
    /** What changed, e.g. `subscription.isolated`. */
    kind: text("kind").notNull(),
    /** The changed row (a subscription, a voucher). */
    entityId: uuid("entity_id").notNull(),
    payload: jsonb("payload").notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("site_changes_site_fk", [t.tenantId, t.siteId], sites).onDelete("cascade"),
    index("site_changes_site_idx").on(t.tenantId, t.siteId, t.id),
    tenantIsolation(t.tenantId),
    check("site_changes_kind_format", sql`${t.kind} ~ '^[a-z][a-z_]*(\\.[a-z][a-z_]*)*$'`),
  ],
).enableRLS();
