import type { Logger } from "@kilusi/shared/logger";
import { type JournalRecord, MAX_MESSAGE_BYTES } from "@kilusi/shared/sync/messages";
import type { Journal } from "../store/journal.ts";

/** Data bytes per batch: the rest of the 1 MiB message is left for the records' envelopes. */
const BATCH_DATA_BYTES = MAX_MESSAGE_BYTES - 256 * 1024;

export interface JournalSenderOptions {
  journal: Journal;
  /** Publishes one batch; false when not connected. */
  publish: (records: JournalRecord[]) => boolean;
  window: number;
  batchRecords: number;
  ackTimeoutMs: number;
  logger: Logger;
}

interface Batch {
  seqs: Set<number>;
  sentAt: number;
}

/**
 * Sends the journal in seq order, at most `window` batches unacknowledged. A record leaves the
 * store only on the cloud's journal-ack (sent after its PostgreSQL commit), never on PUBACK; a
 * batch unacknowledged past the timeout, and everything unacknowledged after a reconnect, is
 * sent again. Duplicates are harmless: the cloud ingests on (agentId, seq).
 */
export class JournalSender {
  private active = false;
  private inflight: Batch[] = [];
  /** The highest seq sent on this connection. */
  private cursor = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly o: JournalSenderOptions) {
    this.unsubscribe = o.journal.onCommit(() => this.pump());
  }

  /** On a connection whose protocol is agreed: everything still held is sent from the start. */
  start(): void {
    this.stop();
    this.active = true;
    this.ticker = setInterval(() => this.resendExpired(), Math.max(50, Math.min(1_000, this.o.ackTimeoutMs / 4)));
    this.pump();
  }

  stop(): void {
    this.active = false;
    this.inflight = [];
    this.cursor = 0;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  close(): void {
    this.stop();
    this.unsubscribe();
  }

  inFlight(): number {
    return this.inflight.length;
  }

  onAck(ranges: readonly (readonly [number, number])[]): void {
    const { deleted } = this.o.journal.ack(ranges);
    const acked = (seq: number) => ranges.some(([from, to]) => seq >= from && seq <= to);
    for (const batch of this.inflight) for (const seq of batch.seqs) if (acked(seq)) batch.seqs.delete(seq);
    this.inflight = this.inflight.filter((b) => b.seqs.size > 0);
    this.o.logger.debug({ ranges, deleted, backlog: this.o.journal.status().backlog }, "journal acknowledged");
    this.pump();
  }

  private pump(): void {
    while (this.active && this.inflight.length < this.o.window) {
      const records = this.o.journal.readAfter(this.cursor, this.o.batchRecords, BATCH_DATA_BYTES);
      const last = records.at(-1);
      if (!last) return;
      if (!this.o.publish(records)) return;
      this.inflight.push({ seqs: new Set(records.map((r) => r.seq)), sentAt: Date.now() });
      this.cursor = last.seq;
    }
  }

  private resendExpired(): void {
    const now = Date.now();
    const resent: number[] = [];
    for (const batch of this.inflight) {
      if (now - batch.sentAt < this.o.ackTimeoutMs) continue;
      const records = this.o.journal.read([...batch.seqs]);
      batch.seqs = new Set(records.map((r) => r.seq));
      if (records.length === 0) continue;
      if (!this.o.publish(records)) break;
      batch.sentAt = now;
      resent.push(records.length);
    }
    if (resent.length > 0) {
      this.o.logger.warn(
        { batches: resent.length, records: resent.reduce((a, b) => a + b, 0), ackTimeoutMs: this.o.ackTimeoutMs },
        "journal batches unacknowledged; sent again",
      );
    }
    this.inflight = this.inflight.filter((b) => b.seqs.size > 0);
    this.pump();
  }
}
