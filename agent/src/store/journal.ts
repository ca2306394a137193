import { Database } from "bun:sqlite";
import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "@kilusi/shared/logger";
import { type JournalRecord, type JournalStatus, kindSchema } from "@kilusi/shared/sync/messages";
import { isoAt } from "../iso-time.ts";
import type { StoreDatabase } from "./database.ts";

/** Appends fail with this when the journal holds `capBytes`: nothing is dropped or overwritten to make room. */
export class JournalFullError extends Error {
  readonly code = "journal.full";
  constructor(
    readonly bytes: number,
    readonly capBytes: number,
  ) {
    super(`journal full: ${bytes} of ${capBytes} bytes held until the cloud acknowledges them`);
    this.name = "JournalFullError";
  }
}

/** After shutdown began: the record was not journaled. */
export class JournalClosedError extends Error {
  readonly code = "journal.closed";
  constructor() {
    super("journal closed: the agent is shutting down");
    this.name = "JournalClosedError";
  }
}

/**
 * After a flush of the WAL to disk failed: what was written since the last good flush may not be
 * on disk, and SQLite's recovery drops every WAL frame after a missing one — records answered
 * later included. So the journal refuses every append until the agent is restarted (and the
 * store reopened from what the disk holds), as a database server stops on a failed fsync.
 */
export class JournalFailedError extends Error {
  readonly code = "journal.failed";
  constructor(cause: Error) {
    super(`journal refuses appends: a flush to disk failed (${cause.message}); restart the agent`, { cause });
    this.name = "JournalFailedError";
  }
}

/** One record's data must fit a journal message (1 MiB) with room for its envelope. */
export const MAX_RECORD_BYTES = 512 * 1024;
/** Percentages of the cap that warn (and journal an `agent.alert`) when crossed upward. */
export const ALERT_LEVELS = [50, 80, 95] as const;

interface Pending {
  kind: string;
  at: string;
  data: string;
  bytes: number;
  /** Set by the commit; the append resolves with it once the WAL is synced. */
  seq: number;
  resolve: (seq: number) => void;
  reject: (error: Error) => void;
}

/** Flushes a file's data to disk and calls back (node:fs `fdatasync`: on the runtime's thread pool). */
export type SyncFile = (fd: number, done: (error: Error | null) => void) => void;

export interface JournalOptions {
  maxBytes: number;
  /**
   * Appends within this many ms share one transaction (one flush to disk). 0: the appends of one
   * event-loop turn share one, committed at its end, so a group is whatever arrived while the
   * previous commit held the loop: large under load and on a slow disk, one record when idle.
   */
  groupCommitMs: number;
  /** A group this large commits at once, without waiting for the delay. */
  maxGroup?: number;
  logger: Logger;
  /** How the WAL is flushed to disk after a commit (default node:fs `fdatasync`; tests hold it back). */
  syncFile?: SyncFile;
}

/**
 * The durable journal (DESIGN §6): a record is on disk before `append` resolves, and it leaves
 * only when the cloud acknowledges it committed it.
 *
 * Appends are committed through a connection of their own with `synchronous = normal`: in WAL
 * mode such a commit writes the WAL without waiting for the disk. The WAL is then flushed
 * (`fdatasync`, as SQLite itself syncs on Linux: the data and the size needed to read it, not the
 * modification time) off the event loop, and the appends resolve when that flush returns; what
 * the next turns commit meanwhile waits for the flush after it. With `synchronous = full` it ran
 * inside the commit, and the RADIUS server received nothing while the disk worked
 * (tests/bench/radius.ts, ADR 0010). A checkpoint (sqlite's, or a `synchronous = full`
 * connection's) syncs the WAL before copying it, so a record checkpointed first is on disk too.
 */
export class Journal {
  private bytes = 0;
  private backlog = 0;
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | undefined;
  private closed = false;
  private closedStatus: JournalStatus | undefined;
  /** The last append was refused as full (logged once); cleared by the next that fits. */
  private refusedFull = false;
  private readonly refusingListeners = new Set<(refusing: JournalStatus["refusing"]) => void>();
  private readonly crossed = new Map<number, boolean>();
  private readonly listeners = new Set<() => void>();
  /** Kinds already checked against the schema: a handful, appended thousands of times a second. */
  private readonly validKinds = new Set<string>();
  /** Transactions that committed appends (group commit is observable in tests). */
  commits = 0;

  /** Committed, waiting for the next flush of the WAL. */
  private unsynced: Pending[] = [];
  /** Committed, in the flush now running. */
  private syncing: Pending[] | undefined;
  private writer: { db: Database; insert: ReturnType<Database["query"]>; walFd: number } | undefined;
  /** Set by a failed flush: from then on every append is refused. */
  private failure: JournalFailedError | undefined;

  private readonly deleteRange;
  private readonly oldest;

  constructor(
    private readonly s: StoreDatabase,
    private readonly opts: JournalOptions,
  ) {
    const row = s.db.query("select count(*) as n, coalesce(sum(bytes), 0) as b from journal").get() as {
      n: number;
      b: number;
    };
    this.backlog = row.n;
    this.bytes = row.b;
    this.deleteRange = s.db.query("delete from journal where seq between ? and ? returning bytes");
    this.oldest = s.db.query("select at from journal order by seq limit 1");
    for (const level of ALERT_LEVELS) this.crossed.set(level, this.bytes >= this.threshold(level));
    if (this.bytes >= this.threshold(ALERT_LEVELS[0])) {
      opts.logger.warn({ journal: this.status() }, "journal holds a backlog above half its cap");
    }
  }

  private threshold(level: number): number {
    return (this.opts.maxBytes * level) / 100;
  }

  /** Resolves with the record's seq once the transaction holding it has committed. */
  append(kind: string, data: Record<string, unknown>): Promise<number> {
    if (this.closed) return Promise.reject(new JournalClosedError());
    if (this.failure) return Promise.reject(this.failure);
    if (!this.validKinds.has(kind)) {
      if (!kindSchema.safeParse(kind).success) {
        return Promise.reject(new TypeError(`journal: bad kind ${JSON.stringify(kind)}`));
      }
      this.validKinds.add(kind);
    }
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      return Promise.reject(new TypeError("journal: data must be an object"));
    }
    const text = JSON.stringify(data);
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_RECORD_BYTES) {
      return Promise.reject(new RangeError(`journal: record of ${bytes} bytes exceeds ${MAX_RECORD_BYTES}`));
    }
    if (this.bytes + this.pendingBytes + bytes > this.opts.maxBytes) {
      const error = new JournalFullError(this.bytes + this.pendingBytes, this.opts.maxBytes);
      if (!this.refusedFull) {
        this.refusedFull = true;
        this.opts.logger.error({ journal: this.status() }, error.message);
        this.refusingChanged();
      }
      return Promise.reject(error);
    }
    if (this.refusedFull) {
      this.refusedFull = false;
      this.refusingChanged();
    }
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ kind, at: isoAt(Date.now()), data: text, bytes, seq: 0, resolve, reject });
      this.pendingBytes += bytes;
      if (this.pending.length >= (this.opts.maxGroup ?? 500)) this.flush();
      else if (this.opts.groupCommitMs === 0) this.timer ??= setImmediate(() => this.flush());
      else this.timer ??= setTimeout(() => this.flush(), this.opts.groupCommitMs);
    });
  }

  private flush(): void {
    this.cancelTimer();
    this.timer = undefined;
    const group = this.pending;
    if (group.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      const { db, insert } = this.openWriter();
      db.transaction(() => {
        for (const p of group) p.seq = Number(insert.run(p.kind, p.at, p.data, p.bytes).lastInsertRowid);
      })();
    } catch (error) {
      this.opts.logger.error({ err: String(error), records: group.length }, "journal commit failed");
      for (const p of group) p.reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.commits++;
    for (const p of group) {
      this.backlog++;
      this.bytes += p.bytes;
      this.unsynced.push(p);
    }
    this.checkLevels();
    this.syncWal();
  }

  /** One flush of the WAL at a time; it covers every commit made before it started. */
  private syncWal(): void {
    if (this.syncing || this.unsynced.length === 0 || !this.writer) return;
    const batch = this.unsynced;
    this.unsynced = [];
    this.syncing = batch;
    (this.opts.syncFile ?? fdatasync)(this.writer.walFd, (error) => {
      if (this.syncing !== batch) return; // close() synced and settled it already
      this.syncing = undefined;
      this.settle(batch, error);
      this.syncWal();
    });
  }

  private settle(batch: Pending[], error: Error | null): void {
    if (error) {
      // Committed, but not known to be on disk: not answered, so the NAS sends it again (the
      // cloud keeps one copy per uniqueId, and the sender may already have sent this one). Nor
      // is anything committed after it: a later flush would not make it safe (JournalFailedError).
      if (!this.failure) {
        this.failure = new JournalFailedError(error);
        this.refusingChanged();
      }
      const refused = [...batch, ...this.unsynced, ...this.pending];
      this.unsynced = [];
      this.pending = [];
      this.pendingBytes = 0;
      this.opts.logger.error(
        { err: String(error), records: refused.length },
        "journal flush to disk failed: appends refused until the agent restarts",
      );
      for (const p of refused) p.reject(this.failure);
      return;
    }
    for (const p of batch) p.resolve(p.seq);
    for (const listener of this.listeners) listener();
  }

  private openWriter(): NonNullable<Journal["writer"]> {
    if (this.writer) return this.writer;
    const db = new Database(this.s.path, { strict: true });
    let walFd: number | undefined;
    try {
      db.exec("pragma synchronous = normal");
      db.exec("pragma busy_timeout = 5000");
      const insert = db.query("insert into journal (kind, at, data, bytes) values (?, ?, ?, ?)");
      // The WAL exists while the store is open; "a" (never written through) only guards the
      // case where it does not yet, creating it empty and owner-only, as SQLite would. Its
      // directory entry is flushed once, so that the file itself survives a power cut.
      walFd = openSync(`${this.s.path}-wal`, "a", 0o600);
      const dirFd = openSync(dirname(this.s.path), "r");
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
      this.writer = { db, insert, walFd };
      return this.writer;
    } catch (error) {
      if (walFd !== undefined) closeSync(walFd);
      db.close();
      throw error;
    }
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    if (this.opts.groupCommitMs === 0) clearImmediate(this.timer as ReturnType<typeof setImmediate>);
    else clearTimeout(this.timer as ReturnType<typeof setTimeout>);
  }

  private checkLevels(): void {
    for (const level of ALERT_LEVELS) {
      const above = this.bytes >= this.threshold(level);
      if (above && !this.crossed.get(level)) {
        const alert = { level, bytes: this.bytes, capBytes: this.opts.maxBytes };
        this.opts.logger.warn({ journal: this.status(), percent: level }, `journal at ${level} % of its cap`);
        this.append("agent.alert", alert).catch((error) =>
          this.opts.logger.warn({ err: String(error) }, "journal alert not journaled"),
        );
      }
      this.crossed.set(level, above);
    }
  }

  /** Called when `status().refusing` changes (the heartbeat then tells the cloud at once). */
  onRefusing(listener: (refusing: JournalStatus["refusing"]) => void): () => void {
    this.refusingListeners.add(listener);
    return () => this.refusingListeners.delete(listener);
  }

  private refusingChanged(): void {
    const { refusing } = this.status();
    for (const listener of this.refusingListeners) listener(refusing);
  }

  /** Called after each commit of new records (the sender wakes on it). */
  onCommit(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records after `afterSeq` in seq order: at most `limit`, and at most `maxBytes` of data (at least one). */
  readAfter(afterSeq: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): JournalRecord[] {
    const rows = this.s.db
      .query("select seq, kind, at, data, bytes from journal where seq > ? order by seq limit ?")
      .all(afterSeq, limit) as { seq: number; kind: string; at: string; data: string; bytes: number }[];
    const out: JournalRecord[] = [];
    let total = 0;
    for (const r of rows) {
      if (out.length > 0 && total + r.bytes > maxBytes) break;
      total += r.bytes;
      out.push({ seq: r.seq, kind: r.kind, at: r.at, data: JSON.parse(r.data) as Record<string, unknown> });
    }
    return out;
  }

  /** The records still held among `seqs`. */
  read(seqs: readonly number[]): JournalRecord[] {
    if (seqs.length === 0) return [];
    const rows = this.s.db
      .query(`select seq, kind, at, data from journal where seq in (${seqs.map(() => "?").join(",")}) order by seq`)
      .all(...seqs) as { seq: number; kind: string; at: string; data: string }[];
    return rows.map((r) => ({
      seq: r.seq,
      kind: r.kind,
      at: r.at,
      data: JSON.parse(r.data) as Record<string, unknown>,
    }));
  }

  /** Deletes exactly the acknowledged seqs (inclusive ranges); already deleted ones are no-ops. */
  ack(ranges: readonly (readonly [number, number])[]): { deleted: number; bytes: number } {
    let deleted = 0;
    let bytes = 0;
    this.s.db.transaction(() => {
      for (const [from, to] of ranges) {
        for (const row of this.deleteRange.all(from, to) as { bytes: number }[]) {
          deleted++;
          bytes += row.bytes;
        }
      }
    })();
    this.backlog -= deleted;
    this.bytes -= bytes;
    this.checkLevels();
    return { deleted, bytes };
  }

  status(): JournalStatus {
    if (this.closedStatus) return this.closedStatus;
    const oldest = this.backlog > 0 ? (this.oldest.get() as { at: string } | null) : null;
    return {
      backlog: this.backlog,
      bytes: this.bytes,
      capBytes: this.opts.maxBytes,
      oldestAt: oldest?.at ?? null,
      refusing: this.failure ? "failed" : this.refusedFull ? "full" : null,
    };
  }

  /** Stops accepting appends, commits and syncs the ones already accepted; status() stays answerable. */
  close(): void {
    this.closed = true;
    this.flush();
    if (this.writer) {
      const batch = [...(this.syncing ?? []), ...this.unsynced];
      this.syncing = undefined;
      this.unsynced = [];
      let error: Error | null = null;
      try {
        fdatasyncSync(this.writer.walFd);
      } catch (e) {
        error = e instanceof Error ? e : new Error(String(e));
      }
      this.settle(batch, error);
      closeSync(this.writer.walFd);
      this.writer.db.close();
      this.writer = undefined;
    }
    this.closedStatus = this.status();
  }
}
