// Pure rules of the sites pages: whether an agent counts as online, what a command's state is,
// and what a diagnostics result says, read defensively (the agent wrote it; we show it).

/**
 * Three missed heartbeats at the agent's default 30 s. The `online` flag only changes on a
 * presence message; a broker that never delivered the last will, or a cloud replica that was
 * down, leaves it true. Silence this long means the agent is not there, whatever the flag says.
 */
export const HEARTBEAT_STALE_MS = 90_000;

/** none: no agent; stale: the flag says online but no heartbeat came for too long. */
export type Presence = "none" | "online" | "offline" | "stale";

export function presenceOf(agent: { online: boolean; lastSeenAt: Date | null } | null, now: Date): Presence {
  if (!agent) return "none";
  if (!agent.online) return "offline";
  if (agent.lastSeenAt && now.getTime() - agent.lastSeenAt.getTime() <= HEARTBEAT_STALE_MS) return "online";
  return "stale";
}

/** Percent of the journal's cap in use, one decimal; null when the agent reported no cap. */
export function journalPercent(bytes: number, capBytes: number): number | null {
  if (capBytes <= 0) return null;
  return Math.round((bytes * 1000) / capBytes) / 10;
}

export type CommandState = "waiting" | "ok" | "failed" | "expired";

/** An answer wins over the deadline: the agent refuses a late command itself, as a failure. */
export function commandState(
  command: { completedAt: Date | null; ok: boolean | null; notAfter: Date },
  now: Date,
): CommandState {
  if (command.completedAt) return command.ok ? "ok" : "failed";
  return now.getTime() > command.notAfter.getTime() ? "expired" : "waiting";
}

/** The error an agent answered with; a malformed one still says something. */
export function commandError(error: unknown): { code: string; message: string } {
  const e = isRecord(error) ? error : {};
  return { code: typeof e.code === "string" ? e.code : "", message: typeof e.message === "string" ? e.message : "" };
}

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const instant = (v: unknown): Date | null => {
  const s = str(v);
  if (s === null) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
};
/** By key: jsonb keeps no order of its own, and a list that reshuffles between answers misleads. */
const counts = (v: unknown): [string, number | null][] =>
  isRecord(v)
    ? Object.entries(v)
        .map(([k, n]) => [k, num(n)] as [string, number | null])
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    : [];

/** What the agent's `diagnostics` handler reports (agent/src/agent.ts); every field may be missing. */
export interface Diagnostics {
  agentVersion: string | null;
  protocol: number | null;
  startedAt: Date | null;
  uptimeSeconds: number | null;
  appliedRevision: number | null;
  journal: { backlog: number | null; bytes: number | null; capBytes: number | null; oldestAt: Date | null };
  store: { bytes: number | null; entries: [kind: string, count: number | null][] };
  clock: { now: Date | null; skewMs: number | null; rttMs: number | null };
  rejectedMessages: [reason: string, count: number | null][];
  runtime: { bun: string | null; os: string | null; arch: string | null };
  /** Keys this page does not know (a newer agent), shown as compact JSON. */
  other: [key: string, json: string][];
}

const KNOWN = new Set([
  "agentVersion",
  "protocol",
  "startedAt",
  "uptimeSeconds",
  "appliedRevision",
  "journal",
  "store",
  "clock",
  "rejectedMessages",
  "runtime",
]);

export function readDiagnostics(result: unknown): Diagnostics {
  const r = isRecord(result) ? result : {};
  const journal = isRecord(r.journal) ? r.journal : {};
  const store = isRecord(r.store) ? r.store : {};
  const clock = isRecord(r.clock) ? r.clock : {};
  const runtime = isRecord(r.runtime) ? r.runtime : {};
  return {
    agentVersion: str(r.agentVersion),
    protocol: num(r.protocol),
    startedAt: instant(r.startedAt),
    uptimeSeconds: num(r.uptimeSeconds),
    appliedRevision: num(r.appliedRevision),
    journal: {
      backlog: num(journal.backlog),
      bytes: num(journal.bytes),
      capBytes: num(journal.capBytes),
      oldestAt: instant(journal.oldestAt),
    },
    store: { bytes: num(store.bytes), entries: counts(store.entries) },
    clock: { now: instant(clock.now), skewMs: num(clock.skewMs), rttMs: num(clock.rttMs) },
    rejectedMessages: counts(r.rejectedMessages),
    runtime: { bun: str(runtime.bun), os: str(runtime.os), arch: str(runtime.arch) },
    other: Object.entries(r)
      .filter(([k]) => !KNOWN.has(k))
      .map(([k, v]) => [k, compactJson(v)]),
  };
}

/** JSON for people, cut short: a result is bounded by the message size, a page should be less. */
export function compactJson(value: unknown, max = 200): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A duration in its two largest non-zero units: [[2, "d"], [3, "h"]]; [[0, "s"]] for nothing. */
export function durationParts(seconds: number): [number, "d" | "h" | "m" | "s"][] {
  let rest = Math.max(0, Math.floor(seconds));
  const parts: [number, "d" | "h" | "m" | "s"][] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (unit === "s" && parts.length === 0)) parts.push([n, unit]);
  }
  return parts.slice(0, 2);
}
