import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";

/** Why the site must act: shown in the site's change log and carried to the agent. */
export type SiteChangeReason =
  | "activated"
  | "isolated"
  | "restored"
  | "suspended"
  | "resumed"
  | "terminated"
  | "plan_changed"
  | "plan_updated"
  | "access_changed"
  | "moved"
  | "nas_added"
  | "nas_updated"
  | "nas_removed"
  | "voucher_created"
  | "voucher_changed"
  | "voucher_activated"
  | "voucher_expired"
  | "voucher_exhausted"
  | "voucher_released"
  | "policy_changed"
  | "site_created";

/** The subscriber is on the site's network (in its desired state) exactly in these states. */
export const ON_NETWORK = sql`('active', 'isolated')`;

/** A plan's network attributes (shared/src/sync/site-state.ts `planStateSchema`), from `p`. */
export const planNetworkState = sql`jsonb_build_object(
  'id', p.id, 'name', p.name, 'type', p.type,
  'downloadKbps', p.download_kbps, 'uploadKbps', p.upload_kbps,
  'burstDownloadKbps', p.burst_download_kbps, 'burstUploadKbps', p.burst_upload_kbps,
  'burstThresholdDownloadKbps', p.burst_threshold_download_kbps,
  'burstThresholdUploadKbps', p.burst_threshold_upload_kbps,
  'burstTimeSeconds', p.burst_time_seconds,
  'addressPool', p.address_pool, 'profileName', p.profile_name, 'quotaBytes', p.quota_bytes)`;

/**
 * A subscriber's whole desired network state, from `s` (its subscriptions row) and `p` (its
 * plan). The one definition behind both the change rows and the snapshot (sync/snapshot.ts),
 * so an agent that applied every change holds exactly what a snapshot would give it. The
 * password stays sealed here, in the revision log too; it is opened on its way to the agent
 * (sync/site-secrets.ts).
 */
export const subscriberState = sql`jsonb_build_object(
  'status', s.status,
  'access', s.access,
  'username', s.pppoe_username,
  'passwordSealed', s.pppoe_password_sealed,
  'staticIp', host(s.static_ip),
  'mac', s.mac::text,
  'expiresAt', s.expires_at,
  'plan', ${planNetworkState})`;

/**
 * Writes, in the caller's transaction, one site change per subscription matched by `where`
 * (a SQL condition on `s` and `p`): its desired state when it is on the network, else its
 * removal. The trigger numbers each row with its site's next revision (DESIGN §6). Set-based,
 * so a plan edit reaches its thousands of subscribers in one statement. Returns how many.
 */
export async function recordSubscriberChanges(
  tx: Tx,
  tenantId: string,
  reason: SiteChangeReason,
  where: SQL,
): Promise<number> {
  const result = await tx.execute(sql`
    insert into site_changes (tenant_id, site_id, kind, op, reason, entity_id, payload)
    select s.tenant_id, s.site_id, 'subscriber',
           case when s.status in ${ON_NETWORK} then 'upsert' else 'delete' end,
           ${reason}::text, s.id,
           case when s.status in ${ON_NETWORK} then ${subscriberState} end
    from subscriptions s join plans p on p.tenant_id = s.tenant_id and p.id = s.plan_id
    where s.tenant_id = ${tenantId} and (${where})
    order by s.site_id, s.id
    returning 1`);
  return rowsOf(result).length;
}

/** One subscription's change. */
export function recordSubscriberChange(
  tx: Tx,
  tenantId: string,
  subscriptionId: string,
  reason: SiteChangeReason,
): Promise<number> {
  return recordSubscriberChanges(tx, tenantId, reason, sql`s.id = ${subscriptionId}`);
}

/** A subscriber moved to another site: the old site forgets it (the new one gets its change). */
export async function recordSubscriberLeftSite(
  tx: Tx,
  tenantId: string,
  subscriptionId: string,
  oldSiteId: string,
): Promise<void> {
  await tx.execute(sql`
    insert into site_changes (tenant_id, site_id, kind, op, reason, entity_id, payload)
    values (${tenantId}, ${oldSiteId}, 'subscriber', 'delete', 'moved', ${subscriptionId}, null)`);
}

/**
 * After a plan's network attributes changed: every subscriber of the plan who is on the
 * network (active or isolated) gets their new desired state.
 */
export function recordPlanSubscribersChanged(tx: Tx, tenantId: string, planId: string): Promise<number> {
  return recordSubscriberChanges(
    tx,
    tenantId,
    "plan_updated",
    sql`s.plan_id = ${planId} and s.status in ${ON_NETWORK}`,
  );
}
