import type { Logger } from "@kilusi/shared/logger";
import type { DownMessage, UpMessage } from "@kilusi/shared/sync/messages";
import type { DesiredStateStore } from "../store/store.ts";

export interface DesiredStateSyncOptions {
  store: DesiredStateStore;
  agentId: string;
  /** Publishes a sync request; false when not connected. */
  send: (message: UpMessage<"sync-request">) => boolean;
  /** A message that parsed but cannot be applied: counted and logged like a schema rejection. */
  reject: (name: "changes" | "snapshot", detail: string) => void;
  timeoutMs: number;
  logger: Logger;
}

/**
 * The desired-state half of the protocol: one sync request outstanding at a time, re-sent when
 * unanswered; a changes batch applies only on top of the applied revision; snapshot parts are
 * staged until complete. The store applies, so this holds only what the cloud last said.
 */
export class DesiredStateSync {
  private active = false;
  private outstanding: { timer: ReturnType<typeof setTimeout> } | null = null;
  /** The highest revision the cloud said it has (welcome, notify, changes, snapshot). */
  private knownCurrent = 0;
  /** The cloud is behind the store (restored backup?): only a snapshot can agree again. */
  private wantSnapshot = false;

  constructor(private readonly o: DesiredStateSyncOptions) {}

  /** The cloud's welcome on this connection, with a common protocol: sync may begin. */
  onWelcome(currentRevision: number): void {
    this.active = true;
    this.knownCurrent = currentRevision;
    const applied = this.o.store.appliedRevision();
    if (currentRevision < applied && this.o.store.syncedAt() !== null) {
      this.o.logger.warn(
        { currentRevision, appliedRevision: applied },
        "cloud revision behind the store; asking for a snapshot",
      );
      this.wantSnapshot = true;
    }
    this.maybeRequest();
  }

  /** Changes applied since the agent was last caught up. */
  private catchUpChanges = 0;

  onDisconnect(): void {
    this.active = false;
    this.clearOutstanding();
  }

  onNotify(m: DownMessage<"notify">): void {
    this.knownCurrent = Math.max(this.knownCurrent, m.currentRevision);
    this.maybeRequest();
  }

  onChanges(m: DownMessage<"changes">): void {
    const outcome = this.o.store.applyChanges(m);
    if (outcome.status === "invalid") {
      this.o.reject("changes", outcome.detail);
      return;
    }
    if (outcome.status === "stale") {
      this.o.logger.debug(
        { sinceRevision: m.sinceRevision, appliedRevision: outcome.appliedRevision },
        "changes not starting at the applied revision ignored",
      );
      return;
    }
    this.o.logger.info(
      { fromRevision: m.sinceRevision, appliedRevision: m.toRevision, changes: m.changes.length },
      "changes applied",
    );
    this.clearOutstanding();
    this.knownCurrent = Math.max(this.knownCurrent, m.currentRevision);
    this.maybeRequest();
    // Caught up after a long catch-up (many full batches): give the memory back, as after a snapshot.
    this.catchUpChanges += m.changes.length;
    if (m.toRevision >= m.currentRevision && this.catchUpChanges >= 2_000) collectGarbage();
    if (m.toRevision >= m.currentRevision) this.catchUpChanges = 0;
  }

  onSnapshot(m: DownMessage<"snapshot">): void {
    const outcome = this.o.store.stageSnapshotPart(m);
    switch (outcome.status) {
      case "duplicate":
      case "stale":
        this.o.logger.debug(
          { snapshotId: m.snapshotId, part: m.part, status: outcome.status },
          "snapshot part ignored",
        );
        return;
      case "inconsistent":
        this.o.reject("snapshot", outcome.detail);
        return;
      case "staged":
        // A large snapshot may take longer than the timeout: each part is progress.
        if (this.outstanding) this.armTimer();
        return;
      case "applied":
        this.o.logger.info(
          { snapshotId: m.snapshotId, appliedRevision: m.revision, entries: outcome.entries, parts: m.parts },
          "snapshot applied",
        );
        this.wantSnapshot = false;
        this.clearOutstanding();
        this.knownCurrent = Math.max(this.knownCurrent, m.revision);
        this.maybeRequest();
        collectGarbage();
    }
  }

  private needed(): boolean {
    const s = this.o.store;
    return this.wantSnapshot || s.syncedAt() === null || this.knownCurrent > s.appliedRevision();
  }

  private maybeRequest(): void {
    if (!this.active || this.outstanding || !this.needed()) return;
    const s = this.o.store;
    const sinceRevision = s.appliedRevision();
    const snapshot = this.wantSnapshot || (sinceRevision === 0 && s.syncedAt() === null);
    if (!this.o.send({ v: 1, agentId: this.o.agentId, sinceRevision, snapshot })) return;
    this.o.logger.debug({ sinceRevision, snapshot, currentRevision: this.knownCurrent }, "sync requested");
    this.outstanding = { timer: setTimeout(() => this.onTimeout(), this.o.timeoutMs) };
  }

  private armTimer(): void {
    if (!this.outstanding) return;
    clearTimeout(this.outstanding.timer);
    this.outstanding.timer = setTimeout(() => this.onTimeout(), this.o.timeoutMs);
  }

  private onTimeout(): void {
    this.outstanding = null;
    this.o.logger.warn({ timeoutMs: this.o.timeoutMs }, "sync request unanswered; sending it again");
    this.maybeRequest();
  }

  private clearOutstanding(): void {
    if (this.outstanding) clearTimeout(this.outstanding.timer);
    this.outstanding = null;
  }
}

/**
 * A snapshot's parts or a long catch-up are megabytes of parsed JSON that are garbage once
 * applied: collect at once, so the agent's resident memory on a small router goes back down
 * instead of staying at its high-water mark (105 → 77 MB at 50,000 subscribers, tests/bench/sync.ts).
 */
function collectGarbage(): void {
  Bun.gc(true);
}
