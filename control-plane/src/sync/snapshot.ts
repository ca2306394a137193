import type { StateEntry } from "@kilusi/shared/sync/messages";
import { stateHash } from "@kilusi/shared/sync/state-hash";
import { sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { ON_NETWORK, subscriberState } from "../sites/site-changes.ts";

/**
 * A site's whole desired state at one revision: what an agent that applied every change up to
 * that revision holds. The site row is read FOR SHARE first: a writer of the site's revision log
 * bumps the counter under that row's lock, so none commits while the snapshot is read, and the
 * entries and the revision agree. Each kind reads from the same definition its change rows use.
 */
export async function siteSnapshot(
  tx: Tx,
  tenantId: string,
  siteId: string,
): Promise<{ revision: number; entries: StateEntry[] } | null> {
  const [site] = rowsOf<{ revision: string | number }>(
    await tx.execute(sql`select revision from sites where tenant_id = ${tenantId} and id = ${siteId} for share`),
  );
  if (!site) return null;
  const subscribers = rowsOf<{ key: string; data: Record<string, unknown> }>(
    await tx.execute(sql`
      select s.id::text as key, ${subscriberState} as data
      from subscriptions s join plans p on p.tenant_id = s.tenant_id and p.id = s.plan_id
      where s.tenant_id = ${tenantId} and s.site_id = ${siteId} and s.status in ${ON_NETWORK}`),
  );
  return {
    revision: Number(site.revision),
    entries: subscribers.map((r) => ({ kind: "subscriber", key: r.key, data: r.data })),
  };
}

/** The hash an agent that is in sync reports for this site (shared/src/sync/state-hash.ts). */
export async function siteStateHash(tx: Tx, tenantId: string, siteId: string): Promise<string | null> {
  const snapshot = await siteSnapshot(tx, tenantId, siteId);
  return snapshot ? stateHash(snapshot.entries) : null;
}
