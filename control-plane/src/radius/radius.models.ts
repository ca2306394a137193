// Pure rules of the network pages: how long a session lasted, what the newest enforcement
// outcome says about the subscription's current status, what a kick's answer says, and the
// daily usage series of the chart.

/** Seconds a session has lasted: until now while online, else until it ended. */
export function sessionSeconds(
  s: { status: string; startedAt: Date; stoppedAt: Date | null; lastUpdateAt: Date; sessionTime: number },
  now: Date,
): number {
  const end = s.status === "online" ? now : (s.stoppedAt ?? s.lastUpdateAt);
  return Math.max(s.sessionTime, Math.floor((end.getTime() - s.startedAt.getTime()) / 1000), 0);
}

export interface EnforcementEvent {
  siteId: string;
  revision: number;
  reason: string;
  action: "coa" | "disconnect" | "none";
  outcome: "ack" | "nak" | "timeout" | "reauth" | "not_online" | "no_nas";
  attempts: number;
  errorCause: number | null;
  errorCauseName: string | null;
  detail: string | null;
  completedAt: Date;
}

export interface SubscriberChange {
  siteId: string;
  revision: number;
  op: "upsert" | "delete";
  reason: string | null;
  createdAt: Date;
}

/**
 * The changes the agent acts on (agent/src/enforcement/decide.ts): a new status (isolated,
 * restored, off the network) or a new rate. Others (a new subscriber, a renamed plan) apply at
 * the next login and never get an outcome, so waiting for one would wait forever.
 */
const ENFORCED = new Set(["isolated", "restored", "suspended", "terminated", "plan_changed"]);

/**
 * The newest change that must be enforced, from the subscriber's changes newest first: one the
 * agent acts on, at a site where the subscriber was on the network before it (a change after a
 * removal, such as terminating a suspended subscription, has nothing to act on).
 */
export function changeToEnforce(changes: readonly SubscriberChange[]): SubscriberChange | null {
  const i = changes.findIndex((c) => c.reason !== null && ENFORCED.has(c.reason));
  const change = changes[i];
  const before = changes[i + 1];
  if (!change || !before || before.op !== "upsert" || before.siteId !== change.siteId) return null;
  return change;
}

export type EnforcementTone = "enforced" | "next_login" | "not_enforced" | "waiting" | "none";

export interface EnforcementJudgement {
  tone: EnforcementTone;
  /** The change the shown outcome is about, or the one still without an outcome. */
  change: SubscriberChange | null;
  /** Whether the newest outcome answers the change to enforce (false: waiting for the site). */
  current: boolean;
}

/**
 * An outcome answers a change when the agent had applied that change's revision at the same
 * site when it acted; across a move to another site, when it came after the change.
 */
const answers = (event: EnforcementEvent, change: SubscriberChange) =>
  event.siteId === change.siteId ? event.revision >= change.revision : event.completedAt >= change.createdAt;

/** Only a router's ACK or an observed re-login say the network follows (DESIGN §2.1). */
export function judgeEnforcement(
  event: EnforcementEvent | null,
  change: SubscriberChange | null,
): EnforcementJudgement {
  if (change && (!event || !answers(event, change))) return { tone: "waiting", change, current: false };
  if (!event) return { tone: "none", change: null, current: false };
  const tone: EnforcementTone =
    event.outcome === "ack" || event.outcome === "reauth"
      ? "enforced"
      : event.outcome === "not_online"
        ? "next_login"
        : "not_enforced";
  return { tone, change, current: change !== null };
}

export type KickAnswer =
  | { outcome: "ack" | "timeout" | "no_nas"; attempts: number }
  | { outcome: "nak"; attempts: number; errorCause: number | null; errorCauseName: string | null }
  | { outcome: "unknown" };

/** The agent's answer to a kick (agent/src/enforcement/kick.ts), read defensively. */
export function readKickAnswer(result: unknown): KickAnswer {
  const r = typeof result === "object" && result !== null ? (result as Record<string, unknown>) : {};
  const attempts = typeof r.attempts === "number" && Number.isFinite(r.attempts) ? r.attempts : 0;
  if (r.outcome === "ack" || r.outcome === "timeout" || r.outcome === "no_nas") return { outcome: r.outcome, attempts };
  if (r.outcome === "nak") {
    return {
      outcome: "nak",
      attempts,
      errorCause: typeof r.errorCause === "number" ? r.errorCause : null,
      errorCauseName: typeof r.errorCauseName === "string" ? r.errorCauseName : null,
    };
  }
  return { outcome: "unknown" };
}

/** `YYYY-MM-DD` of the `days` calendar days ending with `today`, oldest first. */
export function lastDays(today: string, days: number): string[] {
  const end = Date.parse(`${today}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) => new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

export interface DayUsage {
  day: string;
  download: number;
  upload: number;
}

/** The chart's series: every day of the window, zero where nothing was counted. */
export function usageSeries(days: readonly string[], counted: readonly DayUsage[]): DayUsage[] {
  const byDay = new Map(counted.map((u) => [u.day, u] as const));
  return days.map((day) => byDay.get(day) ?? { day, download: 0, upload: 0 });
}
