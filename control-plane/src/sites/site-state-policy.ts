import { ISOLATION_POLICY_KEY } from "@kilusi/shared/sync/site-state";
import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import type { SiteChangeReason } from "./site-changes.ts";

/**
 * The tenant's isolation policy (shared/src/sync/site-state.ts `policy`), the same entry at each
 * of its sites; the defaults of billing_settings when the tenant has no row yet. From `t`
 * (tenants) left-joined to `bs` (billing_settings).
 */
const policyState = sql`jsonb_build_object(
  'addressList', coalesce(bs.isolation_address_list, 'isolir'),
  'profile', coalesce(bs.isolation_profile, 'isolir'),
  'rateLimit', case when bs.tenant_id is null then '256k/256k' else bs.isolation_rate_limit end,
  'pool', bs.isolation_pool)`;

const policySource = (tenantId: string) => sql`
  tenants t left join billing_settings bs on bs.tenant_id = t.id where t.id = ${tenantId}`;

export const policySnapshot = (tenantId: string): SQL => sql`
  select 'policy' as kind, ${ISOLATION_POLICY_KEY}::text as key, ${policyState} as data from ${policySource(tenantId)}`;

/**
 * Writes the policy to the logs of the sites matched by `siteWhere` (on `st`): every site when
 * the settings change, a new site when it is created.
 */
export async function recordPolicyChanges(
  tx: Tx,
  tenantId: string,
  reason: SiteChangeReason,
  siteWhere: SQL = sql`true`,
): Promise<void> {
  await tx.execute(sql`
    insert into site_changes (tenant_id, site_id, kind, op, reason, entity_id, entity_key, payload)
    select st.tenant_id, st.id, 'policy', 'upsert', ${reason}::text, st.id, ${ISOLATION_POLICY_KEY}::text, ${policyState}
    from sites st join tenants t on t.id = st.tenant_id left join billing_settings bs on bs.tenant_id = t.id
    where st.tenant_id = ${tenantId} and (${siteWhere})
    order by st.id`);
}
