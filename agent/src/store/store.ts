import type { DownMessage, StateEntry } from "@kilusi/shared/sync/messages";
import { stateHash } from "@kilusi/shared/sync/state-hash";
import { RecentMap } from "../recent-map.ts";
import type { StoreDatabase } from "./database.ts";

export type ChangesOutcome =
  | { status: "applied"; appliedRevision: number }
  | { status: "stale"; appliedRevision: number }
  | { status: "invalid"; detail: string };

export type SnapshotOutcome =
  | { status: "staged"; staged: number; parts: number }
  | { status: "applied"; appliedRevision: number; entries: number }
  /** A part already staged, or a part of the snapshot already applied. */
  | { status: "duplicate" }
  /** A part of a snapshot abandoned for a newer one: it must not displace the newer one's parts. */
  | { status: "stale" }
  /** `parts` or `revision` disagree with the parts staged under the same snapshotId. */
  | { status: "inconsistent"; detail: string };

/** Lookups kept in memory (store.ts `lookups`): logins repeat, 4,096 × ~1 KB at most. */
const LOOKUP_CACHE_SIZE = 4096;

/** One entry that a changes batch or a snapshot changed: before and after (null: absent). */
export interface AppliedChange {
  kind: string;
  key: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export type AppliedListener = (changes: readonly AppliedChange[], revision: number) => void;
/**
 * Called inside the transaction that applies `changes`: what it writes to the store's database
 * commits with them or not at all. It must not throw; if it does, the error is logged and the
 * apply goes on (a bug of a listener must not stop the site taking its state).
 */
export type ApplyingListener = (changes: readonly AppliedChange[], revision: number) => void;

/**
 * The site's desired state as the cloud last sent it: (kind, key) → data, and the revision it is
 * at. Every change of it is one transaction together with the revision, so a crash leaves the
 * store at one revision or the next, never between.
 */
export class DesiredStateStore {
  private readonly upsert;
  private readonly remove;
  private readonly read;
  private readonly byUsername;
  private readonly abandoned = new Set<string>();
  private readonly listeners = new Set<AppliedListener>();
  private readonly applying = new Set<ApplyingListener>();
  /**
   * Lookups of the RADIUS hot path (a login reads its subscriber, maybe a voucher and the
   * policy), kept for the logins that follow. Emptied whenever anything is applied, so it never
   * answers with a state older than the store's; bounded, so 50,000 subscribers do not all come
   * into memory. Callers must not mutate what they get.
   */
  private readonly lookups = new RecentMap<{ key: string; data: Record<string, unknown> } | null>(
    Number.POSITIVE_INFINITY,
    LOOKUP_CACHE_SIZE,
  );

  constructor(private readonly s: StoreDatabase) {
    this.upsert = s.db.query("insert or replace into desired_state (kind, key, data) values (?, ?, ?)");
    this.remove = s.db.query("delete from desired_state where kind = ? and key = ?");
    this.read = s.db.query("select data from desired_state where kind = ? and key = ?");
    this.byUsername = s.db.query(
      "select key, data from desired_state where kind = 'subscriber' and json_extract(data, '$.username') = ?",
    );
  }

  /**
   * Called after each committed changes batch or snapshot with the entries whose data changed
   * (the RADIUS server's caches, the enforcement loop). A listener that throws is logged by
   * the caller's logger only: it must not undo what was applied.
   */
  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called inside each applying transaction with the changes `onApplied` then gets (durable work). */
  onApplying(listener: ApplyingListener): () => void {
    this.applying.add(listener);
    return () => this.applying.delete(listener);
  }

  private emitApplying(changes: AppliedChange[], revision: number): void {
    notify(this.applying, changes, revision, "applying-state listener failed");
  }

  private emit(changes: AppliedChange[], revision: number): void {
    this.lookups.clear();
    notify(this.listeners, changes, revision, "applied-state listener failed");
  }

  /** The database it lives in, for the tables kept beside the desired state (voucher_uses). */
  get database(): StoreDatabase {
    return this.s;
  }

  /** One entry's data, or null. */
  get(kind: string, key: string): Record<string, unknown> | null {
    return (
      this.cached(`e\u0000${kind}\u0000${key}`, () => {
        const row = this.read.get(kind, key) as { data: string } | null;
        return row ? { key, data: JSON.parse(row.data) as Record<string, unknown> } : null;
      })?.data ?? null
    );
  }

  private cached(
    id: string,
    load: () => { key: string; data: Record<string, unknown> } | null,
  ): { key: string; data: Record<string, unknown> } | null {
    // No expiry (an apply empties it), so the clock does not matter: 0.
    const held = this.lookups.get(id, 0);
    if (held !== undefined) return held;
    const found = load();
    this.lookups.set(id, found, 0);
    return found;
  }

  /** Every entry of one kind as (key, data). */
  entriesOf(kind: string): { key: string; data: Record<string, unknown> }[] {
    const rows = this.s.db.query("select key, data from desired_state where kind = ? order by key").all(kind) as {
      key: string;
      data: string;
    }[];
    return rows.map((r) => ({ key: r.key, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  /** The subscriber entry whose PPPoE User-Name is `username` (an indexed lookup). */
  subscriberByUsername(username: string): { key: string; data: Record<string, unknown> } | null {
    return this.cached(`u\u0000${username}`, () => {
      const row = this.byUsername.get(username) as { key: string; data: string } | null;
      return row ? { key: row.key, data: JSON.parse(row.data) as Record<string, unknown> } : null;
    });
  }

  appliedRevision(): number {
    return Number(this.s.getMeta("applied_revision") ?? 0);
  }

  /** When a changes batch or a snapshot was last applied; null: never (the store needs a snapshot). */
  syncedAt(): string | null {
    return this.s.getMeta("synced_at") ?? null;
  }

  private markApplied(revision: number): void {
    this.s.setMeta("applied_revision", String(revision));
    this.s.setMeta("synced_at", new Date().toISOString());
  }

  /** Applies a batch that starts at the applied revision; any other batch is stale and left alone. */
  applyChanges(m: DownMessage<"changes">): ChangesOutcome {
    const bad = m.changes.find((c) => c.op === "upsert" && c.data === null);
    if (bad) return { status: "invalid", detail: `upsert of ${bad.kind}/${bad.key} has no data` };
    let outcome: ChangesOutcome = { status: "stale", appliedRevision: 0 };
    const changed = new Map<string, AppliedChange>();
    let effective: AppliedChange[] = [];
    this.s.db.transaction(() => {
      const applied = this.appliedRevision();
      if (m.sinceRevision !== applied) {
        outcome = { status: "stale", appliedRevision: applied };
        return;
      }
      for (const c of m.changes) {
        const beforeRow = this.read.get(c.kind, c.key) as { data: string } | null;
        const afterText = c.op === "upsert" ? JSON.stringify(c.data) : null;
        if (afterText !== null) this.upsert.run(c.kind, c.key, afterText);
        else this.remove.run(c.kind, c.key);
        if ((beforeRow?.data ?? null) !== afterText) {
          const id = `${c.kind}\u0000${c.key}`;
          const earlier = changed.get(id);
          const before = earlier ? earlier.before : parseData(beforeRow?.data);
          changed.set(id, { kind: c.kind, key: c.key, before, after: parseData(afterText) });
        }
      }
      effective = [...changed.values()].filter((c) => JSON.stringify(c.before) !== JSON.stringify(c.after));
      this.emitApplying(effective, m.toRevision);
      this.markApplied(m.toRevision);
      outcome = { status: "applied", appliedRevision: m.toRevision };
    })();
    const done = outcome as ChangesOutcome;
    if (done.status === "applied") this.emit(effective, done.appliedRevision);
    return outcome;
  }

  /**
   * Stages one part; the part that completes the set replaces the whole state in the same
   * transaction. Parts may come in any order and more than once; a new snapshotId discards
   * whatever another snapshot left staged.
   */
  stageSnapshotPart(m: DownMessage<"snapshot">): SnapshotOutcome {
    const db = this.s.db;
    let outcome: SnapshotOutcome = { status: "duplicate" };
    const snapshotChanges: AppliedChange[] = [];
    db.transaction(() => {
      if (this.s.getMeta("last_snapshot_id") === m.snapshotId) return;
      if (this.abandoned.has(m.snapshotId)) {
        outcome = { status: "stale" };
        return;
      }
      const others = db
        .query("select distinct snapshot_id as id from snapshot_parts where snapshot_id <> ?")
        .all(m.snapshotId);
      for (const { id } of others as { id: string }[]) this.abandoned.add(id);
      if (this.abandoned.size > 100) this.abandoned.delete(this.abandoned.values().next().value as string);
      db.query("delete from snapshot_parts where snapshot_id <> ?").run(m.snapshotId);
      const staged = db
        .query(
          "select parts, revision, count(*) as n from snapshot_parts where snapshot_id = ? group by parts, revision",
        )
        .all(m.snapshotId) as { parts: number; revision: number; n: number }[];
      const first = staged[0];
      if (first && (staged.length > 1 || first.parts !== m.parts || first.revision !== m.revision)) {
        outcome = {
          status: "inconsistent",
          detail: `part ${m.part} says ${m.parts} parts at revision ${m.revision}; staged parts say ${first.parts} at ${first.revision}`,
        };
        return;
      }
      const inserted = db
        .query(
          "insert or ignore into snapshot_parts (snapshot_id, part, parts, revision, entries) values (?, ?, ?, ?, ?)",
        )
        .run(m.snapshotId, m.part, m.parts, m.revision, JSON.stringify(m.entries));
      if (inserted.changes === 0) return;
      const count = (first?.n ?? 0) + 1;
      if (count < m.parts) {
        outcome = { status: "staged", staged: count, parts: m.parts };
        return;
      }
      const before = new Map<string, string>();
      for (const r of db.query("select kind, key, data from desired_state").all() as {
        kind: string;
        key: string;
        data: string;
      }[]) {
        before.set(`${r.kind}\u0000${r.key}`, r.data);
      }
      db.exec("delete from desired_state");
      let entries = 0;
      const rows = db.query("select entries from snapshot_parts where snapshot_id = ? order by part").all(m.snapshotId);
      for (const row of rows as { entries: string }[]) {
        for (const e of JSON.parse(row.entries) as StateEntry[]) {
          const text = JSON.stringify(e.data);
          this.upsert.run(e.kind, e.key, text);
          entries++;
          const id = `${e.kind}\u0000${e.key}`;
          const old = before.get(id);
          before.delete(id);
          if (old !== text) snapshotChanges.push({ kind: e.kind, key: e.key, before: parseData(old), after: e.data });
        }
      }
      for (const [id, old] of before) {
        const [kind, key] = id.split("\u0000") as [string, string];
        snapshotChanges.push({ kind, key, before: parseData(old), after: null });
      }
      this.emitApplying(snapshotChanges, m.revision);
      db.query("delete from snapshot_parts where snapshot_id = ?").run(m.snapshotId);
      this.s.setMeta("last_snapshot_id", m.snapshotId);
      this.markApplied(m.revision);
      outcome = { status: "applied", appliedRevision: m.revision, entries };
    })();
    if ((outcome as SnapshotOutcome).status === "applied") this.emit(snapshotChanges, m.revision);
    return outcome;
  }

  entries(): StateEntry[] {
    const rows = this.s.db.query("select kind, key, data from desired_state order by kind, key").all() as {
      kind: string;
      key: string;
      data: string;
    }[];
    return rows.map((r) => ({ kind: r.kind, key: r.key, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  countsByKind(): Record<string, number> {
    const rows = this.s.db.query("select kind, count(*) as n from desired_state group by kind order by kind").all() as {
      kind: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }

  /** The shared hash of the whole state: equal to the cloud's when both hold the same entries. */
  stateHash(): string {
    return stateHash(this.entries());
  }

  /** Size of the store file's pages (desired state, journal and all). */
  bytes(): number {
    const { page_count } = this.s.db.query("pragma page_count").get() as { page_count: number };
    const { page_size } = this.s.db.query("pragma page_size").get() as { page_size: number };
    return page_count * page_size;
  }
}

/** Calls each listener with the changes (none: no call); one that throws is logged, the rest still run. */
function notify(
  listeners: ReadonlySet<AppliedListener>,
  changes: AppliedChange[],
  revision: number,
  failed: string,
): void {
  if (changes.length === 0) return;
  for (const listener of listeners) {
    try {
      listener(changes, revision);
    } catch (error) {
      console.error(JSON.stringify({ level: "error", msg: failed, err: String(error) }));
    }
  }
}

function parseData(text: string | null | undefined): Record<string, unknown> | null {
  return text == null ? null : (JSON.parse(text) as Record<string, unknown>);
}
