import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { planNetworkState, type SiteChangeReason } from "./site-changes.ts";

/**
 * Codes a site holds: never used, sold, running, or expired or exhausted (kept so that a login
 * with it is told why instead of being refused as an unknown code) until the jobs release them
 * (voucher-expiry.ts), some weeks after their end. Void ones leave the site at once.
 */
const HELD = sql`(v.state in ('new', 'sold', 'active') or (v.state in ('expired', 'exhausted') and v.released_at is null))`;

/**
 * A voucher's entry (shared/src/sync/site-state.ts `voucher`, key = its code), from `v`, its
 * batch `b` and the batch's plan `p`. One definition for change rows and snapshot.
 */
export const voucherState = sql`jsonb_build_object(
  'id', v.id,
  'state', v.state,
  'validitySeconds', coalesce(b.validity_hours * 3600, b.validity_days * 86400),
  'activatedAt', v.activated_at,
  'expiresAt', v.expires_at,
  'mac', v.mac::text,
  'macBinding', b.mac_binding,
  'plan', ${planNetworkState})`;

const voucherSources = sql`
  vouchers v
  join voucher_batches b on b.tenant_id = v.tenant_id and b.id = v.batch_id
  join plans p on p.tenant_id = b.tenant_id and p.id = b.plan_id`;

/** The `voucher` entries of one site: its own batches' codes and the tenant-wide ones. */
export const voucherSnapshot = (tenantId: string, siteId: string): SQL => sql`
  select 'voucher' as kind, v.code as key, ${voucherState} as data
  from ${voucherSources}
  where v.tenant_id = ${tenantId} and ${HELD} and (b.site_id is null or b.site_id = ${siteId})`;

/** `where` for recordVoucherChanges: the vouchers with these ids. */
export const voucherIdIn = (ids: readonly string[]): SQL =>
  sql`v.id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`;

/**
 * Writes the vouchers matched by `where` (on `v`, `b`) to the log of every site that holds
 * them (a batch without a site is for every site of the tenant): their state when held, else
 * their removal. Set-based: a batch of 10,000 codes is one statement.
 */
export async function recordVoucherChanges(
  tx: Tx,
  tenantId: string,
  reason: SiteChangeReason,
  where: SQL,
): Promise<void> {
  await tx.execute(sql`
    insert into site_changes (tenant_id, site_id, kind, op, reason, entity_id, entity_key, payload)
    select v.tenant_id, st.id, 'voucher',
           case when ${HELD} then 'upsert' else 'delete' end,
           ${reason}::text, v.id, v.code,
           case when ${HELD} then ${voucherState} end
    from ${voucherSources}
    join sites st on st.tenant_id = v.tenant_id and (b.site_id is null or st.id = b.site_id)
    where v.tenant_id = ${tenantId} and (${where})
    order by st.id, v.id`);
}
