import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantIsolation } from "../db/tenancy.ts";
import { tenants } from "../tenants/tenants.tables.ts";

/**
 * Each tenant's data key (DESIGN §5), wrapped by the master key with the tenant id as AAD.
 * Tenant secrets (PPPoE passwords, RADIUS secrets, router passwords, gateway keys) are sealed
 * under keys derived from it, so a tenant's secrets can be re-keyed or shredded on their own.
 */
export const tenantDataKeys = pgTable(
  "tenant_data_keys",
  {
    tenantId: uuid("tenant_id")
      .primaryKey()
      .references(() => tenants.id, { onDelete: "cascade" }),
    wrappedKey: text("wrapped_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantIsolation(t.tenantId)],
).enableRLS();
