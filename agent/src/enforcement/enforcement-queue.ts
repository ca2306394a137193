import type { StoreDatabase } from "../store/database.ts";
import type { AppliedChange } from "../store/store.ts";
import { type Decision, decide } from "./decide.ts";

/** One change the network still has to be told of. */
export interface QueuedEnforcement {
  id: number;
  subscriptionId: string;
  revision: number;
  requestedAt: string;
  decision: NonNullable<Decision>;
}

/** Rows acted on are deleted together, this long after the first: one commit, not one per row. */
const DELETE_AFTER_MS = 100;

/**
 * The enforcement owed for applied changes, in the store's database (`enforcement_queue`). A
 * change's decision is written in the transaction that applies it (DesiredStateStore.onApplying)
 * and deleted once it has been acted on, so an agent stopped or killed in between acts on it
 * when it starts again: an isolation sticks even across a restart. The deletes are grouped (a
 * plan change touching 5,000 subscribers is not 5,000 commits to disk); killed before a group
 * commits, the agent acts on those rows once more.
 */
export class EnforcementQueue {
  private readonly insert;
  private readonly after;
  private readonly remove;
  private finished: number[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly s: StoreDatabase) {
    this.insert = s.db.query(
      "insert into enforcement_queue (subscription_id, revision, requested_at, decision) values (?, ?, ?, ?)",
    );
    this.after = s.db.query(
      "select id, subscription_id, revision, requested_at, decision from enforcement_queue where id > ? order by id",
    );
    this.remove = s.db.query("delete from enforcement_queue where id = ?");
  }

  /** Inside the applying transaction: one row per change the network must hear of. */
  add(changes: readonly AppliedChange[], revision: number, requestedAt: string): void {
    for (const change of changes) {
      const decision = decide(change);
      if (decision) this.insert.run(change.key, revision, requestedAt, JSON.stringify(decision));
    }
  }

  /** The rows after `id`, oldest first. */
  since(id: number): QueuedEnforcement[] {
    const rows = this.after.all(id) as {
      id: number;
      subscription_id: string;
      revision: number;
      requested_at: string;
      decision: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      subscriptionId: r.subscription_id,
      revision: r.revision,
      requestedAt: r.requested_at,
      decision: JSON.parse(r.decision) as NonNullable<Decision>,
    }));
  }

  /** Acted on: deleted with the others of the next DELETE_AFTER_MS. */
  done(id: number): void {
    this.finished.push(id);
    this.timer ??= setTimeout(() => this.flush(), DELETE_AFTER_MS);
  }

  /** Deletes the rows acted on so far (also at close). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.finished.length === 0) return;
    const ids = this.finished;
    this.finished = [];
    this.s.db.transaction(() => {
      for (const id of ids) this.remove.run(id);
    })();
  }
}
