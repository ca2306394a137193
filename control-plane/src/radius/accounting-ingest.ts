import { sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import type { IngestContext } from "../sync/journal-ingest.ts";
import { type AccountingRow, nasRestarts, sessionDeltas } from "./accounting.models.ts";
import { jsonRows } from "./record-values.ts";
import { exhaustVouchers } from "./voucher-exhaustion.ts";

// Accounting in the cloud (issue 6 §6): each request stored once, by its identity across
// retransmits and agent restarts, and only a request stored now moves its session. A batch is a
// handful of statements whatever its size; the session statements read the rows as JSON, like
// the journal insert does.

/** Stores the requests not stored yet; returns the unique ids that were new. */
async function storeRequests(
  tx: Tx,
  ctx: IngestContext,
  rows: readonly (AccountingRow & { data: unknown })[],
): Promise<Set<string>> {
  const payload = rows.map((r) => ({
    seq: r.seq,
    unique_id: r.uniqueId,
    nas_id: r.nasId,
    status_type: r.statusType,
    session_id: r.sessionId,
    user_name: r.userName,
    subscription_id: r.subscriptionId,
    input_octets: r.inputOctets,
    output_octets: r.outputOctets,
    event_at: r.eventAt,
    data: r.data,
  }));
  const inserted = rowsOf<{ unique_id: string }>(
    await tx.execute(sql`
      insert into radius_accounting (tenant_id, site_id, unique_id, agent_id, seq, nas_id, status_type, session_id,
                                     user_name, subscription_id, input_octets, output_octets, event_at, data)
      select ${ctx.tenantId}, ${ctx.siteId}, r.unique_id, ${ctx.agentId}, r.seq, r.nas_id, r.status_type, r.session_id,
             r.user_name, r.subscription_id, r.input_octets, r.output_octets, r.event_at, r.data::jsonb
      from ${jsonRows(payload)} as r(seq bigint, unique_id text, nas_id uuid, status_type text,
        session_id text, user_name text, subscription_id uuid, input_octets bigint, output_octets bigint,
        event_at timestamptz, data json)
      on conflict (tenant_id, site_id, unique_id) do nothing
      returning unique_id`),
  );
  return new Set(inserted.map((r) => r.unique_id));
}

/**
 * A Start later than everything its session id has seen is a new session reusing the id (NAS
 * counters restart after a reboot). The old row keeps its history under a key no NAS sends
 * (`<id>~<row id>`), so the new session gets a row of its own; one still online never got its
 * Stop and ends as stale at its last update.
 */
async function retireReusedIds(
  tx: Tx,
  ctx: IngestContext,
  starts: { nas_id: string; session_id: string; at: string }[],
) {
  if (starts.length === 0) return;
  await tx.execute(sql`
    update radius_sessions s
    set acct_session_id = s.acct_session_id || '~' || s.id::text,
        status = case when s.status = 'online' then 'stale' else s.status end,
        stopped_at = coalesce(s.stopped_at, s.last_update_at)
    from ${jsonRows(starts)} as r(nas_id uuid, session_id text, at timestamptz)
    where s.tenant_id = ${ctx.tenantId} and s.site_id = ${ctx.siteId}
      and s.nas_id = r.nas_id and s.acct_session_id = r.session_id
      and coalesce(s.stopped_at, s.last_update_at) < r.at`);
}

/**
 * One upsert for every session of the batch. Counters and the last update only grow, the start
 * only moves earlier; a Stop is final (an interim that arrives after it does not reopen it),
 * except that a session the agent gave up on as stale comes back online when it is heard from
 * after that. A NAS-Reboot close gives way to the real Stop when that arrives.
 */
async function upsertSessions(tx: Tx, ctx: IngestContext, rows: readonly AccountingRow[]) {
  const deltas = sessionDeltas(rows);
  if (deltas.length === 0) return;
  await retireReusedIds(
    tx,
    ctx,
    deltas.flatMap((d) => (d.startAt ? [{ nas_id: d.nasId, session_id: d.sessionId, at: d.startAt }] : [])),
  );
  const payload = deltas.map((d) => ({
    nas_id: d.nasId,
    nas_ip: d.nasIp,
    session_id: d.sessionId,
    user_name: d.userName,
    subscription_id: d.subscriptionId,
    voucher_code: d.voucherCode,
    framed_ip: d.framedIp,
    calling_station_id: d.callingStationId,
    nas_port_id: d.nasPortId,
    started_at: d.startedAt,
    last_at: d.lastAt,
    stop_at: d.stopAt,
    session_time: d.sessionTime,
    input_octets: d.inputOctets,
    output_octets: d.outputOctets,
    terminate_cause: d.terminateCause,
  }));
  const reopens = sql`(s.status = 'stale' and excluded.stopped_at is null and excluded.last_update_at > s.stopped_at)`;
  await tx.execute(sql`
    insert into radius_sessions as s (tenant_id, site_id, nas_id, nas_ip, acct_session_id, user_name, subscription_id,
      voucher_code, framed_ip, calling_station_id, nas_port_id, status, started_at, last_update_at, stopped_at,
      session_time, input_octets, output_octets, terminate_cause)
    select ${ctx.tenantId}, ${ctx.siteId}, r.nas_id, r.nas_ip, r.session_id, r.user_name, r.subscription_id,
      r.voucher_code, r.framed_ip, r.calling_station_id, r.nas_port_id,
      case when r.stop_at is null then 'online' else 'stopped' end, r.started_at, r.last_at, r.stop_at,
      r.session_time, r.input_octets, r.output_octets, r.terminate_cause
    from ${jsonRows(payload)} as r(nas_id uuid, nas_ip inet, session_id text, user_name text,
      subscription_id uuid, voucher_code text, framed_ip inet, calling_station_id text, nas_port_id text,
      started_at timestamptz, last_at timestamptz, stop_at timestamptz, session_time integer,
      input_octets bigint, output_octets bigint, terminate_cause text)
    on conflict (tenant_id, site_id, nas_id, acct_session_id) do update set
      nas_ip = coalesce(excluded.nas_ip, s.nas_ip),
      user_name = coalesce(excluded.user_name, s.user_name),
      subscription_id = coalesce(excluded.subscription_id, s.subscription_id),
      voucher_code = coalesce(excluded.voucher_code, s.voucher_code),
      framed_ip = coalesce(excluded.framed_ip, s.framed_ip),
      calling_station_id = coalesce(excluded.calling_station_id, s.calling_station_id),
      nas_port_id = coalesce(excluded.nas_port_id, s.nas_port_id),
      started_at = least(s.started_at, excluded.started_at),
      last_update_at = greatest(s.last_update_at, excluded.last_update_at),
      session_time = greatest(s.session_time, excluded.session_time),
      input_octets = greatest(s.input_octets, excluded.input_octets),
      output_octets = greatest(s.output_octets, excluded.output_octets),
      status = case
        when excluded.stopped_at is not null then 'stopped'
        when ${reopens} then 'online'
        else s.status end,
      stopped_at = case
        when excluded.stopped_at is not null and s.status = 'stopped' then least(s.stopped_at, excluded.stopped_at)
        when excluded.stopped_at is not null then excluded.stopped_at
        when ${reopens} then null
        else s.stopped_at end,
      terminate_cause = case
        when excluded.stopped_at is not null and s.status = 'stopped' and s.terminate_cause <> 'NAS-Reboot'
          then s.terminate_cause
        when excluded.stopped_at is not null then coalesce(excluded.terminate_cause, s.terminate_cause)
        when ${reopens} then null
        else s.terminate_cause end`);
}

/**
 * Accounting-On/Off: the NAS restarted, so every session it had online and has not mentioned
 * since is over. A session heard from after the restart (a new login in the same batch) stays.
 */
async function closeRestartedNas(tx: Tx, ctx: IngestContext, rows: readonly AccountingRow[]) {
  const restarts = nasRestarts(rows).map((r) => ({ nas_id: r.nasId, at: r.at }));
  if (restarts.length === 0) return;
  await tx.execute(sql`
    with r as (select * from ${jsonRows(restarts)} as r(nas_id uuid, at timestamptz))
    update radius_sessions s
    set status = 'stopped', terminate_cause = 'NAS-Reboot',
        stopped_at = (select min(r.at) from r where r.nas_id = s.nas_id and r.at >= s.last_update_at)
    where s.tenant_id = ${ctx.tenantId} and s.site_id = ${ctx.siteId} and s.status = 'online'
      and exists (select 1 from r where r.nas_id = s.nas_id and r.at >= s.last_update_at)`);
}

/** The accounting requests of one batch: stored once each; the new ones move their sessions. */
export async function applyAccounting(
  tx: Tx,
  ctx: IngestContext,
  rows: readonly (AccountingRow & { data: unknown })[],
): Promise<void> {
  // A request journaled twice in one batch (before and after an agent crash) counts once.
  const unique = [...new Map(rows.map((r) => [r.uniqueId, r] as const)).values()];
  const fresh = await storeRequests(tx, ctx, unique);
  if (fresh.size === 0) return;
  const stored = unique.filter((r) => fresh.has(r.uniqueId));
  await upsertSessions(tx, ctx, stored);
  await closeRestartedNas(tx, ctx, stored);
  await exhaustVouchers(tx, ctx, stored);
}

/** `radius.session_closed`: the agent gave up on a session (stale) or its NAS restarted. */
export async function closeSessions(
  tx: Tx,
  ctx: IngestContext,
  closed: readonly { nasId: string; sessionId: string; reason: "stale" | "nas_restart"; closedAt: string }[],
): Promise<void> {
  if (closed.length === 0) return;
  const payload = [...new Map(closed.map((c) => [`${c.nasId} ${c.sessionId}`, c] as const)).values()].map((c) => ({
    nas_id: c.nasId,
    session_id: c.sessionId,
    status: c.reason === "stale" ? "stale" : "stopped",
    cause: c.reason === "stale" ? null : "NAS-Reboot",
    closed_at: c.closedAt,
  }));
  // Only an online session, and only if nothing newer than the close was heard of it.
  await tx.execute(sql`
    update radius_sessions s
    set status = r.status, stopped_at = r.closed_at, terminate_cause = coalesce(r.cause, s.terminate_cause)
    from ${jsonRows(payload)} as r(nas_id uuid, session_id text, status text, cause text,
      closed_at timestamptz)
    where s.tenant_id = ${ctx.tenantId} and s.site_id = ${ctx.siteId}
      and s.nas_id = r.nas_id and s.acct_session_id = r.session_id
      and s.status = 'online' and s.last_update_at <= r.closed_at`);
}
