import { sql } from "drizzle-orm";

/**
 * Tables that hold no tenant's data and are deliberately outside row-level security, each
 * with the reason. Everything else in the schema must be under forced RLS with a policy.
 */
export const GLOBAL_TABLES: Record<string, string> = {
  users: "a person may belong to several tenants; looked up by e-mail before any tenant is known",
  recovery_codes: "belong to a person (users), not to a tenant",
  password_resets: "belong to a person (users), not to a tenant",
  sessions: "looked up by token before the tenant is known; tenant chosen after sign-in",
  login_failures: "sign-in throttling by account and address, before any tenant is known",
  rate_limit_counters: "throttling counters keyed by address or tenant; hold no tenant data",
};

export interface TableTenancy {
  table: string;
  hasTenantId: boolean;
  rlsEnabled: boolean;
  rlsForced: boolean;
  policies: number;
}

export const tenancyCatalogQuery = (schema: string) => sql`
  select c.relname as "table",
         exists (select 1 from pg_attribute a
                 where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as "hasTenantId",
         c.relrowsecurity as "rlsEnabled",
         c.relforcerowsecurity as "rlsForced",
         (select count(*)::int from pg_policy p where p.polrelid = c.oid) as "policies"
  from pg_class c
  where c.relnamespace = ${schema}::regnamespace and c.relkind in ('r', 'p')
  order by c.relname`;

/** What is wrong with each table's tenancy, one readable line per problem. */
export function tenancyViolations(tables: TableTenancy[], globals: Record<string, string> = GLOBAL_TABLES): string[] {
  const problems: string[] = [];
  for (const t of tables) {
    if (!t.hasTenantId && t.table in globals) continue;
    const what = t.hasTenantId ? "has tenant_id" : "is not declared in GLOBAL_TABLES";
    if (!t.rlsEnabled) problems.push(`${t.table} ${what} but row-level security is not enabled`);
    if (!t.rlsForced) problems.push(`${t.table} ${what} but row-level security is not forced (hand-written migration)`);
    if (t.policies === 0) problems.push(`${t.table} ${what} but has no policy`);
  }
  return problems;
}

export interface TenantReference {
  table: string;
  constraint: string;
  parent: string;
  /** The key maps the row's tenant_id onto the parent's tenant_id. */
  carriesTenant: boolean;
}

/** Foreign keys from one table with tenant_id to another. */
export const tenantReferencesQuery = (schema: string) => sql`
  select src.relname as "table", k.conname as "constraint", dst.relname as "parent",
         exists (select 1 from unnest(k.conkey, k.confkey) as pair(src_att, dst_att)
                 join pg_attribute sa on sa.attrelid = k.conrelid and sa.attnum = pair.src_att
                 join pg_attribute da on da.attrelid = k.confrelid and da.attnum = pair.dst_att
                 where sa.attname = 'tenant_id' and da.attname = 'tenant_id') as "carriesTenant"
  from pg_constraint k
  join pg_class src on src.oid = k.conrelid
  join pg_class dst on dst.oid = k.confrelid
  where k.contype = 'f' and src.relnamespace = ${schema}::regnamespace
    and exists (select 1 from pg_attribute a
                where a.attrelid = k.conrelid and a.attname = 'tenant_id' and not a.attisdropped)
    and exists (select 1 from pg_attribute a
                where a.attrelid = k.confrelid and a.attname = 'tenant_id' and not a.attisdropped)
  order by 1, 2`;

/**
 * A foreign key between tenant tables that does not carry tenant_id lets a row point at another
 * tenant's row (the check runs without row-level security): DESIGN §5 wants it in every key.
 */
export function tenantReferenceViolations(references: TenantReference[]): string[] {
  return references
    .filter((r) => !r.carriesTenant)
    .map((r) => `${r.table}: foreign key ${r.constraint} to ${r.parent} does not carry tenant_id`);
}
