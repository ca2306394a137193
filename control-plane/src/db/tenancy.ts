import { type SQL, sql } from "drizzle-orm";
import { type AnyPgColumn, pgPolicy } from "drizzle-orm/pg-core";

// The request context the row-level security policies read, set per transaction by
// `Database.withContext` (never by callers directly).
/** The current tenant: NULL when none was set. */
export const currentTenantId = sql`nullif(current_setting('app.tenant_id', true), '')::uuid`;
/** The signed-in person, set where they may see their own rows across tenants (the tenant picker). */
export const currentUserId = sql`nullif(current_setting('app.user_id', true), '')::uuid`;
/** Set only on the platform operator's explicit, audited read path. */
export const platformContext = sql`coalesce(current_setting('app.platform', true), '') = 'on'`;

/**
 * The one policy every tenant-owned table carries: rows are visible and writable only inside
 * `withTenant` for their own tenant. FORCE ROW LEVEL SECURITY is added by a hand-written
 * migration (drizzle cannot express it); the catalog guard test fails when it is missing.
 */
export function tenantIsolation(column: AnyPgColumn): ReturnType<typeof pgPolicy> {
  const check: SQL = sql`${column} = ${currentTenantId}`;
  return pgPolicy("tenant_isolation", { as: "permissive", for: "all", using: check, withCheck: check });
}

/**
 * For tables whose rows may belong to no tenant (a password-reset notice, a sign-in audit
 * row): tenant rows as above, tenant-less rows only where no tenant is set.
 */
export function tenantOrGlobalIsolation(column: AnyPgColumn): ReturnType<typeof pgPolicy> {
  const check: SQL = sql`${column} is not distinct from ${currentTenantId}`;
  return pgPolicy("tenant_isolation", { as: "permissive", for: "all", using: check, withCheck: check });
}

/** Read access for the platform operator's cross-tenant overview. */
export function platformRead(): ReturnType<typeof pgPolicy> {
  return pgPolicy("platform_read", { as: "permissive", for: "select", using: platformContext });
}
