import type { StateEntry } from "@kilusi/shared/sync/messages";
import { stateHash } from "@kilusi/shared/sync/state-hash";
import { sql } from "drizzle-orm";
import type { MasterSealing } from "../crypto/tenant-keys.ts";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { ON_NETWORK, subscriberState } from "../sites/site-changes.ts";
import { nasSnapshot } from "../sites/site-state-nas.ts";
import { policySnapshot } from "../sites/site-state-policy.ts";
import { voucherSnapshot } from "../sites/site-state-vouchers.ts";
import { openSiteSecrets } from "./site-secrets.ts";

/**
 * A site's whole desired state at one revision: what an agent that applied every change up to
 * that revision holds. The site row is read FOR SHARE first: a writer of the site's revision log
 * bumps the counter under that row's lock, so none commits while the snapshot is read, and the
 * entries and the revision agree. Each kind reads from the same definition its change rows use;
 * secrets are opened on the way out (site-secrets.ts).
 */
export async function siteSnapshot(
  tx: Tx,
  sealing: MasterSealing,
  tenantId: string,
  siteId: string,
): Promise<{ revision: number; entries: StateEntry[]; unopened: number } | null> {
  const [site] = rowsOf<{ revision: string | number }>(
    await tx.execute(sql`select revision from sites where tenant_id = ${tenantId} and id = ${siteId} for share`),
  );
  if (!site) return null;
  const entries = rowsOf<StateEntry>(
    await tx.execute(sql`
      select 'subscriber' as kind, s.id::text as key, ${subscriberState} as data
      from subscriptions s join plans p on p.tenant_id = s.tenant_id and p.id = s.plan_id
      where s.tenant_id = ${tenantId} and s.site_id = ${siteId} and s.status in ${ON_NETWORK}
      union all ${nasSnapshot(tenantId, siteId)}
      union all ${voucherSnapshot(tenantId, siteId)}
      union all ${policySnapshot(tenantId)}`),
  );
  const unopened = await openSiteSecrets(tx, sealing, tenantId, entries);
  return { revision: Number(site.revision), entries, unopened };
}

/** The hash an agent that is in sync reports for this site (shared/src/sync/state-hash.ts). */
export async function siteStateHash(
  tx: Tx,
  sealing: MasterSealing,
  tenantId: string,
  siteId: string,
): Promise<string | null> {
  const snapshot = await siteSnapshot(tx, sealing, tenantId, siteId);
  return snapshot ? stateHash(snapshot.entries) : null;
}
