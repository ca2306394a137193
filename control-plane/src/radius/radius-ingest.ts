import type { Logger } from "@kilusi/shared/logger";
import type { JournalRecord } from "@kilusi/shared/sync/messages";
import { parseRecordData, type RecordKind, type RecordOf } from "@kilusi/shared/sync/radius-records";
import { sql } from "drizzle-orm";
import type { IngestContext, JournalHandler } from "../sync/journal-ingest.ts";
import type { AccountingRow } from "./accounting.models.ts";
import { applyAccounting, closeSessions } from "./accounting-ingest.ts";
import { inetOrNull, instantOrNull, int4, int4OrNull, jsonRows, macOrNull, uuidOrNull } from "./record-values.ts";
import { type Activation, activateVouchers } from "./voucher-activation.ts";

// The journal handlers of the `radius` and `enforcement` kinds (sync/journal-ingest.ts): each
// record is parsed with the contract's schema and checked against what PostgreSQL accepts; one
// that fails either is logged with its kind and seq and skipped (it stays in journal_records),
// never thrown: a throw would roll back the batch and the agent would send it again forever.

type Parsed<T> = { ok: true; value: T } | { ok: false; detail: string };

function skip(log: Logger, ctx: IngestContext, record: JournalRecord, detail: string) {
  log.warn(
    { tenantId: ctx.tenantId, siteId: ctx.siteId, agentId: ctx.agentId, kind: record.kind, seq: record.seq, detail },
    "journal record skipped",
  );
}

/** Parses a record, then maps it to what the statements take; either may refuse it. */
function read<K extends RecordKind, T>(
  kind: K,
  record: JournalRecord,
  map: (value: RecordOf<K>) => Parsed<T>,
): Parsed<T> {
  const parsed = parseRecordData(kind, record.data);
  return parsed.ok ? map(parsed.value) : parsed;
}

const refuse = (detail: string) => ({ ok: false as const, detail });

function accountingRow(record: JournalRecord): Parsed<AccountingRow & { data: unknown }> {
  return read("radius.accounting", record, (a) => {
    const nasId = uuidOrNull(a.nasId);
    if (!nasId) return refuse("nasId: not a uuid");
    const eventAt = instantOrNull(a.eventAt);
    if (!eventAt) return refuse("eventAt: out of range");
    return {
      ok: true,
      value: {
        seq: record.seq,
        uniqueId: a.uniqueId,
        nasId,
        nasIp: inetOrNull(a.nasIp),
        statusType: a.statusType,
        sessionId: a.sessionId,
        userName: a.userName,
        subscriptionId: uuidOrNull(a.subscriptionId),
        voucherCode: a.voucherCode,
        framedIp: inetOrNull(a.framedIp),
        callingStationId: a.callingStationId,
        nasPortId: a.nasPortId,
        sessionTime: a.sessionTime === null ? null : int4(a.sessionTime),
        inputOctets: a.inputOctets,
        outputOctets: a.outputOctets,
        terminateCause: a.terminateCause,
        eventAt,
        data: record.data,
      },
    };
  });
}

function closedSession(record: JournalRecord) {
  return read("radius.session_closed", record, (c) => {
    const nasId = uuidOrNull(c.nasId);
    const closedAt = instantOrNull(c.closedAt);
    if (!nasId) return refuse("nasId: not a uuid");
    if (!closedAt) return refuse("closedAt: out of range");
    return { ok: true, value: { nasId, sessionId: c.sessionId, reason: c.reason, closedAt } };
  });
}

function activation(record: JournalRecord): Parsed<Activation> {
  return read("radius.voucher_activated", record, (v) => {
    const voucherId = uuidOrNull(v.voucherId);
    const activatedAt = instantOrNull(v.activatedAt);
    const expiresAt = instantOrNull(v.expiresAt);
    if (!voucherId) return refuse("voucherId: not a uuid");
    if (!activatedAt || !expiresAt) return refuse("activatedAt/expiresAt: out of range");
    if (expiresAt < activatedAt) return refuse("expiresAt: before activatedAt");
    // A MAC the router wrote oddly does not undo the activation; the binding is then unknown.
    return {
      ok: true,
      value: { seq: record.seq, voucherId, activatedAt, expiresAt, mac: macOrNull(v.mac), nasId: v.nasId },
    };
  });
}

/** `radius.*`: accounting, sessions the agent closed, vouchers' first logins. */
export const radiusJournal: JournalHandler = async (tx, ctx, records, log) => {
  const accounting: (AccountingRow & { data: unknown })[] = [];
  const closed: { nasId: string; sessionId: string; reason: "stale" | "nas_restart"; closedAt: string }[] = [];
  const activations: Activation[] = [];
  for (const record of records) {
    const result =
      record.kind === "radius.accounting"
        ? accountingRow(record)
        : record.kind === "radius.session_closed"
          ? closedSession(record)
          : record.kind === "radius.voucher_activated"
            ? activation(record)
            : refuse("unknown kind");
    if (!result.ok) {
      skip(log, ctx, record, result.detail);
      continue;
    }
    if (record.kind === "radius.accounting") accounting.push(result.value as (typeof accounting)[number]);
    else if (record.kind === "radius.session_closed") closed.push(result.value as (typeof closed)[number]);
    else activations.push(result.value as Activation);
  }
  if (accounting.length > 0) await applyAccounting(tx, ctx, accounting);
  await closeSessions(tx, ctx, closed);
  await activateVouchers(tx, ctx, activations);
};

/** `enforcement.outcome`: what the network did after a subscriber's change, for its page. */
export const enforcementJournal: JournalHandler = async (tx, ctx, records, log) => {
  const rows: Record<string, unknown>[] = [];
  for (const record of records) {
    const result =
      record.kind === "enforcement.outcome"
        ? read("enforcement.outcome", record, (e) => {
            const subscriptionId = uuidOrNull(e.subscriptionId);
            const requestedAt = instantOrNull(e.requestedAt);
            const completedAt = instantOrNull(e.completedAt);
            if (!subscriptionId) return refuse("subscriptionId: not a uuid");
            if (!requestedAt || !completedAt) return refuse("requestedAt/completedAt: out of range");
            return {
              ok: true,
              value: {
                subscription_id: subscriptionId,
                revision: e.revision,
                reason: e.reason,
                action: e.action,
                outcome: e.outcome,
                session_id: e.sessionId,
                nas_id: uuidOrNull(e.nasId),
                attempts: int4(e.attempts),
                error_cause: int4OrNull(e.errorCause),
                error_cause_name: e.errorCauseName,
                detail: e.detail,
                requested_at: requestedAt,
                completed_at: completedAt,
              },
            };
          })
        : refuse("unknown kind");
    if (result.ok) rows.push(result.value);
    else skip(log, ctx, record, result.detail);
  }
  if (rows.length === 0) return;
  await tx.execute(sql`
    insert into enforcement_events (tenant_id, site_id, subscription_id, revision, reason, action, outcome,
      session_id, nas_id, attempts, error_cause, error_cause_name, detail, requested_at, completed_at)
    select ${ctx.tenantId}, ${ctx.siteId}, r.subscription_id, r.revision, r.reason, r.action, r.outcome,
      r.session_id, r.nas_id, r.attempts, r.error_cause, r.error_cause_name, r.detail, r.requested_at, r.completed_at
    from ${jsonRows(rows)} as r(subscription_id uuid, revision bigint, reason text,
      action text, outcome text, session_id text, nas_id uuid, attempts integer, error_cause integer,
      error_cause_name text, detail text, requested_at timestamptz, completed_at timestamptz)`);
};
