import type { Logger } from "@kilusi/shared/logger";
import type { JournalRecord } from "@kilusi/shared/sync/messages";
import { sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { enforcementJournal, radiusJournal } from "../radius/radius-ingest.ts";

export interface IngestContext {
  tenantId: string;
  siteId: string;
  agentId: string;
}

/**
 * What a kind of journal record does in the cloud beyond being kept, run in the ingest
 * transaction for records seen for the first time only — so each takes effect exactly once.
 * Keyed by the kind's first segment (`agent`, `radius`, …). A handler must not throw for a record
 * it cannot apply (the batch would roll back and the agent resend it forever): it logs the
 * record on `log` and skips it.
 */
export type JournalHandler = (tx: Tx, ctx: IngestContext, records: JournalRecord[], log: Logger) => Promise<void>;

const agentEvents: JournalHandler = async (tx, ctx, records) => {
  const alerts = records.filter((r) => r.kind === "agent.alert" || r.kind === "agent.event");
  if (alerts.length === 0) return;
  await tx.execute(sql`
    insert into site_events (tenant_id, site_id, agent_id, kind, detail, at)
    select ${ctx.tenantId}, ${ctx.siteId}, ${ctx.agentId}, r.kind, r.data, r.at
    from jsonb_to_recordset(${JSON.stringify(alerts)}::jsonb) as r(kind text, data jsonb, at timestamptz)`);
};

export const journalHandlers: Record<string, JournalHandler> = {
  agent: agentEvents,
  radius: radiusJournal,
  enforcement: enforcementJournal,
};

/**
 * Stores a batch idempotently: a record already stored under `(agent_id, seq)` is skipped, so
 * a batch sent again after a lost ack changes nothing. One statement for the whole batch.
 * Returns how many were new. The caller commits, then acks every seq of the batch.
 */
export async function ingestJournal(
  tx: Tx,
  ctx: IngestContext,
  records: JournalRecord[],
  log: Logger,
  handlers: Record<string, JournalHandler> = journalHandlers,
): Promise<number> {
  const inserted = rowsOf<{ seq: string | number }>(
    await tx.execute(sql`
      insert into journal_records (tenant_id, agent_id, seq, site_id, kind, recorded_at, data)
      select ${ctx.tenantId}, ${ctx.agentId}, r.seq, ${ctx.siteId}, r.kind, r.at, r.data::jsonb
      -- json, not jsonb: the batch is read once instead of built as jsonb and taken apart again.
      from json_to_recordset(${JSON.stringify(records)}::json) as r(seq bigint, kind text, at timestamptz, data json)
      on conflict do nothing
      returning seq`),
  );
  if (inserted.length === 0) return 0;
  const fresh = new Set(inserted.map((r) => Number(r.seq)));
  const byHandler = new Map<JournalHandler, JournalRecord[]>();
  for (const record of records) {
    if (!fresh.has(record.seq)) continue;
    const handler = handlers[record.kind.split(".")[0] as string];
    if (!handler) continue;
    const list = byHandler.get(handler) ?? [];
    list.push(record);
    byHandler.set(handler, list);
  }
  for (const [handler, list] of byHandler) await handler(tx, ctx, list, log);
  return inserted.length;
}

/** The seqs of a batch as inclusive ranges, for the ack. */
export function seqRanges(seqs: number[]): [number, number][] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const s of sorted) {
    const last = ranges.at(-1);
    if (last && s === last[1] + 1) last[1] = s;
    else ranges.push([s, s]);
  }
  return ranges;
}
