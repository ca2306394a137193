import { type Change, MAX_BATCH, type StateEntry } from "@kilusi/shared/sync/messages";
import { sql } from "drizzle-orm";
import type { MasterSealing } from "../crypto/tenant-keys.ts";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { openSiteSecrets } from "./site-secrets.ts";
import { siteSnapshot } from "./snapshot.ts";

/** Payload bytes per message we aim below (the contract's hard limit is 1 MiB). */
const TARGET_BYTES = 512 * 1024;
/** Further behind than this, a snapshot is cheaper than replaying the log. */
const MAX_INCREMENTAL = 20_000;

export type SyncAnswer = (
  | { kind: "changes"; sinceRevision: number; toRevision: number; currentRevision: number; changes: Change[] }
  | { kind: "snapshot"; revision: number; parts: StateEntry[][] }
) & {
  /** Secrets that could not be opened (sent as null): a damaged row, for the caller to log. */
  unopened: number;
};

/**
 * What an agent at `since` needs: the next changes from the log when the log still holds them
 * all (and there are not too many), else a snapshot. An agent ahead of the cloud (a restored
 * database) gets a snapshot too: the cloud is the truth.
 */
export async function answerSyncRequest(
  tx: Tx,
  sealing: MasterSealing,
  tenantId: string,
  siteId: string,
  since: number,
  wantSnapshot: boolean,
): Promise<SyncAnswer | null> {
  const [site] = rowsOf<{ revision: string | number; oldest: string | number | null }>(
    await tx.execute(sql`
      select s.revision,
             (select min(c.revision) from site_changes c where c.tenant_id = s.tenant_id and c.site_id = s.id) as oldest
      from sites s where s.tenant_id = ${tenantId} and s.id = ${siteId}`),
  );
  if (!site) return null;
  const current = Number(site.revision);
  const oldest = site.oldest === null ? null : Number(site.oldest);
  const logHasIt = since === current || (oldest !== null && oldest <= since + 1);
  if (wantSnapshot || since > current || !logHasIt || current - since > MAX_INCREMENTAL) {
    const snapshot = await siteSnapshot(tx, sealing, tenantId, siteId);
    if (!snapshot) return null;
    return {
      kind: "snapshot",
      revision: snapshot.revision,
      parts: chunk(snapshot.entries),
      unopened: snapshot.unopened,
    };
  }
  const rows = rowsOf<{
    revision: string | number;
    kind: string;
    key: string;
    op: "upsert" | "delete";
    reason: string | null;
    data: Record<string, unknown> | null;
  }>(
    await tx.execute(sql`
      select revision, kind, coalesce(entity_key, entity_id::text) as key, op, reason, payload as data
      from site_changes
      where tenant_id = ${tenantId} and site_id = ${siteId} and revision > ${since}
      order by revision limit ${MAX_BATCH}`),
  );
  const changes: Change[] = [];
  let bytes = 0;
  for (const r of rows) {
    const change: Change = {
      revision: Number(r.revision),
      kind: r.kind,
      key: r.key,
      op: r.op,
      reason: r.reason,
      data: r.data,
    };
    bytes += JSON.stringify(change).length;
    if (changes.length > 0 && bytes > TARGET_BYTES) break;
    changes.push(change);
  }
  const unopened = await openSiteSecrets(tx, sealing, tenantId, changes);
  const toRevision = changes.at(-1)?.revision ?? since;
  const currentRevision = Math.max(current, toRevision);
  return { kind: "changes", sinceRevision: since, toRevision, currentRevision, changes, unopened };
}

function chunk(entries: StateEntry[]): StateEntry[][] {
  const parts: StateEntry[][] = [];
  let part: StateEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = JSON.stringify(e).length;
    if (part.length > 0 && (part.length >= MAX_BATCH || bytes + size > TARGET_BYTES)) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(e);
    bytes += size;
  }
  parts.push(part);
  return parts;
}

/**
 * Drops log rows older than the retention: an agent that comes back later than that is given
 * a snapshot instead (answerSyncRequest sees the gap). Returns how many were dropped.
 */
export async function pruneRevisionLog(tx: Tx, tenantId: string, retentionDays: number, now: Date): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  return rowsOf(
    await tx.execute(
      sql`delete from site_changes where tenant_id = ${tenantId} and created_at < ${before.toISOString()}::timestamptz returning 1`,
    ),
  ).length;
}
