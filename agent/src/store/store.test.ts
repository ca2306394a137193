import { afterAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import type { Change, DownMessage, StateEntry } from "@kilusi/shared/sync/messages";
import { stateHash } from "@kilusi/shared/sync/state-hash";
import { removeTempDirs, tempDataDir } from "../testing/fixtures.ts";
import { openStoreDatabase } from "./database.ts";
import { DesiredStateStore } from "./store.ts";

afterAll(removeTempDirs);

function openStore(dataDir = tempDataDir()) {
  const db = openStoreDatabase(dataDir);
  return { db, store: new DesiredStateStore(db) };
}

const upsert = (revision: number, kind: string, key: string, data: Record<string, unknown>): Change => ({
  revision,
  kind,
  key,
  op: "upsert",
  reason: null,
  data,
});
const remove = (revision: number, kind: string, key: string): Change => ({
  revision,
  kind,
  key,
  op: "delete",
  reason: "removed",
  data: null,
});

function changes(sinceRevision: number, toRevision: number, list: Change[], currentRevision = toRevision) {
  return { v: 1, sinceRevision, toRevision, currentRevision, changes: list } as DownMessage<"changes">;
}

function snapshotParts(revision: number, entries: StateEntry[], parts: number): DownMessage<"snapshot">[] {
  const snapshotId = randomUUID();
  const size = Math.ceil(entries.length / parts);
  return Array.from({ length: parts }, (_, part) => ({
    v: 1 as const,
    snapshotId,
    revision,
    part,
    parts,
    entries: entries.slice(part * size, (part + 1) * size),
  }));
}

const first = changes(0, 3, [
  upsert(1, "subscriber", "budi", { plan: "10M", isolated: false }),
  upsert(2, "nas", "core", { ip: "10.0.0.1" }),
  upsert(3, "subscriber", "sari", { plan: "20M", isolated: false }),
]);
const second = changes(3, 6, [
  upsert(4, "subscriber", "budi", { plan: "10M", isolated: true }),
  remove(5, "subscriber", "sari"),
  remove(6, "subscriber", "nobody"),
]);
const expected: StateEntry[] = [
  { kind: "nas", key: "core", data: { ip: "10.0.0.1" } },
  { kind: "subscriber", key: "budi", data: { isolated: true, plan: "10M" } },
];

describe("desired state", () => {
  test("changes apply in order, revision and state together; the hash equals the shared hash of the entries", () => {
    const { db, store } = openStore();
    expect(store.syncedAt()).toBeNull();
    expect(store.applyChanges(first)).toEqual({ status: "applied", appliedRevision: 3 });
    expect(store.applyChanges(second)).toEqual({ status: "applied", appliedRevision: 6 });
    expect(store.appliedRevision()).toBe(6);
    expect(store.syncedAt()).not.toBeNull();
    expect(store.entries()).toEqual(expected);
    expect(store.stateHash()).toBe(stateHash(expected));
    expect(store.countsByKind()).toEqual({ nas: 1, subscriber: 1 });
    db.close();
  });

  test("a batch received again, or one not starting at the applied revision, changes nothing", () => {
    const { db, store } = openStore();
    store.applyChanges(first);
    store.applyChanges(second);
    const hash = store.stateHash();
    expect(store.applyChanges(second)).toEqual({ status: "stale", appliedRevision: 6 });
    expect(store.applyChanges(first)).toEqual({ status: "stale", appliedRevision: 6 });
    expect(store.applyChanges(changes(7, 8, [upsert(8, "nas", "edge", { ip: "10.0.0.2" })]))).toEqual({
      status: "stale",
      appliedRevision: 6,
    });
    expect(store.stateHash()).toBe(hash);
    expect(store.appliedRevision()).toBe(6);
    db.close();
  });

  test("changes are idempotent: upserting the same data and deleting what is gone leave the same state", () => {
    const { db, store } = openStore();
    store.applyChanges(first);
    store.applyChanges(second);
    const replay = changes(6, 9, [
      upsert(7, "subscriber", "budi", { plan: "10M", isolated: true }),
      remove(8, "subscriber", "sari"),
      upsert(9, "nas", "core", { ip: "10.0.0.1" }),
    ]);
    store.applyChanges(replay);
    expect(store.appliedRevision()).toBe(9);
    expect(store.stateHash()).toBe(stateHash(expected));
    db.close();
  });

  test("an upsert without data is refused whole, applying none of the batch", () => {
    const { db, store } = openStore();
    const bad = changes(0, 2, [upsert(1, "nas", "a", { ip: "1" }), { ...upsert(2, "nas", "b", {}), data: null }]);
    expect(store.applyChanges(bad)).toMatchObject({ status: "invalid", detail: expect.stringContaining("nas/b") });
    expect(store.appliedRevision()).toBe(0);
    expect(store.entries()).toEqual([]);
    db.close();
  });

  test("snapshot parts out of order and duplicated give the same state as in order; nothing changes before the last", () => {
    const entries: StateEntry[] = Array.from({ length: 25 }, (_, i) => ({
      kind: i % 3 === 0 ? "nas" : "subscriber",
      key: `k${i}`,
      data: { i, tags: [i, String(i)] },
    }));
    const inOrder = openStore();
    inOrder.store.applyChanges(first); // replaced entirely by the snapshot
    for (const part of snapshotParts(40, entries, 4)) inOrder.store.stageSnapshotPart(part);

    const shuffled = openStore();
    shuffled.store.applyChanges(first);
    const parts = snapshotParts(40, entries, 4);
    const [p0, p1, p2, p3] = parts as [DownMessage<"snapshot">, ...DownMessage<"snapshot">[]];
    expect(shuffled.store.stageSnapshotPart(p2 as DownMessage<"snapshot">)).toEqual({
      status: "staged",
      staged: 1,
      parts: 4,
    });
    expect(shuffled.store.stageSnapshotPart(p0)).toEqual({ status: "staged", staged: 2, parts: 4 });
    expect(shuffled.store.stageSnapshotPart(p2 as DownMessage<"snapshot">)).toEqual({ status: "duplicate" });
    expect(shuffled.store.stageSnapshotPart(p3 as DownMessage<"snapshot">)).toEqual({
      status: "staged",
      staged: 3,
      parts: 4,
    });
    // Still the old state, at the old revision, until the set is complete.
    expect(shuffled.store.appliedRevision()).toBe(3);
    expect(shuffled.store.countsByKind()).toEqual({ nas: 1, subscriber: 2 });
    expect(shuffled.store.stageSnapshotPart(p1 as DownMessage<"snapshot">)).toEqual({
      status: "applied",
      appliedRevision: 40,
      entries: 25,
    });
    expect(shuffled.store.stageSnapshotPart(p0)).toEqual({ status: "duplicate" });

    expect(shuffled.store.appliedRevision()).toBe(40);
    expect(shuffled.store.stateHash()).toBe(stateHash(entries));
    expect(inOrder.store.stateHash()).toBe(stateHash(entries));
    expect(shuffled.store.entries()).toEqual(inOrder.store.entries());
    const staged = shuffled.db.db.query("select count(*) as n from snapshot_parts").get() as { n: number };
    expect(staged.n).toBe(0);
    inOrder.db.close();
    shuffled.db.close();
  });

  test("a new snapshotId discards a snapshot left half staged", () => {
    const { db, store } = openStore();
    const stale = snapshotParts(10, [{ kind: "nas", key: "old", data: {} }], 2);
    store.stageSnapshotPart(stale[0] as DownMessage<"snapshot">);
    const fresh = snapshotParts(12, [{ kind: "nas", key: "new", data: { ok: true } }], 1);
    expect(store.stageSnapshotPart(fresh[0] as DownMessage<"snapshot">)).toMatchObject({ status: "applied" });
    // The abandoned snapshot's other part, arriving late, is stale: it neither applies nor displaces.
    expect(store.stageSnapshotPart(stale[1] as DownMessage<"snapshot">)).toEqual({ status: "stale" });
    expect(store.appliedRevision()).toBe(12);
    expect(store.entries()).toEqual([{ kind: "nas", key: "new", data: { ok: true } }]);
    db.close();
  });

  test("a late part of an abandoned snapshot does not displace the parts of the newer one", () => {
    const { db, store } = openStore();
    const older = snapshotParts(
      10,
      [
        { kind: "nas", key: "old", data: {} },
        { kind: "nas", key: "old2", data: {} },
      ],
      2,
    );
    const newer = snapshotParts(
      12,
      [
        { kind: "nas", key: "a", data: {} },
        { kind: "nas", key: "b", data: {} },
      ],
      2,
    );
    store.stageSnapshotPart(older[0] as DownMessage<"snapshot">);
    store.stageSnapshotPart(newer[0] as DownMessage<"snapshot">);
    expect(store.stageSnapshotPart(older[1] as DownMessage<"snapshot">)).toEqual({ status: "stale" });
    expect(store.stageSnapshotPart(newer[1] as DownMessage<"snapshot">)).toMatchObject({ status: "applied" });
    expect(store.entries().map((e) => e.key)).toEqual(["a", "b"]);
    db.close();
  });

  test("parts of one snapshotId that disagree on parts or revision are refused", () => {
    const { db, store } = openStore();
    const parts = snapshotParts(5, [{ kind: "nas", key: "a", data: {} }], 2);
    store.stageSnapshotPart(parts[0] as DownMessage<"snapshot">);
    const liar = { ...(parts[1] as DownMessage<"snapshot">), revision: 6 };
    expect(store.stageSnapshotPart(liar)).toMatchObject({ status: "inconsistent" });
    expect(store.appliedRevision()).toBe(0);
    db.close();
  });

  test("an empty snapshot at revision 0 counts as synced", () => {
    const { db, store } = openStore();
    const [only] = snapshotParts(0, [], 1);
    expect(store.stageSnapshotPart(only as DownMessage<"snapshot">)).toMatchObject({ status: "applied", entries: 0 });
    expect(store.syncedAt()).not.toBeNull();
    expect(store.stateHash()).toBe(stateHash([]));
    db.close();
  });

  test("the state and its revision survive reopening the store", () => {
    const dataDir = tempDataDir();
    const a = openStore(dataDir);
    a.store.applyChanges(first);
    a.store.applyChanges(second);
    a.db.close();
    const b = openStore(dataDir);
    expect(b.store.appliedRevision()).toBe(6);
    expect(b.store.stateHash()).toBe(stateHash(expected));
    b.db.close();
  });
});
