import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import type { SiteChangeReason } from "./site-changes.ts";

/**
 * A router's entry in its site's desired state (shared/src/sync/site-state.ts `nas`), from `n`
 * (its nas_devices row). Secrets stay sealed here and in the revision log; they are opened on
 * their way to the agent (sync/site-secrets.ts). One definition for change rows and snapshot.
 */
export const nasState = sql`jsonb_build_object(
  'name', n.name,
  'address', host(n.address),
  'secretSealed', n.secret_sealed,
  'previousSecretSealed', n.previous_secret_sealed,
  'previousSecretValidUntil', n.previous_secret_valid_until,
  'coaPort', n.coa_port,
  'requireMessageAuthenticator', n.require_message_authenticator,
  'limitProxyState', n.limit_proxy_state)`;

/** The `nas` entries of one site, for its snapshot. */
export const nasSnapshot = (tenantId: string, siteId: string): SQL => sql`
  select 'nas' as kind, n.id::text as key, ${nasState} as data
  from nas_devices n where n.tenant_id = ${tenantId} and n.site_id = ${siteId}`;

/** Writes the current state of the routers matched by `where` (on `n`) to their sites' logs. */
export async function recordNasChanges(tx: Tx, tenantId: string, reason: SiteChangeReason, where: SQL): Promise<void> {
  await tx.execute(sql`
    insert into site_changes (tenant_id, site_id, kind, op, reason, entity_id, payload)
    select n.tenant_id, n.site_id, 'nas', 'upsert', ${reason}::text, n.id, ${nasState}
    from nas_devices n where n.tenant_id = ${tenantId} and (${where})
    order by n.site_id, n.id`);
}

/** A router removed (or moved away from `siteId`): its site forgets it. */
export async function recordNasRemoved(tx: Tx, tenantId: string, siteId: string, nasId: string): Promise<void> {
  await tx.execute(sql`
    insert into site_changes (tenant_id, site_id, kind, op, reason, entity_id, payload)
    values (${tenantId}, ${siteId}, 'nas', 'delete', 'nas_removed', ${nasId}, null)`);
}
