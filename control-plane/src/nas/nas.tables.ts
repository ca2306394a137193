import { sql } from "drizzle-orm";
import { boolean, check, inet, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantIdColumn, tenantReference, updatedAt } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";
import { sites } from "../sites/sites.tables.ts";

/**
 * A router (NAS) allowed to ask its site's RADIUS server. The shared secret is generated
 * (≥ 24 random bytes), sealed under the tenant's key (AAD bound to the row), and reaches the
 * agent opened, in the site's desired state. During a rotation the previous secret is also
 * accepted until `previous_secret_valid_until` (the overlap for re-configuring the router).
 */
export const nasDevices = pgTable(
  "nas_devices",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    siteId: uuid("site_id").notNull(),
    name: text("name").notNull(),
    /** The source address of its RADIUS requests, and where CoA/Disconnect go. */
    address: inet("address").notNull(),
    secretSealed: text("secret_sealed").notNull(),
    previousSecretSealed: text("previous_secret_sealed"),
    previousSecretValidUntil: timestamp("previous_secret_valid_until", { withTimezone: true }),
    coaPort: integer("coa_port").notNull().default(1700),
    requireMessageAuthenticator: boolean("require_message_authenticator").notNull().default(true),
    limitProxyState: boolean("limit_proxy_state").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("nas_devices_site_fk", [t.tenantId, t.siteId], sites),
    unique("nas_devices_address_unique").on(t.tenantId, t.siteId, t.address),
    unique("nas_devices_name_unique").on(t.tenantId, t.siteId, t.name),
    tenantIsolation(t.tenantId),
    check("nas_devices_name_present", sql`btrim(${t.name}) <> '' and length(${t.name}) <= 64`),
    check("nas_devices_coa_port_range", sql`${t.coaPort} between 1 and 65535`),
    check(
      "nas_devices_previous_secret_complete",
      sql`(${t.previousSecretSealed} is null) = (${t.previousSecretValidUntil} is null)`,
    ),
  ],
).enableRLS();
