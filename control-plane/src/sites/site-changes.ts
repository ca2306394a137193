import { type SQL, sql } from "drizzle-orm";
import type { SiteChangeKind } from "../billing/subscription.models.ts";
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
  | "access_changed";

/**
 * Writes, in the caller's transaction, one site change per subscription matched by `where`
 * (a SQL condition on `s`, the subscriptions row, and `p`, its plan): the subscriber's whole
 * desired network state as it is now, so the agent needs nothing but the latest row to act
 * (DESIGN §6). Set-based, so a plan edit reaches its thousands of subscribers in one statement.
 * Returns how many were written.
 */
export async function recordSubscriberChanges(
  tx: Tx,
  tenantId: string,
  kind: SiteChangeKind,
  reason: SiteChangeReason,
  where: SQL,
): Promise<number> {
  const result = await tx.execute(sql`
    insert into site_changes (tenant_id, site_id, kind, entity_id, payload)
    select s.tenant_id, s.site_id, ${kind}, s.id, jsonb_build_object(
      'reason', ${reason}::text,
      'status', s.status,
      'access', s.access,
      'username', s.pppoe_username,
      'staticIp', host(s.static_ip),
      'mac', s.mac::text,
      'expiresAt', s.expires_at,
      'plan', jsonb_build_object(
        'id', p.id, 'name', p.name, 'type', p.type,
        'downloadKbps', p.download_kbps, 'uploadKbps', p.upload_kbps,
        'burstDownloadKbps', p.burst_download_kbps, 'burstUploadKbps', p.burst_upload_kbps,
        'burstThresholdDownloadKbps', p.burst_threshold_download_kbps,
        'burstThresholdUploadKbps', p.burst_threshold_upload_kbps,
        'burstTimeSeconds', p.burst_time_seconds,
        'addressPool', p.address_pool, 'profileName', p.profile_name, 'quotaBytes', p.quota_bytes))
    from subscriptions s join plans p on p.tenant_id = s.tenant_id and p.id = s.plan_id
    where s.tenant_id = ${tenantId} and (${where})
    returning 1`);
  return rowsOf(result).length;
}

/** One subscription's change. */
export function recordSubscriberChange(
  tx: Tx,
  tenantId: string,
  subscriptionId: string,
  kind: SiteChangeKind,
  reason: SiteChangeReason,
): Promise<number> {
  return recordSubscriberChanges(tx, tenantId, kind, reason, sql`s.id = ${subscriptionId}`);
}

/**
 * After a plan's network attributes changed: every subscriber of the plan who is on the
 * network (active or isolated) gets their new desired state.
 */
export function recordPlanSubscribersChanged(tx: Tx, tenantId: string, planId: string): Promise<number> {
  return recordSubscriberChanges(
    tx,
    tenantId,
    "subscriber.upsert",
    "plan_updated",
    sql`s.plan_id = ${planId} and s.status in ('active', 'isolated')`,
  );
}
