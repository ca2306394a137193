// Commands, heartbeats and refused messages against a real broker, the cloud played by a raw client.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { MAX_MESSAGE_BYTES } from "@kilusi/shared/sync/messages";
import { DOWN_NAMES } from "@kilusi/shared/sync/topics";
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

async function command(s: AgentSession, name: string, opts: { cmdId?: string; notAfterMs?: number } = {}) {
  const cmdId = opts.cmdId ?? randomUUID();
  const mark = s.cloud.mark();
  await s.cloud.send("command", {
    v: 1,
    cmdId,
    name,
    args: {},
    notAfter: new Date(Date.now() + (opts.notAfterMs ?? 60_000)).toISOString(),
  });
  return s.cloud.waitFor("command-result", (r) => r.cmdId === cmdId, { from: mark });
}

describe("commands over MQTT", () => {
  test("diagnostics answers with the agent's state; a duplicate cmdId gets the same result; expired and unknown are refused", async () => {
    const s = await startSession(broker.url);
    await s.cloud.waitFor("sync-request");
    await s.agent.journal.append("agent.event", { n: 1 });
    const cmdId = randomUUID();
    const result = await command(s, "diagnostics", { cmdId });
    expect(result).toMatchObject({ v: 1, agentId: s.agentId, cmdId, ok: true, error: null });
    expect(result.result).toMatchObject({
      agentVersion: AGENT_VERSION,
      protocol: 1,
      appliedRevision: 0,
      store: { entries: {} },
      journal: { capBytes: 256 * 1024 * 1024 },
      clock: { now: expect.any(String) },
      rejectedMessages: {},
      runtime: { bun: Bun.version, os: process.platform, arch: process.arch },
    });
    const r = result.result as { store: { bytes: number }; journal: { backlog: number }; uptimeSeconds: number };
    expect(r.store.bytes).toBeGreaterThan(0);
    expect(r.journal.backlog).toBeGreaterThanOrEqual(1);

    await Bun.sleep(20);
    expect(await command(s, "diagnostics", { cmdId })).toEqual(result); // stored, not run again

    expect(await command(s, "diagnostics", { notAfterMs: -1_000 })).toMatchObject({
      ok: false,
      result: null,
      error: { code: "command.expired" },
    });
    expect(await command(s, "reboot-everything")).toMatchObject({ ok: false, error: { code: "command.unknown" } });
    expect(s.cloud.invalid).toEqual([]);
  });
});

describe("heartbeat over MQTT", () => {
  test("the next heartbeat carries the round trip and the cloud's clock skew measured from the ack", async () => {
    const s = await startSession(broker.url);
    s.cloud.on((r) => {
      if (r.name !== "heartbeat") return;
      const sentAt = (r.message as { sentAt: number }).sentAt;
      void s.cloud.send("heartbeat-ack", { v: 1, echoSentAt: sentAt, cloudAt: Date.now() + 3_000 });
    });
    const measured = await s.cloud.waitFor("heartbeat", (h) => h.rttMs !== null, { timeoutMs: 4_000 });
    expect(measured.rttMs).toBeGreaterThanOrEqual(0);
    expect(measured.rttMs).toBeLessThan(1_000);
    expect(Math.abs((measured.clockSkewMs as number) - 3_000)).toBeLessThan(500);
    expect(measured).toMatchObject({ agentId: s.agentId, journal: { backlog: 0, oldestAt: null } });
  });
});

describe("refused messages", () => {
  test("non-JSON, oversized and wrong-schema payloads on every down topic: one warn line and one count each; the agent carries on", async () => {
    const s = await startSession(broker.url, { welcome: false });
    await s.cloud.waitFor("hello");
    const oversized = Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20);
    for (const name of DOWN_NAMES) {
      await s.cloud.sendRaw(name, "{not json");
      await s.cloud.sendRaw(name, oversized);
      await s.cloud.sendRaw(name, JSON.stringify({ v: 2, surprise: true }));
    }
    await s.cloud.sendRaw("bogus", "{}");
    const expected: Record<string, number> = { "bogus:unknown_topic": 1 };
    for (const name of DOWN_NAMES)
      for (const reason of ["not_json", "oversized", "schema"]) expected[`${name}:${reason}`] = 1;
    await eventually("all counted", () => Object.keys(s.agent.status().rejectedMessages).length === 22, 5_000);
    expect(s.agent.status().rejectedMessages).toEqual(expected);

    const warnings = s.logs.find("down message rejected");
    expect(warnings).toHaveLength(22);
    expect(warnings.every((w) => w.level === "warn")).toBe(true);
    expect(warnings.find((w) => w.reason === "oversized" && String(w.topic).endsWith("/down/command"))).toMatchObject({
      detail: `${MAX_MESSAGE_BYTES + 1} bytes > ${MAX_MESSAGE_BYTES}`,
    });
    expect(
      warnings.find((w) => w.reason === "schema" && String(w.topic).endsWith("/down/welcome"))?.detail,
    ).toBeString();

    // Still working: welcomed, syncing, answering commands, reporting what it refused.
    await s.cloud.send("welcome", { v: 1, protocol: 1, supported: [1], currentRevision: 0 });
    await s.cloud.waitFor("sync-request");
    const result = await command(s, "diagnostics");
    expect((result.result as { rejectedMessages: unknown }).rejectedMessages).toEqual(expected);
    expect(s.agent.status().connected).toBe(true);
  });
});

describe("shutdown", () => {
  test("stop commits accepted appends, refuses new ones, and leaves a retained offline presence", async () => {
    const s = await startSession(broker.url);
    await s.cloud.waitFor("sync-request");
    const pending = s.agent.journal.append("agent.event", { last: true });
    const stopped = s.agent.stop();
    await expect(s.agent.journal.append("agent.event", {})).rejects.toThrow(/shutting down/);
    expect(await pending).toBe(1);
    await stopped;
    const offline = s.cloud.all("presence").at(-1);
    expect(offline).toMatchObject({ state: "offline", agentId: s.agentId });
    expect(await s.cloud.retained("presence")).toMatchObject({ state: "offline" });
    expect(s.logs.find("unreachable")).toEqual([]);
  });
});
