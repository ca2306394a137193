import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { removeTempDirs, tempDataDir } from "../testing/fixtures.ts";
import { captureLogs } from "../testing/logs.ts";
import { openStoreDatabase, STORE_FILE } from "./database.ts";
import { Journal, JournalClosedError, JournalFailedError, JournalFullError } from "./journal.ts";

afterAll(removeTempDirs);

function open(dataDir: string, maxBytes = 1024 * 1024) {
  const logs = captureLogs();
  const db = openStoreDatabase(dataDir);
  const journal = new Journal(db, { maxBytes, groupCommitMs: 10, logger: logs.logger });
  return { db, journal, logs };
}

describe("journal", () => {
  test("200 parallel appends commit in one transaction and each resolves with its own seq, in order", async () => {
    const { db, journal } = open(tempDataDir());
    const seqs = await Promise.all(Array.from({ length: 200 }, (_, i) => journal.append("radius.acct", { i })));
    expect(journal.commits).toBeLessThanOrEqual(2);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // Another connection sees them: resolved means committed, not buffered.
    const other = new Database(db.path, { readonly: true });
    expect((other.query("select count(*) as n from journal").get() as { n: number }).n).toBe(200);
    other.close();
    expect(journal.readAfter(0, 1000).map((r) => r.data.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    db.close();
  });

  test("a group of 500 commits at once, without waiting for the delay", async () => {
    const logs = captureLogs();
    const db = openStoreDatabase(tempDataDir());
    const journal = new Journal(db, { maxBytes: 1 << 30, groupCommitMs: 60_000, logger: logs.logger });
    const started = performance.now();
    await Promise.all(Array.from({ length: 500 }, (_, i) => journal.append("test.load", { i })));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(journal.commits).toBe(1);
    db.close();
  });

  test("groupCommitMs 0: the appends of one event-loop turn share a commit, the next turn's get their own", async () => {
    const logs = captureLogs();
    const db = openStoreDatabase(tempDataDir());
    const journal = new Journal(db, { maxBytes: 1 << 30, groupCommitMs: 0, logger: logs.logger });
    const first = Array.from({ length: 50 }, (_, i) => journal.append("test.load", { i }));
    expect(journal.commits).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(journal.commits).toBe(1);
    const second = journal.append("test.load", { i: 50 });
    expect(await Promise.all(first)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await second).toBe(51);
    expect(journal.commits).toBe(2);
    journal.close();
    db.close();
  });

  test("an append resolves only after the WAL was flushed to disk; one flush at a time covers every earlier commit", async () => {
    const logs = captureLogs();
    const db = openStoreDatabase(tempDataDir());
    const flushes: { fd: number; done: (error: Error | null) => void }[] = [];
    const journal = new Journal(db, {
      maxBytes: 1 << 30,
      groupCommitMs: 0,
      logger: logs.logger,
      syncFile: (fd, done) => flushes.push({ fd, done }),
    });
    const settled: number[] = [];
    const track = (p: Promise<number>) => p.then((seq) => settled.push(seq));
    const first = [track(journal.append("test.load", { i: 1 })), track(journal.append("test.load", { i: 2 }))];
    await new Promise((resolve) => setImmediate(resolve));
    expect(journal.commits).toBe(1);
    expect(flushes).toHaveLength(1);
    // Committed (another connection sees the rows) but not answered: the flush has not returned.
    expect(db.db.query("select count(*) as n from journal").get()).toEqual({ n: 2 });
    await Bun.sleep(5);
    expect(settled).toEqual([]);
    // A commit while the flush runs waits for the next flush, which starts only after this one.
    const later = track(journal.append("test.load", { i: 3 }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(journal.commits).toBe(2);
    expect(flushes).toHaveLength(1);
    flushes[0]?.done(null);
    await Promise.all(first);
    expect(settled).toEqual([1, 2]);
    expect(flushes).toHaveLength(2);
    expect(flushes[1]?.fd).toBe(flushes[0]?.fd as number);
    flushes[1]?.done(null);
    await later;
    expect(settled).toEqual([1, 2, 3]);
    journal.close();
    db.close();
  });

  test("a failed flush rejects its appends and those committed after it (the NAS retries), and the journal refuses more", async () => {
    const logs = captureLogs();
    const db = openStoreDatabase(tempDataDir());
    const flushes: ((error: Error | null) => void)[] = [];
    const journal = new Journal(db, {
      maxBytes: 1 << 30,
      groupCommitMs: 0,
      logger: logs.logger,
      syncFile: (_fd, done) => flushes.push(done),
    });
    const told: unknown[] = [];
    journal.onRefusing((refusing) => told.push(refusing));
    const failed = journal.append("test.load", { i: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    // Committed while the failing flush runs: a later flush would not make it safe either.
    const behind = journal.append("test.load", { i: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(journal.commits).toBe(2);
    flushes[0]?.(Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" }));
    await expect(failed).rejects.toMatchObject({ code: "journal.failed", message: expect.stringContaining("EIO") });
    await expect(behind).rejects.toMatchObject({ code: "journal.failed" });
    expect(logs.find("journal flush to disk failed").map((l) => l.records)).toEqual([2]);
    await expect(journal.append("test.load", { i: 3 })).rejects.toBeInstanceOf(JournalFailedError);
    expect(flushes).toHaveLength(1);
    // The heartbeat carries it to the site's page until the agent restarts.
    expect(journal.status().refusing).toBe("failed");
    expect(told).toEqual(["failed"]);
    journal.close();
    db.close();
  });

  test("close() flushes what still waits for a flush before it returns", async () => {
    const db = openStoreDatabase(tempDataDir());
    const journal = new Journal(db, {
      maxBytes: 1 << 30,
      groupCommitMs: 0,
      logger: captureLogs().logger,
      syncFile: () => {}, // never calls back
    });
    const waiting = journal.append("test.load", { i: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    journal.close();
    expect(await waiting).toBe(1);
    db.close();
  });

  test("a record resolved before the process is killed is in the store afterwards", async () => {
    const dataDir = tempDataDir();
    const script = `
      import { openStoreDatabase } from "${join(import.meta.dir, "database.ts")}";
      import { Journal } from "${join(import.meta.dir, "journal.ts")}";
      import { createLogger } from "@kilusi/shared/logger";
      const journal = new Journal(openStoreDatabase(process.env.DATA_DIR), { maxBytes: 1 << 20, groupCommitMs: 10, logger: createLogger({ name: "t", level: "silent" }) });
      const seq = await journal.append("radius.acct", { session: "abc" });
      process.stdout.write("committed " + seq + "\\n");
      await new Promise(() => {});
    `;
    const proc = Bun.spawn([process.execPath, "-e", script], {
      cwd: import.meta.dir,
      env: { ...process.env, DATA_DIR: dataDir },
      stdout: "pipe",
    });
    const reader = proc.stdout.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe("committed 1\n");
    proc.kill("SIGKILL");
    await proc.exited;
    const { db, journal } = open(dataDir);
    expect(journal.readAfter(0, 10)).toMatchObject([{ seq: 1, kind: "radius.acct", data: { session: "abc" } }]);
    db.close();
  });

  test("seqs keep rising after a restart, even when every record was acked and deleted", async () => {
    const dataDir = tempDataDir();
    const first = open(dataDir);
    await Promise.all([1, 2, 3].map((i) => first.journal.append("agent.event", { i })));
    first.journal.ack([[1, 3]]);
    expect(first.journal.status().backlog).toBe(0);
    first.db.close();
    const second = open(dataDir);
    expect(await second.journal.append("agent.event", { i: 4 })).toBe(4);
    second.db.close();
  });

  test("only the acknowledged seqs are deleted, and acking them again changes nothing", async () => {
    const { db, journal } = open(tempDataDir());
    await Promise.all(Array.from({ length: 10 }, (_, i) => journal.append("radius.acct", { i: i + 1 })));
    const before = journal.status();
    expect(before.backlog).toBe(10);
    expect(
      journal.ack([
        [2, 4],
        [7, 7],
      ]),
    ).toEqual({ deleted: 4, bytes: 4 * Buffer.byteLength('{"i":1}') });
    expect(journal.readAfter(0, 100).map((r) => r.seq)).toEqual([1, 5, 6, 8, 9, 10]);
    expect(journal.ack([[2, 4]])).toEqual({ deleted: 0, bytes: 0 });
    const after = journal.status();
    expect(after.backlog).toBe(6);
    expect(after.bytes).toBe(before.bytes - 4 * 7);
    journal.ack([[1, 1]]);
    expect(journal.status().oldestAt).toBe(journal.readAfter(0, 1)[0]?.at as string);
    db.close();
  });

  test("records and their bytes survive closing and reopening the store", async () => {
    const dataDir = tempDataDir();
    const first = open(dataDir);
    await first.journal.append("radius.acct", { user: "budi", octets: 12_345, nested: { a: [1, 2] } });
    const status = first.journal.status();
    first.db.close();
    const second = open(dataDir);
    expect(second.journal.status()).toEqual(status);
    const [record] = second.journal.readAfter(0, 10);
    expect(record).toMatchObject({
      seq: 1,
      kind: "radius.acct",
      data: { user: "budi", octets: 12_345, nested: { a: [1, 2] } },
    });
    expect(record?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    second.db.close();
  });

  test("crossing 50, 80 and 95 % warns and journals one agent.alert each; a full journal refuses appends", async () => {
    const cap = 10_000;
    const { db, journal, logs } = open(tempDataDir(), cap);
    const record = { pad: "x".repeat(990) }; // 1000 bytes of data
    const seqs: number[] = [];
    for (let i = 0; i < 9; i++) seqs.push(await journal.append("test.load", record));
    await Bun.sleep(30); // the alerts are appended by the commit that crossed the level
    const alerts = journal.readAfter(0, 100).filter((r) => r.kind === "agent.alert");
    expect(alerts.map((a) => a.data.level)).toEqual([50, 80]);
    expect(alerts[0]?.data).toEqual({ level: 50, bytes: 5000, capBytes: cap });
    expect(logs.find("% of its cap").map((l) => l.level)).toEqual(["warn", "warn"]);

    await journal.append("test.load", { pad: "x".repeat(500 - 10) }); // to ≥ 95 %
    await Bun.sleep(30);
    expect(
      journal
        .readAfter(0, 100)
        .filter((r) => r.kind === "agent.alert")
        .map((a) => a.data.level),
    ).toEqual([50, 80, 95]);

    const held = journal.status();
    const told: unknown[] = [];
    journal.onRefusing((refusing) => told.push(refusing));
    const refused = journal.append("test.load", record);
    await expect(refused).rejects.toBeInstanceOf(JournalFullError);
    await expect(journal.append("test.load", record)).rejects.toThrow(/journal full/);
    expect(logs.lines.filter((l) => l.level === "error" && String(l.msg).includes("journal full"))).toHaveLength(1);
    // Nothing was dropped or overwritten to make room; the status says why appends go unanswered.
    expect(held.refusing).toBeNull();
    expect(journal.status()).toEqual({ ...held, refusing: "full" });
    expect(journal.readAfter(0, 100).filter((r) => r.kind === "test.load")).toHaveLength(10);

    // Falling below re-arms a level: crossing 50 % again alerts again.
    journal.ack([[1, seqs[8] as number]]);
    expect(journal.status().bytes).toBeLessThan(cap / 2);
    const mark = (await journal.append("test.load", record)) as number;
    expect(journal.status().refusing).toBeNull();
    // Told once when it started refusing (not at each refusal) and once when it took one again.
    expect(told).toEqual(["full", null]);
    for (let i = 0; i < 4; i++) await journal.append("test.load", record);
    await Bun.sleep(30);
    const again = journal.readAfter(mark, 100).filter((r) => r.kind === "agent.alert");
    expect(again.map((a) => a.data.level)).toEqual([50]);
    db.close();
  });

  test("bad kinds and non-object data are refused; after close, appends fail and accepted ones are committed", async () => {
    const { db, journal } = open(tempDataDir());
    await expect(journal.append("Bad Kind", {})).rejects.toThrow(/bad kind/);
    await expect(journal.append("ok.kind", [] as unknown as Record<string, unknown>)).rejects.toThrow(/object/);
    const accepted = journal.append("agent.event", { last: true });
    journal.close();
    expect(await accepted).toBe(1);
    await expect(journal.append("agent.event", {})).rejects.toBeInstanceOf(JournalClosedError);
    db.close();
  });

  test("the store file is readable by its owner only", () => {
    const dataDir = tempDataDir();
    const { db } = open(dataDir);
    const mode = Bun.file(join(dataDir, STORE_FILE)).stat();
    return mode.then((s) => {
      expect(s.mode & 0o777).toBe(0o600);
      db.close();
    });
  });
});
