// Pure rules of accounting in the cloud: how the requests of one batch fold into one change per
// router session, so the session upsert is one statement with one row per session (PostgreSQL
// refuses to touch a row twice in a statement) whatever order Start, Interim-Update and Stop
// came in.

/** One Accounting-Request as ingest keeps it: values already checked for PostgreSQL. */
export interface AccountingRow {
  seq: number;
  uniqueId: string;
  nasId: string;
  nasIp: string | null;
  statusType: "Start" | "Interim-Update" | "Stop" | "Accounting-On" | "Accounting-Off";
  sessionId: string | null;
  userName: string | null;
  subscriptionId: string | null;
  voucherCode: string | null;
  framedIp: string | null;
  callingStationId: string | null;
  nasPortId: string | null;
  sessionTime: number | null;
  inputOctets: number;
  outputOctets: number;
  terminateCause: string | null;
  /** UTC ISO text (`toISOString`), so text order is time order. */
  eventAt: string;
}

/** What one batch says about one session (NAS, Acct-Session-Id). */
export interface SessionDelta {
  nasId: string;
  sessionId: string;
  /** The Start's time when the batch has the Start. */
  startAt: string | null;
  /** The Start's time, else the earliest record's time minus its session time. */
  startedAt: string;
  lastAt: string;
  stopAt: string | null;
  terminateCause: string | null;
  inputOctets: number;
  outputOctets: number;
  sessionTime: number;
  nasIp: string | null;
  userName: string | null;
  subscriptionId: string | null;
  voucherCode: string | null;
  framedIp: string | null;
  callingStationId: string | null;
  nasPortId: string | null;
}

const minus = (iso: string, seconds: number) => new Date(new Date(iso).getTime() - seconds * 1000).toISOString();
const earlier = (a: string, b: string) => (b < a ? b : a);
const later = (a: string, b: string) => (b > a ? b : a);

/**
 * One delta per session, from the session requests of a batch (On/Off and requests without a
 * session id have none). In time order a Start after the session's other records is a new
 * session that reuses the id (a NAS counts ids again after a reboot): the later one wins, the
 * earlier one stays in radius_accounting only.
 */
export function sessionDeltas(rows: readonly AccountingRow[]): SessionDelta[] {
  const sorted = rows
    .filter(
      (r) =>
        r.sessionId !== null &&
        (r.statusType === "Start" || r.statusType === "Interim-Update" || r.statusType === "Stop"),
    )
    .sort((a, b) => (a.eventAt < b.eventAt ? -1 : a.eventAt > b.eventAt ? 1 : a.seq - b.seq));
  const deltas = new Map<string, SessionDelta>();
  for (const r of sorted) {
    const sessionId = r.sessionId as string;
    const key = `${r.nasId} ${sessionId}`;
    const isStart = r.statusType === "Start";
    const startedAt = isStart ? r.eventAt : minus(r.eventAt, r.sessionTime ?? 0);
    let d = deltas.get(key);
    if (!d || (isStart && r.eventAt > d.lastAt)) {
      d = {
        nasId: r.nasId,
        sessionId,
        startAt: null,
        startedAt,
        lastAt: r.eventAt,
        stopAt: null,
        terminateCause: null,
        inputOctets: 0,
        outputOctets: 0,
        sessionTime: 0,
        nasIp: null,
        userName: null,
        subscriptionId: null,
        voucherCode: null,
        framedIp: null,
        callingStationId: null,
        nasPortId: null,
      };
      deltas.set(key, d);
    }
    if (isStart) d.startAt = d.startAt === null ? r.eventAt : earlier(d.startAt, r.eventAt);
    d.startedAt = earlier(d.startedAt, startedAt);
    d.lastAt = later(d.lastAt, r.eventAt);
    if (r.statusType === "Stop") {
      d.stopAt = d.stopAt === null ? r.eventAt : later(d.stopAt, r.eventAt);
      d.terminateCause = r.terminateCause ?? d.terminateCause;
    }
    // Counters only grow: a retransmitted interim older than the newest changes nothing.
    d.inputOctets = Math.max(d.inputOctets, r.inputOctets);
    d.outputOctets = Math.max(d.outputOctets, r.outputOctets);
    d.sessionTime = Math.max(d.sessionTime, r.sessionTime ?? 0);
    d.nasIp = r.nasIp ?? d.nasIp;
    d.userName = r.userName ?? d.userName;
    d.subscriptionId = r.subscriptionId ?? d.subscriptionId;
    d.voucherCode = r.voucherCode ?? d.voucherCode;
    d.framedIp = r.framedIp ?? d.framedIp;
    d.callingStationId = r.callingStationId ?? d.callingStationId;
    d.nasPortId = r.nasPortId ?? d.nasPortId;
  }
  return [...deltas.values()];
}

/** Per NAS, the times it said Accounting-On or -Off (rebooted): its sessions before then are over. */
export function nasRestarts(rows: readonly AccountingRow[]): { nasId: string; at: string }[] {
  return rows
    .filter((r) => r.statusType === "Accounting-On" || r.statusType === "Accounting-Off")
    .map((r) => ({ nasId: r.nasId, at: r.eventAt }));
}
