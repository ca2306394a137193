// The desired-state half of the protocol against a real broker, the cloud played by a raw client.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import type { Change, StateEntry } from "@kilusi/shared/sync/messages";
import { stateHash } from "@kilusi/shared/sync/state-hash";
import { startTestBroker, type TestBroker } from "../testing/broker.ts";
import { removeTempDirs } from "../testing/fixtures.ts";
import { eventually } from "../testing/logs.ts";
import { type AgentSession, startSession, stopSessions } from "../testing/session.ts";
import { AGENT_VERSION } from "../version.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterEach(stopSessions);
afterAll(async () => {
  await broker.close();
  removeTempDirs();
});

const entries: StateEntry[] = Array.from({ length: 12 }, (_, i) => ({
  kind: i < 4 ? "nas" : "subscriber",
  key: `key-${i}`,
  data: { i, isolated: i % 2 === 0 },
}));

const upsert = (revision: number, key: string, data: Record<string, unknown>): Change => ({
  revision,
  kind: "subscriber",
  key,
  op: "upsert",
  reason: null,
  data,
});

async function sendSnapshot(s: AgentSession, revision: number, order: number[]) {
  const snapshotId = randomUUID();
  for (const part of order) {
    await s.cloud.send("snapshot", {
      v: 1,
      snapshotId,
      revision,
      part,
      parts: 3,
      entries: entries.slice(part * 4, part * 4 + 4),
    });
  }
}

describe("desired state over MQTT", () => {
  test("connect: presence online (retained), then hello; a new store asks for a snapshot and applies it whole", async () => {
    let current = 5;
    const s = await startSession(broker.url, { welcome: () => current });
    const hello = await s.cloud.waitFor("hello");
    expect(hello).toMatchObject({ v: 1, agentId: s.agentId, agentVersion: AGENT_VERSION, protocols: [1] });
    expect(hello.appliedRevision).toBe(0);
    expect(s.cloud.all("presence")[0]).toMatchObject({ state: "online", agentId: s.agentId });
    expect(await s.cloud.retained("presence")).toMatchObject({ state: "online", agentId: s.agentId });
    expect(s.cloud.received.findIndex((r) => r.name === "presence")).toBeLessThan(
      s.cloud.received.findIndex((r) => r.name === "hello"),
    );

    expect(await s.cloud.waitFor("sync-request")).toEqual({
      v: 1,
      agentId: s.agentId,
      sinceRevision: 0,
      snapshot: true,
    });
    await sendSnapshot(s, 5, [2, 0, 2, 1, 0]); // out of order, with duplicates
    await eventually("snapshot applied", () => s.agent.status().appliedRevision === 5);
    expect(s.agent.status().stateHash).toBe(stateHash(entries));
    expect(s.agent.status().entries).toEqual({ nas: 4, subscriber: 8 });

    // A notification of newer revisions: changes since the applied one, again until current.
    current = 9;
    const mark = s.cloud.mark();
    await s.cloud.send("notify", { v: 1, currentRevision: 7 });
    expect(await s.cloud.waitFor("sync-request", undefined, { from: mark })).toMatchObject({
      sinceRevision: 5,
      snapshot: false,
    });
    const mark2 = s.cloud.mark();
    await s.cloud.send("changes", {
      v: 1,
      sinceRevision: 5,
      toRevision: 7,
      currentRevision: 9,
      changes: [upsert(6, "key-4", { i: 4, isolated: false }), upsert(7, "new", { plan: "x" })],
    });
    expect(await s.cloud.waitFor("sync-request", undefined, { from: mark2 })).toMatchObject({ sinceRevision: 7 });
    await s.cloud.send("changes", {
      v: 1,
      sinceRevision: 7,
      toRevision: 9,
      currentRevision: 9,
      changes: [{ revision: 9, kind: "nas", key: "key-0", op: "delete", reason: "removed", data: null }],
    });
    await eventually("changes applied", () => s.agent.status().appliedRevision === 9);
    const expected = [
      ...entries.filter((e) => e.key !== "key-0" && e.key !== "key-4"),
      { kind: "subscriber", key: "key-4", data: { i: 4, isolated: false } },
      { kind: "subscriber", key: "new", data: { plan: "x" } },
    ];
    expect(s.agent.status().stateHash).toBe(stateHash(expected));

    // A stale batch (a duplicate of an earlier answer) changes nothing and asks for nothing.
    const mark3 = s.cloud.mark();
    await s.cloud.send("changes", {
      v: 1,
      sinceRevision: 5,
      toRevision: 7,
      currentRevision: 9,
      changes: [upsert(6, "key-4", { stale: true })],
    });
    await Bun.sleep(300);
    expect(s.agent.status().stateHash).toBe(stateHash(expected));
    expect(s.cloud.received.slice(mark3).filter((r) => r.name === "sync-request")).toEqual([]);

    // The heartbeat reports the applied revision; no round trip measured yet.
    expect(await s.cloud.waitFor("heartbeat", (h) => h.appliedRevision === 9)).toMatchObject({
      clockSkewMs: null,
      rttMs: null,
    });
    expect(s.cloud.invalid).toEqual([]);
  });

  test("after a restart the agent asks only for changes since its applied revision", async () => {
    const s = await startSession(broker.url, { welcome: () => 3 });
    await s.cloud.waitFor("sync-request");
    await s.cloud.send("changes", {
      v: 1,
      sinceRevision: 0,
      toRevision: 3,
      currentRevision: 3,
      changes: [upsert(3, "a", { n: 1 })],
    });
    await eventually("applied", () => s.agent.status().appliedRevision === 3);
    await s.agent.stop();
    const { startAgent } = await import("../agent.ts");
    const { testConfig } = await import("../testing/fixtures.ts");
    const mark = s.cloud.mark();
    const again = await startAgent(testConfig(s.dataDir), s.logs.logger);
    try {
      expect(await s.cloud.waitFor("hello", undefined, { from: mark })).toMatchObject({ appliedRevision: 3 });
      await s.cloud.send("welcome", { v: 1, protocol: 1, supported: [1], currentRevision: 4 });
      expect(await s.cloud.waitFor("sync-request", undefined, { from: mark })).toMatchObject({
        sinceRevision: 3,
        snapshot: false,
      });
    } finally {
      await again.stop();
    }
  });

  test("one sync request outstanding at a time; unanswered, it is sent again after the timeout", async () => {
    const s = await startSession(broker.url, { welcome: () => 4 });
    await s.cloud.waitFor("sync-request");
    const first = Date.now();
    await s.cloud.send("notify", { v: 1, currentRevision: 6 });
    await Bun.sleep(500);
    expect(s.cloud.all("sync-request")).toHaveLength(1);
    await s.cloud.waitFor("sync-request", undefined, {
      from: s.cloud.received.findIndex((r) => r.name === "sync-request") + 1,
    });
    const elapsed = Date.now() - first;
    expect(elapsed).toBeGreaterThan(1_500); // the test config's timeout is 2 s
    expect(s.cloud.all("sync-request")).toHaveLength(2);
    expect(s.logs.find("sync request unanswered")).toHaveLength(1);
  });

  test("a welcome with no common protocol: an error line, then nothing but staying connected", async () => {
    const s = await startSession(broker.url, { welcome: false });
    await s.cloud.waitFor("hello");
    await s.cloud.send("welcome", { v: 1, protocol: null, supported: [7], currentRevision: 10 });
    await s.agent.journal.append("agent.event", { n: 1 });
    await s.cloud.send("notify", { v: 1, currentRevision: 11 });
    await Bun.sleep(1_500); // beyond one heartbeat interval
    const names = new Set(s.cloud.received.map((r) => r.name));
    expect([...names].sort()).toEqual(["hello", "presence"]);
    const error = s.logs.find("no common protocol").filter((l) => l.level === "error");
    expect(error).toHaveLength(1);
    expect(error[0]).toMatchObject({ level: "error", supported: [7] });
    expect(s.agent.status()).toMatchObject({ connected: true, protocol: null });
  });

  test("a hello the cloud missed is said again until a welcome comes", async () => {
    const s = await startSession(broker.url, { welcome: false, env: { KILUSI_AGENT_SYNC_TIMEOUT_SECONDS: "0.8" } });
    await s.cloud.waitFor("hello");
    await eventually("second hello", () => s.cloud.all("hello").length >= 2, 3_000);
    await s.cloud.send("welcome", { v: 1, protocol: 1, supported: [1], currentRevision: 0 });
    await s.cloud.waitFor("sync-request");
    const hellos = s.cloud.all("hello").length;
    await Bun.sleep(1_300);
    expect(s.cloud.all("hello")).toHaveLength(hellos);
  });
});
