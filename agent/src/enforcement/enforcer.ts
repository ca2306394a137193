/**
 * The enforcement loop (issue 6 §8): a subscriber's change applied to the site's store →
 * Disconnect (so the client re-dials into the new policy) or CoA (a new rate) to each of its
 * sessions' NAS → the outcome journaled as `enforcement.outcome` for the cloud. Only a verified
 * ACK or an Access-Accept observed after the change say the network follows it; a timeout is
 * reported as one.
 *
 * What is owed is kept in the store (EnforcementQueue), written with the change it comes from
 * and deleted once acted on: a change applied but not yet acted on when the agent stops — or is
 * killed — is acted on when it starts again. (Killed after acting but before the delete, it is
 * sent once more: a Disconnect of a session already gone comes back as a NAK, and is reported
 * so.)
 */
import type { Logger } from "@kilusi/shared/logger";
import type { EnforcementRecord } from "@kilusi/shared/sync/radius-records";
import type { AgentConfig } from "../config/config.ts";
import { CoaClient, type CoaResult } from "../radius/coa/coa-client.ts";
import type { AccessAccepted } from "../radius/server/radius-server.ts";
import type { LocalSession, SessionTable } from "../radius/sessions/session-table.ts";
import type { Journal } from "../store/journal.ts";
import type { DesiredStateStore } from "../store/store.ts";
import type { Decision } from "./decide.ts";
import { EnforcementQueue, type QueuedEnforcement } from "./enforcement-queue.ts";
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
  private readonly queue: EnforcementQueue;
  /** The queue's rows up to this id are handed to `chains` already. */
  private queuedUpTo = 0;
  private closed = false;

  constructor(private readonly o: EnforcerOptions) {
    this.limiter = new Limiter(o.concurrency ?? DEFAULT_CONCURRENCY);
    this.outcomes = new OutcomeJournal(o.journal, o.logger);
    this.reauth = new ReauthWatch(o.reauthWindowMs ?? DEFAULT_REAUTH_WINDOW_MS, (pending, nasId, at) =>
      // Behind the work of the same subscription, so the re-auth follows the ACK in the journal.
      this.enqueue(pending.subscriptionId, () => this.reauthSeen(pending, nasId, at)),
    );
    this.queue = new EnforcementQueue(o.store.database);
    this.unsubscribe.push(
      o.store.onApplying((changes, revision) => this.queue.add(changes, revision, new Date().toISOString())),
      o.store.onApplied(() => this.drain()),
      o.radiusServer.onAccessAccepted((event) => this.reauth.accepted(event.subscriptionId, event.nasId, event.at)),
    );
    // What a previous run applied and did not get to act on.
    this.drain();
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
    this.queue.flush();
  }

  /** Hands the queue's new rows to their subscriptions' chains; each row goes once acted on. */
  private drain(): void {
    if (this.closed) return;
    for (const item of this.queue.since(this.queuedUpTo)) {
      this.queuedUpTo = item.id;
      this.enqueue(item.subscriptionId, async () => {
        if (await this.enforce(item, item.decision)) this.queue.done(item.id);
      });
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

  /** Acts on one change; false when cut short by close() (it is then left for the next start). */
  private async enforce(
    change: Pick<QueuedEnforcement, "subscriptionId" | "revision" | "requestedAt">,
    decision: NonNullable<Decision>,
  ): Promise<boolean> {
    if (this.closed) return false;
    const { subscriptionId, revision, requestedAt } = change;
    const base: Base = { subscriptionId, revision, requestedAt, reason: decision.reason, action: decision.action };
    const sessions = this.o.sessions.forSubscription(subscriptionId);
    if (sessions.length === 0) {
      await this.outcomes.record(outcome(base, { outcome: "not_online" }));
      return true;
    }
    // Any login from now on gets the new policy from the store: that is the re-auth to observe.
    if (decision.action === "disconnect") this.reauth.watch(base);
    const done = await Promise.all(
      sessions.map((session) => this.limiter.run(() => this.enforceSession(base, decision, session))),
    );
    return done.every(Boolean) && !this.closed;
  }

  private async enforceSession(base: Base, decision: NonNullable<Decision>, session: LocalSession): Promise<boolean> {
    if (this.closed) return false;
    const where = { sessionId: session.sessionId, nasId: session.nasId };
    const targets = nasTargets(this.o.store, session.nasId, new Date());
    if (!targets) {
      await this.outcomes.record(
        outcome(base, { ...where, outcome: "no_nas", detail: `NAS ${session.nasId} is not in the site's state` }),
      );
      return true;
    }
    if (decision.action === "coa") {
      const coa = await sendToNas(this.o.client, targets, "coa", session, [
        ["Mikrotik-Rate-Limit", decision.rateLimit],
      ]);
      // Closing cuts a request short: its result is not the NAS's, so it is left for the next start.
      if (this.closed) return false;
      await this.outcomes.record(outcome(base, { ...where, ...fromResult(coa) }));
      if (coa.outcome === "ack") return true;
      // Unanswered: a login seen later still proves the new rate (it comes with the login).
      this.reauth.watch({ ...base, action: coa.outcome === "timeout" ? "coa" : "disconnect" });
      if (coa.outcome === "timeout") return true;
      // A NAK says this session cannot take the new rate in place; a fresh login gets it.
    }
    const disconnect = await sendToNas(this.o.client, targets, "disconnect", session);
    if (disconnect.outcome === "ack") this.o.sessions.remove(session.nasId, session.sessionId);
    if (this.closed) return false;
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
    return true;
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
