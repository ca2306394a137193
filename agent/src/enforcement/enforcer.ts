/**
 * The enforcement loop (issue 6 §8): a subscriber's change applied to the site's store →
 * Disconnect (so the client re-dials into the new policy) or CoA (a new rate) to each of its
 * sessions' NAS → the outcome journaled as `enforcement.outcome` for the cloud. Only a verified
 * ACK or an Access-Accept observed after the change say the network follows it; a timeout is
 * reported as one.
 *
 * The work queue lives in memory: changes applied while the agent was running but not yet acted
 * on when it stops are lost on restart, and the cloud shows them without an outcome (the next
 * login of those subscribers still gets the new policy from the store).
 */
import type { Logger } from "@kilusi/shared/logger";
import type { EnforcementRecord } from "@kilusi/shared/sync/radius-records";
import type { AgentConfig } from "../config/config.ts";
import { CoaClient, type CoaResult } from "../radius/coa/coa-client.ts";
import type { AccessAccepted } from "../radius/server/radius-server.ts";
import type { LocalSession, SessionTable } from "../radius/sessions/session-table.ts";
import type { Journal } from "../store/journal.ts";
import type { AppliedChange, DesiredStateStore } from "../store/store.ts";
import { type Decision, decide } from "./decide.ts";
import { kickHandler } from "./kick.ts";
import { Limiter } from "./limiter.ts";
import { nasTargets } from "./nas-targets.ts";
import { OutcomeJournal } from "./outcome-journal.ts";
import { type PendingReauth, ReauthWatch } from "./reauth-watch.ts";
import { sendToNas } from "./send.ts";

/** Requests to routers in flight at once: a plan edit touching thousands must not flood a NAS. */
export const DEFAULT_CONCURRENCY = 16;
/** How long after a change a login of its subscriber still counts as the observed re-auth. */
export const DEFAULT_REAUTH_WINDOW_MS = 10 * 60_000;

export interface AcceptSource {
  onAccessAccepted(listener: (event: AccessAccepted) => void): () => void;
}

export interface EnforcerOptions {
  store: DesiredStateStore;
  sessions: SessionTable;
  journal: Pick<Journal, "append">;
  radiusServer: AcceptSource;
  client: CoaClient;
  logger: Logger;
  concurrency?: number;
  reauthWindowMs?: number;
}

type Base = Pick<EnforcementRecord, "subscriptionId" | "revision" | "reason" | "action" | "requestedAt">;

export class Enforcer {
  private readonly limiter: Limiter;
  private readonly outcomes: OutcomeJournal;
  private readonly reauth: ReauthWatch;
  /** Work per subscription runs in order (isolated then restored must not cross on the wire). */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;

  constructor(private readonly o: EnforcerOptions) {
    this.limiter = new Limiter(o.concurrency ?? DEFAULT_CONCURRENCY);
    this.outcomes = new OutcomeJournal(o.journal, o.logger);
    this.reauth = new ReauthWatch(o.reauthWindowMs ?? DEFAULT_REAUTH_WINDOW_MS, (pending, nasId, at) =>
      // Behind the work of the same subscription, so the re-auth follows the ACK in the journal.
      this.enqueue(pending.subscriptionId, () => this.reauthSeen(pending, nasId, at)),
    );
    this.unsubscribe.push(
      o.store.onApplied((changes, revision) => this.onApplied(changes, revision)),
      o.radiusServer.onAccessAccepted((event) => this.reauth.accepted(event.subscriptionId, event.nasId, event.at)),
    );
  }

  /** Resolves when every change handed over so far has been acted on and journaled. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }

  /**
   * Stops taking changes and drops the work not done: nothing more is sent or journaled (a
   * request cut short by the CoA client closing is not a timeout the NAS earned).
   */
  close(): void {
    this.closed = true;
    for (const off of this.unsubscribe.splice(0)) off();
    this.reauth.close();
  }

  private onApplied(changes: readonly AppliedChange[], revision: number): void {
    if (this.closed) return;
    const requestedAt = new Date().toISOString();
    for (const change of changes) {
      const decision = decide(change);
      if (!decision) continue;
      this.enqueue(change.key, () => this.enforce({ subscriptionId: change.key, revision, requestedAt }, decision));
    }
  }

  private enqueue(subscriptionId: string, job: () => Promise<void>): void {
    const run = (this.chains.get(subscriptionId) ?? Promise.resolve())
      .then(job)
      .catch((error) => this.o.logger.error({ subscriptionId, err: String(error) }, "enforcement failed"))
      .finally(() => {
        if (this.chains.get(subscriptionId) === run) this.chains.delete(subscriptionId);
      });
    this.chains.set(subscriptionId, run);
  }

  private async enforce(
    change: Pick<EnforcementRecord, "subscriptionId" | "revision" | "requestedAt">,
    decision: NonNullable<Decision>,
  ): Promise<void> {
    if (this.closed) return;
    const base: Base = { ...change, reason: decision.reason, action: decision.action };
    const sessions = this.o.sessions.forSubscription(change.subscriptionId);
    if (sessions.length === 0) {
      await this.outcomes.record(outcome(base, { outcome: "not_online" }));
      return;
    }
    // Any login from now on gets the new policy from the store: that is the re-auth to observe.
    if (decision.action === "disconnect") this.reauth.watch(base);
    await Promise.all(sessions.map((session) => this.limiter.run(() => this.enforceSession(base, decision, session))));
  }

  private async enforceSession(base: Base, decision: NonNullable<Decision>, session: LocalSession): Promise<void> {
    if (this.closed) return;
    const where = { sessionId: session.sessionId, nasId: session.nasId };
    const targets = nasTargets(this.o.store, session.nasId, new Date());
    if (!targets) {
      await this.outcomes.record(
        outcome(base, { ...where, outcome: "no_nas", detail: `NAS ${session.nasId} is not in the site's state` }),
      );
      return;
    }
    if (decision.action === "coa") {
      const coa = await sendToNas(this.o.client, targets, "coa", session, [
        ["Mikrotik-Rate-Limit", decision.rateLimit],
      ]);
      if (this.closed) return;
      await this.outcomes.record(outcome(base, { ...where, ...fromResult(coa) }));
      if (coa.outcome === "ack") return;
      // Unanswered: a login seen later still proves the new rate (it comes with the login).
      this.reauth.watch({ ...base, action: coa.outcome === "timeout" ? "coa" : "disconnect" });
      if (coa.outcome === "timeout") return;
      // A NAK says this session cannot take the new rate in place; a fresh login gets it.
    }
    const disconnect = await sendToNas(this.o.client, targets, "disconnect", session);
    if (disconnect.outcome === "ack") this.o.sessions.remove(session.nasId, session.sessionId);
    if (this.closed) return;
    await this.outcomes.record(
      outcome(
        { ...base, action: "disconnect" },
        {
          ...where,
          ...fromResult(disconnect),
          detail: decision.action === "coa" ? withDetail("after CoA-NAK", disconnect.detail) : disconnect.detail,
        },
      ),
    );
  }

  private async reauthSeen(pending: PendingReauth, nasId: string, at: Date): Promise<void> {
    if (this.closed) return;
    await this.outcomes.record({
      ...pending,
      outcome: "reauth",
      sessionId: null,
      nasId,
      attempts: 0,
      errorCause: null,
      errorCauseName: null,
      detail: null,
      completedAt: at.toISOString(),
    });
  }
}

const withDetail = (a: string, b: string | null) => (b ? `${a}: ${b}` : a);

function fromResult(r: CoaResult) {
  return {
    outcome: r.outcome,
    attempts: r.attempts,
    errorCause: r.errorCause,
    errorCauseName: r.errorCauseName,
    detail: r.detail,
  };
}

function outcome(
  base: Base,
  r: Partial<Omit<EnforcementRecord, keyof Base | "completedAt">> & Pick<EnforcementRecord, "outcome">,
): EnforcementRecord {
  return {
    ...base,
    sessionId: null,
    nasId: null,
    attempts: 0,
    errorCause: null,
    errorCauseName: null,
    detail: null,
    ...r,
    completedAt: new Date().toISOString(),
  };
}

export interface Enforcement {
  /** The `kick` command's handler, sharing the loop's CoA client. */
  kick: ReturnType<typeof kickHandler>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The loop and the `kick` command on one CoA client, with the agent's `coa.*` settings. */
export function startEnforcement(o: {
  store: DesiredStateStore;
  sessions: SessionTable;
  journal: Pick<Journal, "append">;
  radiusServer: AcceptSource;
  config: Pick<AgentConfig, "coa" | "radius">;
  logger: Logger;
}): Enforcement {
  const logger = o.logger.child({ component: "enforcement" });
  const client = new CoaClient({
    timeoutMs: o.config.coa.timeoutMs,
    retries: o.config.coa.retries,
    bind: o.config.radius.bind,
    logger,
  });
  const enforcer = new Enforcer({ ...o, client, logger });
  return {
    kick: kickHandler({ store: o.store, sessions: o.sessions, journal: o.journal, client, logger }),
    idle: () => enforcer.idle(),
    close: async () => {
      enforcer.close();
      await client.close();
      await enforcer.idle();
    },
  };
}
