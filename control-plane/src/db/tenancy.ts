import { type SQL, sql } from "drizzle-orm";
import { type AnyPgColumn, pgPolicy } from "drizzle-orm/pg-core";

/** The current tenant, as the row-level security policies see it: NULL when none was set. */
export const currentTenantId = sql`nullif(current_setting('app.tenant_id', true), '')::uuid`;

/**
 * The one policy every tenant-owned table carries: rows are visible and writable only inside
 * `withTenant` for their own tenant. FORCE ROW LEVEL SECURITY is added by a hand-written
 * migration (drizzle cannot express it); the catalog guard test fails when it is missing.
 */
export function tenantIsolation(column: AnyPgColumn): ReturnType<typeof pgPolicy> {
  const check: SQL = sql`${column} = ${currentTenantId}`;
  return pgPolicy("tenant_isolation", { as: "permissive", for: "all", using: check, withCheck: check });
}
