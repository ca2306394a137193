// The journal's way up against a real broker, the cloud played by a raw client that acks ranges.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { UpMessage } from "@kilusi/shared/sync/messages";
import { startAgent } from "../agent.ts";
import { freePort, startTestBroker, type TestBroker } from "../testing/broker.ts";
import { CloudPeer } from "../testing/cloud-peer.ts";
import { enrolledDataDir, removeTempDirs, testConfig } from "../testing/fixtures.ts";
import { captureLogs, eventually } from "../testing/logs.ts";
import { startSession, stopSessions } from "../testing/session.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterEach(stopSessions);
afterAll(async () => {
  await broker.close();
  removeTempDirs();
});

type Batch = UpMessage<"journal">;
const seqs = (b: Batch) => b.records.map((r) => r.seq);
const range = (b: Batch): [number, number] => [b.records[0]?.seq as number, b.records.at(-1)?.seq as number];

describe("journal over MQTT", () => {
  test("batches in seq order, a bounded window, deletion only on the cloud's ack, re-sent when unacked", async () => {
    const s = await startSession(broker.url, {
      welcome: false,
      env: { KILUSI_AGENT_JOURNAL_WINDOW: "2", KILUSI_AGENT_JOURNAL_BATCH_RECORDS: "100" },
    });
    await Promise.all(Array.from({ length: 450 }, (_, i) => s.agent.journal.append("radius.acct", { i })));
    await s.cloud.waitFor("hello");
    await Bun.sleep(200);
    expect(s.cloud.all("journal")).toEqual([]); // nothing before the welcome agrees a protocol
    await s.cloud.send("welcome", { v: 1, protocol: 1, supported: [1], currentRevision: 0 });

    await eventually("two batches", () => s.cloud.all("journal").length === 2);
    await Bun.sleep(300);
    const [b1, b2] = s.cloud.all("journal") as [Batch, Batch];
    expect(s.cloud.all("journal")).toHaveLength(2); // the window is full
    expect(range(b1)).toEqual([1, 100]);
    expect(range(b2)).toEqual([101, 200]);
    expect(b1.agentId).toBe(s.agentId);
    expect(b1.records[0]).toMatchObject({ seq: 1, kind: "radius.acct", data: { i: 0 } });
    // The broker has PUBACKed both batches; the records are still held.
    expect(s.agent.status().journal.backlog).toBe(450);

    await s.cloud.send("journal-ack", { v: 1, agentId: s.agentId, ranges: [range(b1)] });
    const b3 = await s.cloud.waitFor("journal", (b) => b.records[0]?.seq === 201);
    expect(range(b3)).toEqual([201, 300]);
    expect(s.agent.status().journal.backlog).toBe(350);

    // Batch 2 and 3 unacked past the timeout (2 s here): sent again, same records.
    const again = await s.cloud.waitFor("journal", (b) => b.records[0]?.seq === 101, {
      from: s.cloud.mark(),
      timeoutMs: 4_000,
    });
    expect(seqs(again)).toEqual(seqs(b2));
    expect(s.logs.find("sent again").length).toBeGreaterThanOrEqual(1);

    // A partial ack: exactly those seqs go, and the rest of the batch is what is re-sent.
    await s.cloud.send("journal-ack", {
      v: 1,
      agentId: s.agentId,
      ranges: [
        [101, 200],
        [201, 250],
      ],
    });
    await eventually("acked", () => s.agent.status().journal.backlog === 200);
    const mark = s.cloud.mark();
    const rest = await s.cloud.waitFor("journal", (b) => b.records[0]?.seq === 251, { from: mark, timeoutMs: 4_000 });
    expect(range(rest)).toEqual([251, 300]);

    // An ack naming another agent deletes nothing and is counted.
    await s.cloud.send("journal-ack", {
      v: 1,
      agentId: "00000000-0000-4000-8000-000000000000",
      ranges: [[1, 1000]],
    });
    await eventually("mismatch counted", () => s.agent.status().rejectedMessages["journal-ack:agent_mismatch"] === 1);
    expect(s.agent.status().journal.backlog).toBe(200);

    await s.cloud.send("journal-ack", { v: 1, agentId: s.agentId, ranges: [[251, 450]] });
    await eventually("drained", () => s.agent.status().journal.backlog === 0);
    expect(s.agent.status().journal.oldestAt).toBeNull();
    expect(s.cloud.invalid).toEqual([]);
  });

  test("after a reconnect everything unacknowledged is sent again; acked records are not", async () => {
    const s = await startSession(broker.url, { env: { KILUSI_AGENT_JOURNAL_ACK_TIMEOUT_SECONDS: "60" } });
    await s.cloud.waitFor("sync-request");
    await Promise.all(Array.from({ length: 30 }, (_, i) => s.agent.journal.append("agent.event", { i })));
    await eventually("sent", () => s.cloud.all("journal").flatMap(seqs).length >= 30);
    await s.cloud.send("journal-ack", { v: 1, agentId: s.agentId, ranges: [[1, 10]] });
    await eventually("acked", () => s.agent.status().journal.backlog === 20);

    const mark = s.cloud.mark();
    expect(broker.dropClient(`${s.site.tenantId}.${s.agentId}`)).toBe(true);
    // The broker publishes the last will; the agent reconnects and says online again.
    await s.cloud.waitFor("presence", (p) => p.state === "offline", { from: mark });
    await s.cloud.waitFor("hello", undefined, { from: mark });
    const resent = await s.cloud.waitFor("journal", undefined, { from: mark });
    expect(seqs(resent)).toEqual(Array.from({ length: 20 }, (_, i) => i + 11));
    expect(s.agent.status().journal.backlog).toBe(20);
    await s.cloud.send("journal-ack", { v: 1, agentId: s.agentId, ranges: [[11, 30]] });
    await eventually("drained", () => s.agent.status().journal.backlog === 0);
    expect(s.logs.find("unreachable")).toHaveLength(1);
  });

  test("a broker refusing the subscription: an error line, no crash, reconnects with growing backoff", async () => {
    const strict = await startTestBroker(0, undefined, { refuseSubscriptions: true });
    const { dataDir } = enrolledDataDir(strict.url);
    const logs = captureLogs();
    const agent = await startAgent(testConfig(dataDir), logs.logger);
    try {
      await eventually("refusal logged", () => logs.find("refused the subscription")[0]);
      await Bun.sleep(1_000);
      expect(logs.find("refused the subscription")[0]).toMatchObject({ level: "error" });
      // 0.1 s doubling to 0.5 s: a handful of attempts in a second, not one per connect.
      const attempts = logs.lines.filter((l) => l.msg === "reconnect scheduled").map((l) => l.attempt as number);
      expect(attempts.length).toBeLessThan(8);
      expect(Math.max(...attempts)).toBe(attempts.length);
      expect(agent.status().connected).toBe(false);
      expect(await agent.journal.append("agent.event", {})).toBe(1);
    } finally {
      await agent.stop();
      await strict.close();
    }
  });

  test("starts with the broker down: journals locally, logs the outage once, sends once it is up", async () => {
    const port = await freePort();
    const url = `mqtt://127.0.0.1:${port}`;
    const { dataDir, site, agentId } = enrolledDataDir(url);
    const logs = captureLogs();
    const agent = await startAgent(testConfig(dataDir), logs.logger);
    try {
      const appended = await Promise.all([1, 2, 3].map((i) => agent.journal.append("radius.acct", { i })));
      expect(appended).toEqual([1, 2, 3]);
      await Bun.sleep(1_200); // several attempts at 0.1–0.5 s backoff
      expect(logs.lines.filter((l) => l.msg === "reconnect scheduled").length).toBeGreaterThanOrEqual(3);
      expect(logs.find("unreachable")).toHaveLength(1);
      expect(agent.status().connected).toBe(false);

      const late = await startTestBroker(port);
      try {
        const cloud = await CloudPeer.connect(late.url, site);
        cloud.on((r) => {
          if (r.name === "hello") void cloud.send("welcome", { v: 1, protocol: 1, supported: [1], currentRevision: 0 });
          if (r.name === "journal")
            void cloud.send("journal-ack", { v: 1, agentId, ranges: [range(r.message as Batch)] });
        });
        await eventually("drained", () => agent.status().journal.backlog === 0, 5_000);
        expect(cloud.all("journal").flatMap(seqs)).toEqual([1, 2, 3]);
        expect(logs.find("connected to the MQTT broker")).toHaveLength(1);
        await agent.stop();
        expect(await cloud.retained("presence")).toMatchObject({ state: "offline", agentId });
        await cloud.close();
      } finally {
        await late.close();
      }
    } finally {
      await agent.stop();
    }
    const password = logs.lines.filter((l) => JSON.stringify(l).includes("s3cret-password"));
    expect(password).toEqual([]);
  });
});
