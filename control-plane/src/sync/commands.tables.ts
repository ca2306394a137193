import { sql } from "drizzle-orm";
import { boolean, check, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "../accounts/accounts.tables.ts";
import { createdAt, tenantIdColumn, tenantReference } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";
import { sites } from "../sites/sites.tables.ts";

/**
 * A command to a site's agent (DESIGN §6): `id` is the cmdId the agent dedupes on; a result
 * arrives once, and nothing after `not_after` is executed.
 */
export const siteCommands = pgTable(
  "site_commands",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    siteId: uuid("site_id").notNull(),
    name: text("name").notNull(),
    args: jsonb("args").notNull().default({}),
    notAfter: timestamp("not_after", { withTimezone: true }).notNull(),
    requestedBy: uuid("requested_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    ok: boolean("ok"),
    result: jsonb("result"),
    error: jsonb("error"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("site_commands_site_fk", [t.tenantId, t.siteId], sites).onDelete("cascade"),
    index("site_commands_site_idx").on(t.tenantId, t.siteId, t.createdAt),
    tenantIsolation(t.tenantId),
    check("site_commands_completed", sql`(${t.completedAt} is null) = (${t.ok} is null)`),
  ],
).enableRLS();
