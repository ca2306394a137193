// The cloud's side of the sync contract, against the real control plane (PGlite, embedded
// aedes with agent authentication), with a raw MQTT client playing the agent.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type DownMessage, encodeUp, parseDown } from "@kilusi/shared/sync/messages";
import { type DownName, downTopic, type UpName, upTopic } from "@kilusi/shared/sync/topics";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import mqtt, { type MqttClient } from "mqtt";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { createEnrollmentToken } from "../agents/enrollment.usecases.ts";
import { type TestIsp, testIsp, testMeta } from "../billing/money-flow.testing.ts";
import { rowsOf } from "../db/rows.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { siteCommands } from "./commands.tables.ts";
import { requestCommand } from "./commands.usecases.ts";
import { pruneRevisionLog } from "./revision-log.ts";
import { siteStateHash } from "./snapshot.ts";

let cp: AssembledControlPlane;
let isp: TestIsp;
let planId: string;

interface FakeAgent {
  client: MqttClient;
  agentId: string;
  site: { tenantId: string; siteId: string };
  send<N extends UpName>(name: N, message: unknown): Promise<void>;
  next<N extends DownName>(name: N, timeoutMs?: number): Promise<DownMessage<N>>;
  close(): Promise<void>;
}

async function enroll(agentId = crypto.randomUUID()) {
  const { token } = await createEnrollmentToken(
    { database: cp.database, clock: { now: () => new Date() } },
    isp.actor,
    isp.siteId,
    testMeta,
  );
  const res = await cp.app.request("/api/v1/agent/enroll", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, agentId, hostname: "pop-1", agentVersion: "0.5.0-test" }),
  });
  return {
    res,
    agentId,
    body: (await res.json()) as Record<string, unknown> & { mqtt: { url: string; username: string; password: string } },
  };
}

async function fakeAgent(): Promise<FakeAgent> {
  const { body, agentId } = await enroll();
  const site = { tenantId: isp.actor.tenantId, siteId: isp.siteId };
  const client = await mqtt.connectAsync(body.mqtt.url, {
    username: body.mqtt.username,
    password: body.mqtt.password,
    protocolVersion: 4,
    clientId: body.mqtt.username,
    reconnectPeriod: 0,
  });
  const inbox = new Map<string, unknown[]>();
  const waiting = new Map<string, (m: unknown) => void>();
  client.on("message", (topic, payload) => {
    const name = topic.split("/").at(-1) as DownName;
    const parsed = parseDown(name, payload);
    if (!parsed.ok) throw new Error(`cloud sent an invalid ${name}: ${parsed.detail}`);
    const w = waiting.get(name);
    if (w) {
      waiting.delete(name);
      w(parsed.message);
    } else inbox.set(name, [...(inbox.get(name) ?? []), parsed.message]);
  });
  await client.subscribeAsync(downTopic(site, "welcome").replace("/welcome", "/#"), { qos: 1 });
  return {
    client,
    agentId,
    site,
    send: async (name, message) => {
      await client.publishAsync(
        upTopic(site, name),
        typeof message === "string" ? message : encodeUp(name, message as never),
        { qos: 1 },
      );
    },
    next: (name, timeoutMs = 5_000) => {
      const queued = inbox.get(name);
      if (queued?.length) return Promise.resolve(queued.shift() as never);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${name} within ${timeoutMs} ms`)), timeoutMs);
        waiting.set(name, (m) => {
          clearTimeout(timer);
          resolve(m as never);
        });
      });
    },
    close: () => client.endAsync(true),
  };
}

const hello = (agentId: string, appliedRevision = 0) => ({
  v: 1 as const,
  agentId,
  agentVersion: "0.5.0-test",
  protocols: [1],
  appliedRevision,
  startedAt: new Date().toISOString(),
});

beforeAll(async () => {
  cp = await assembleTestControlPlane();
  isp = await testIsp(cp);
  planId = await isp.addPlan();
});
afterAll(async () => {
  await cp.close();
});

describe("enrollment", () => {
  test("a token is traded once for credentials; a second use and a forged token are refused alike", async () => {
    const { token } = await createEnrollmentToken(
      { database: cp.database, clock: { now: () => new Date() } },
      isp.actor,
      isp.siteId,
      testMeta,
    );
    const post = (body: unknown) =>
      cp.app.request("/api/v1/agent/enroll", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const agentId = crypto.randomUUID();
    const first = await post({ token, agentId, hostname: "pop-1", agentVersion: "0.5.0" });
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    const body = (await first.json()) as { siteId: string; mqtt: { username: string; password: string } };
    expect(body).toMatchObject({ siteId: isp.siteId, mqtt: { username: `${isp.actor.tenantId}.${agentId}` } });
    expect(body.mqtt.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await post({ token, agentId, hostname: "pop-1", agentVersion: "0.5.0" });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("enrollment.invalid_token");
    const forged = await post({ token: `${token.slice(0, -4)}AAAA`, agentId, hostname: null, agentVersion: "0.5.0" });
    expect(forged.status).toBe(401);
    const bad = await post({ token, agentId: "not-a-uuid", hostname: null, agentVersion: "0.5.0" });
    expect(bad.status).toBe(400);
  });

  test("re-enrolling rotates the credentials: the old password stops working", async () => {
    const agentId = crypto.randomUUID();
    const first = (await enroll(agentId)).body;
    const old = await mqtt.connectAsync(first.mqtt.url, {
      clientId: first.mqtt.username,
      username: first.mqtt.username,
      password: first.mqtt.password,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    const closed = new Promise<void>((resolve) => old.once("close", () => resolve()));
    const second = (await enroll(agentId)).body;
    expect(second.mqtt.password).not.toBe(first.mqtt.password);
    await closed; // the live session of the old credentials was ended
    await expect(
      mqtt.connectAsync(first.mqtt.url, {
        clientId: first.mqtt.username,
        username: first.mqtt.username,
        password: first.mqtt.password,
        protocolVersion: 4,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();
    const fresh = await mqtt.connectAsync(second.mqtt.url, {
      clientId: second.mqtt.username,
      username: second.mqtt.username,
      password: second.mqtt.password,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    await fresh.endAsync(true);
    await old.endAsync(true);
  });
});

describe("sync bridge", () => {
  let agent: FakeAgent;
  beforeAll(async () => {
    agent = await fakeAgent();
  });
  afterAll(async () => {
    await agent.close();
  });

  test("hello is answered with the protocol and the current revision; a stranger's hello is not", async () => {
    const customer = await isp.addCustomer();
    await isp.subscribe(customer, planId);
    await agent.send("hello", hello(agent.agentId));
    const welcome = await agent.next("welcome");
    expect(welcome).toMatchObject({ protocol: 1, supported: [1] });
    expect(welcome.currentRevision).toBeGreaterThanOrEqual(1);
    await agent.send("hello", hello(crypto.randomUUID()));
    await expect(agent.next("welcome", 700)).rejects.toThrow(/no welcome/);
    await agent.send("hello", { ...hello(agent.agentId), protocols: [7] });
    expect(await agent.next("welcome")).toMatchObject({ protocol: null, supported: [1] });
  });

  test("a committed site change is announced, and the agent gets it incrementally, or whole as a snapshot", async () => {
    await agent.send("sync-request", { v: 1, agentId: agent.agentId, sinceRevision: 0, snapshot: true });
    const snap = await agent.next("snapshot");
    expect(snap).toMatchObject({ part: 0, parts: 1 });
    const subscribers = snap.entries.filter((e) => e.kind === "subscriber");
    expect(subscribers).toHaveLength(1);
    expect(subscribers[0]).toMatchObject({ kind: "subscriber", data: { status: "active" } });
    expect(snap.entries.find((e) => e.kind === "policy")).toMatchObject({
      key: "isolation",
      data: { addressList: "isolir" },
    });
    // The sealed PPPoE password is opened for the site (CHAP and MS-CHAP need it), never shipped sealed.
    expect(subscribers[0]?.data.password).toEqual(expect.stringMatching(/^.{8,}$/));
    expect(subscribers[0]?.data).not.toHaveProperty("passwordSealed");

    await isp.subscribe(await isp.addCustomer("Siti"), planId);
    let notify = await agent.next("notify");
    while (notify.currentRevision <= snap.revision) notify = await agent.next("notify");
    expect(notify.currentRevision).toBe(snap.revision + 1);
    await agent.send("sync-request", { v: 1, agentId: agent.agentId, sinceRevision: snap.revision, snapshot: false });
    const changes = await agent.next("changes");
    expect(changes).toMatchObject({
      sinceRevision: snap.revision,
      toRevision: snap.revision + 1,
      currentRevision: snap.revision + 1,
    });
    expect(changes.changes).toEqual([
      expect.objectContaining({ revision: snap.revision + 1, kind: "subscriber", op: "upsert", reason: "activated" }),
    ]);
    expect(changes.changes[0]?.data?.password).toEqual(expect.stringMatching(/^.{8,}$/));
    expect(changes.changes[0]?.data).not.toHaveProperty("passwordSealed");
    const hash = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      siteStateHash(tx, cp, isp.actor.tenantId, isp.siteId),
    );
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("the retention job prunes the log; an agent behind it is then given a snapshot", async () => {
    const { tenantId } = isp.actor;
    const later = new Date(Date.now() + 31 * 86_400_000);
    const pruned = await cp.database.withTenant(tenantId, (tx) => pruneRevisionLog(tx, tenantId, 30, later));
    expect(pruned).toBeGreaterThanOrEqual(2);
    expect(await cp.database.withTenant(tenantId, (tx) => pruneRevisionLog(tx, tenantId, 30, new Date()))).toBe(0);
    await agent.send("sync-request", { v: 1, agentId: agent.agentId, sinceRevision: 1, snapshot: false });
    const snap = await agent.next("snapshot");
    expect(snap.entries.filter((e) => e.kind === "subscriber")).toHaveLength(2);
  });

  test("a journal batch is stored once and acked after the commit; the same batch again is acked and not stored twice", async () => {
    const records = [1, 2, 3, 5].map((seq) => ({
      seq,
      kind: "test.load",
      at: new Date().toISOString(),
      data: { i: seq },
    }));
    const count = () =>
      cp.database.withTenant(isp.actor.tenantId, async (tx) =>
        rowsOf<{ n: number }>(
          await tx.execute(sql`select count(*)::int as n from journal_records where agent_id = ${agent.agentId}`),
        ),
      );
    for (let round = 0; round < 2; round++) {
      await agent.send("journal", { v: 1, agentId: agent.agentId, records });
      expect(await agent.next("journal-ack")).toEqual({
        v: 1,
        agentId: agent.agentId,
        ranges: [
          [1, 3],
          [5, 5],
        ],
      });
      expect((await count())[0]?.n).toBe(4);
    }
  });

  test("heartbeats are echoed and keep the site's live figures", async () => {
    const sentAt = Date.now();
    await agent.send("heartbeat", {
      v: 1,
      agentId: agent.agentId,
      sentAt,
      appliedRevision: 1,
      uptimeSeconds: 12,
      journal: { backlog: 42, bytes: 4200, capBytes: 1_000_000, oldestAt: null },
      clockSkewMs: -15,
      rttMs: 4,
    });
    const ack = await agent.next("heartbeat-ack");
    expect(ack.echoSentAt).toBe(sentAt);
    expect(Math.abs(ack.cloudAt - Date.now())).toBeLessThan(5_000);
    expect((await agent.next("notify")).currentRevision).toBeGreaterThan(1); // behind: told again
  });

  test("a journal that refuses appends is a warning on the site's page and one event each way", async () => {
    const beat = (refusing: "full" | "failed" | null) =>
      agent.send("heartbeat", {
        v: 1,
        agentId: agent.agentId,
        sentAt: Date.now(),
        appliedRevision: 1,
        uptimeSeconds: 60,
        journal: { backlog: 9_000, bytes: 999_000, capBytes: 1_000_000, oldestAt: null, refusing },
        clockSkewMs: 0,
        rttMs: 3,
      });
    const events = async () =>
      rowsOf<{ kind: string; detail: Record<string, unknown> }>(
        await cp.database.withTenant(isp.actor.tenantId, (tx) =>
          tx.execute(sql`select kind, detail from site_events
            where site_id = ${isp.siteId} and kind like 'journal.%' order by id`),
        ),
      );
    const page = async () => (await isp.browser.get(`/sites/${isp.siteId}/status`, { "hx-request": "true" })).text();

    await beat("full");
    await agent.next("heartbeat-ack");
    await beat("full"); // still full: no second event
    await agent.next("heartbeat-ack");
    expect(await events()).toEqual([
      { kind: "journal.refusing", detail: { reason: "full", backlog: 9_000, bytes: 999_000, capBytes: 1_000_000 } },
    ]);
    const t = translator("id");
    expect(await page()).toContain(t("sites.status.refusing.full"));

    await beat("failed");
    await agent.next("heartbeat-ack");
    expect(await page()).toContain(t("sites.status.refusing.failed"));
    await beat(null);
    await agent.next("heartbeat-ack");
    expect((await events()).map((e) => [e.kind, e.detail.reason ?? e.detail.was])).toEqual([
      ["journal.refusing", "full"],
      ["journal.refusing", "failed"],
      ["journal.accepting", "failed"],
    ]);
    expect(await page()).not.toContain('id="site-journal-refusing"');
  });

  test("a diagnostics command reaches the agent and its result is recorded once", async () => {
    const cmdId = await requestCommand(
      { database: cp.database, clock: { now: () => new Date() }, send: cp.sync.sendCommand },
      isp.actor,
      isp.siteId,
      "diagnostics",
      testMeta,
    );
    const command = await agent.next("command");
    expect(command).toMatchObject({ cmdId, name: "diagnostics" });
    const result = {
      v: 1,
      agentId: agent.agentId,
      cmdId,
      ok: true,
      result: { agentVersion: "0.5.0-test" },
      error: null,
    };
    await agent.send("command-result", result);
    await agent.send("command-result", { ...result, ok: false, result: null, error: { code: "x", message: "late" } });
    await Bun.sleep(300);
    const [row] = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx.select().from(siteCommands).where(eq(siteCommands.id, cmdId)),
    );
    expect(row).toMatchObject({ ok: true, result: { agentVersion: "0.5.0-test" }, error: null });
    expect(row?.completedAt).toBeInstanceOf(Date);
  });

  test("fuzz: garbage on every up topic is refused and counted, and the bridge still answers", async () => {
    const before = await rejectedTotal();
    const names: UpName[] = ["hello", "presence", "heartbeat", "sync-request", "journal", "command-result"];
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
        ),
        async (name, payload) => {
          await agent.client.publishAsync(upTopic(agent.site, name), Buffer.from(payload), { qos: 1 });
          sent++;
        },
      ),
      { numRuns: 150 },
    );
    await agent.client.publishAsync(upTopic(agent.site, "journal"), Buffer.alloc(1024 * 1024 + 10, 0x7b), { qos: 1 });
    sent++;
    await agent.send("hello", hello(agent.agentId));
    expect((await agent.next("welcome")).protocol).toBe(1);
    expect((await rejectedTotal()) - before).toBe(sent);
  });
});

async function rejectedTotal(): Promise<number> {
  const text = await (await cp.app.request("/metrics")).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith("sync_messages_rejected_total{"))
    .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
}
