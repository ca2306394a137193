import type { Logger } from "@kilusi/shared/logger";
import type { AccountingRecord, SessionClosedRecord } from "@kilusi/shared/sync/radius-records";
import { isoAt } from "../../iso-time.ts";
import { RecentMap } from "../../recent-map.ts";
import { type Journal, JournalClosedError, JournalFullError } from "../../store/journal.ts";
import type { DesiredStateStore } from "../../store/store.ts";
import { VoucherUses } from "../authorize/voucher-uses.ts";
import type { RadiusPacket } from "../packet/index.ts";
import { Throttle } from "../server/throttle.ts";
import type { LocalSession, SessionTable } from "../sessions/session-table.ts";
import { VoucherUsage } from "../sessions/voucher-usage.ts";
import { accountingRecord, statusTypeOf } from "./accounting-record.ts";
import { sessionOwner } from "./session-owner.ts";

/** answer: journaled (or known and deliberately not kept); otherwise the NAS gets no reply and retries. */
export type AccountingOutcome =
  | { answer: true; journaled: boolean }
  | { answer: false; reason: "no-status-type" | "journal-full" | "journal-closed" | "journal-error" };

export interface AccountingStats {
  journaled: number;
  /** Copies of a request already journaled (same uniqueId within the window), answered again. */
  repeated: number;
  /** Acct-Status-Type values without a record (Failed, tunnel types…): answered, not kept. */
  ignored: number;
  journalFull: number;
  journalErrors: number;
  closedStale: number;
  closedNasRestart: number;
}

const RECENT_MS = 30_000;
// Bounded like the duplicate cache (server/duplicate-cache.ts), for the same memory reason.
const RECENT_MAX = 4_096;

/**
 * Accounting-Request → a durable `radius.accounting` record, then the local session table.
 * The reply waits for the journal's commit (DESIGN §6): a request answered is on disk.
 */
export class Accounting {
  private readonly stats_: AccountingStats = {
    journaled: 0,
    repeated: 0,
    ignored: 0,
    journalFull: 0,
    journalErrors: 0,
    closedStale: 0,
    closedNasRestart: 0,
  };
  // One append per uniqueId at a time and for RECENT_MS after it: a copy with a new
  // Identifier (a NAS that bumps Acct-Delay-Time) waits for the first and is not journaled again.
  private readonly recent = new RecentMap<Promise<AccountingOutcome>>(RECENT_MS, RECENT_MAX);
  private readonly throttle = new Throttle(60_000);
  private readonly usage: VoucherUsage;
  /** Only to drop the first-login records of codes the site no longer holds, with the usage rows. */
  private readonly uses: VoucherUses;
  private sweepTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly o: {
      store: DesiredStateStore;
      sessions: SessionTable;
      journal: Journal;
      logger: Logger;
      /** The agent's default Acct-Interim-Interval: a session silent for 3 of them is stale. */
      interimSeconds: number;
    },
  ) {
    this.usage = new VoucherUsage(o.store.database);
    this.uses = new VoucherUses(o.store.database);
  }

  stats(): AccountingStats {
    return { ...this.stats_ };
  }

  /** A journal that refuses or fails is an outcome without an answer, not a rejection. */
  handle(packet: RadiusPacket, nas: { id: string; address: string }, receivedAt: Date): Promise<AccountingOutcome> {
    const statusType = statusTypeOf(packet);
    if (statusType === undefined) return Promise.resolve({ answer: false, reason: "no-status-type" });
    if (statusType === null) {
      this.stats_.ignored++;
      return Promise.resolve({ answer: true, journaled: false });
    }
    const owner = sessionOwner(packet, this.o.store);
    const record = accountingRecord(packet, {
      nasId: nas.id,
      sourceAddress: nas.address,
      statusType,
      owner,
      receivedAt,
    });
    const now = receivedAt.getTime();
    const earlier = this.recent.get(record.uniqueId, now);
    if (earlier) {
      return earlier.then((outcome) => {
        if (!outcome.answer) return outcome;
        this.stats_.repeated++;
        return { answer: true, journaled: false };
      });
    }
    // Returned as it is, without an async frame around it: one request, one promise less.
    const done = this.journalAndTrack(record, owner.interimSeconds, receivedAt);
    this.recent.set(record.uniqueId, done, now);
    return done;
  }

  private async journalAndTrack(
    record: AccountingRecord,
    interimSeconds: number | null,
    receivedAt: Date,
  ): Promise<AccountingOutcome> {
    const restart = record.statusType === "Accounting-On" || record.statusType === "Accounting-Off";
    // A NAS that (re)starts ended all its sessions: their closures go into the same commit.
    const ended = restart ? this.o.sessions.all().filter((s) => s.nasId === record.nasId) : [];
    try {
      const appended = this.o.journal.append("radius.accounting", record);
      if (ended.length === 0) await appended;
      else {
        await Promise.all([
          appended,
          ...ended.map((s) => this.o.journal.append("radius.session_closed", closed(s, "nas_restart", receivedAt))),
        ]);
      }
    } catch (error) {
      // Not kept: the NAS's next copy must be tried afresh, not answered from a failure.
      this.recent.delete(record.uniqueId);
      return { answer: false, reason: this.failed(error) };
    }
    this.stats_.journaled++;
    this.track(record, interimSeconds);
    return { answer: true, journaled: true };
  }

  private track(record: AccountingRecord, interimSeconds: number | null): void {
    const { sessions } = this.o;
    switch (record.statusType) {
      case "Accounting-On":
      case "Accounting-Off": {
        const ended = sessions.removeForNas(record.nasId);
        this.usage.ended(ended);
        this.stats_.closedNasRestart += ended.length;
        return;
      }
      case "Stop": {
        if (record.sessionId === null) return;
        const online = sessions.get(record.nasId, record.sessionId);
        const voucherCode = record.voucherCode ?? online?.voucherCode ?? null;
        if (voucherCode !== null) {
          // The Stop's counters are the final ones; a NAS never lowers them, so the larger wins.
          this.usage.ended([
            {
              nasId: record.nasId,
              sessionId: record.sessionId,
              voucherCode,
              inputOctets: Math.max(record.inputOctets, online?.inputOctets ?? 0),
              outputOctets: Math.max(record.outputOctets, online?.outputOctets ?? 0),
            },
          ]);
        }
        sessions.remove(record.nasId, record.sessionId);
        return;
      }
      default: {
        if (record.sessionId === null) return;
        const startedAt =
          record.statusType === "Start" || record.sessionTime === null
            ? record.eventAt
            : isoAt(Date.parse(record.eventAt) - record.sessionTime * 1000);
        sessions.upsert({
          nasId: record.nasId,
          sessionId: record.sessionId,
          nasIp: record.nasIp,
          userName: record.userName,
          subscriptionId: record.subscriptionId,
          voucherCode: record.voucherCode,
          framedIp: record.framedIp,
          callingStationId: record.callingStationId,
          startedAt,
          lastSeenAt: record.receivedAt,
          interimSeconds,
          inputOctets: record.inputOctets,
          outputOctets: record.outputOctets,
        });
      }
    }
  }

  private failed(error: unknown): "journal-full" | "journal-closed" | "journal-error" {
    if (error instanceof JournalFullError) {
      this.stats_.journalFull++;
      if (this.throttle.allow("full")) {
        this.o.logger.error(
          { journal: this.o.journal.status(), refused: this.stats_.journalFull },
          "accounting not answered: the journal is full (the routers will retry)",
        );
      }
      return "journal-full";
    }
    if (error instanceof JournalClosedError) return "journal-closed";
    this.stats_.journalErrors++;
    if (this.throttle.allow("error")) {
      this.o.logger.error({ err: String(error) }, "accounting not answered: the journal append failed");
    }
    return "journal-error";
  }

  /**
   * Sessions with no update for 3 interim intervals are closed as stale and journaled; one
   * whose record cannot be journaled goes back into the table, to be closed by a later sweep.
   */
  async sweepStale(now = new Date()): Promise<number> {
    const stale = this.o.sessions.sweepStale(now, this.o.interimSeconds);
    const results = await Promise.allSettled(
      stale.map((s) => this.o.journal.append("radius.session_closed", closed(s, "stale", now))),
    );
    const closedSessions: LocalSession[] = [];
    for (const [i, result] of results.entries()) {
      if (result.status === "fulfilled") closedSessions.push(stale[i] as LocalSession);
      else {
        this.o.sessions.upsert(stale[i] as LocalSession);
        this.failed(result.reason);
      }
    }
    this.usage.ended(closedSessions);
    this.stats_.closedStale += closedSessions.length;
    if (closedSessions.length > 0) {
      this.o.logger.info({ sessions: closedSessions.length }, "stale RADIUS sessions closed");
    }
    return closedSessions.length;
  }

  startSweeping(intervalMs = 60_000): void {
    this.sweepTimer ??= setInterval(() => {
      this.sweepStale()
        .then(() => {
          this.usage.prune();
          this.uses.prune();
        })
        .catch((error) => this.o.logger.error({ err: String(error) }, "stale session sweep failed"));
    }, intervalMs);
    this.sweepTimer.unref?.();
  }

  close(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }
}

function closed(s: LocalSession, reason: SessionClosedRecord["reason"], at: Date): SessionClosedRecord {
  return {
    nasId: s.nasId,
    sessionId: s.sessionId,
    userName: s.userName,
    reason,
    lastSeenAt: s.lastSeenAt,
    closedAt: at.toISOString(),
  };
}
