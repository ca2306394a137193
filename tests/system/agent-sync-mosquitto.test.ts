// Issue 5 on the production broker: Mosquitto with the dynamic-security plugin, provisioned by
// the control plane at enrollment, restarted in the middle of a journal stream.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import mqtt from "mqtt";
import { agentDir, eventually, startAgentProcess } from "../support/agent-process.ts";
import {
  type DynsecMosquitto,
  dynsecAvailable,
  dynsecHint,
  startDynsecMosquitto,
} from "../support/mosquitto-dynsec.ts";
import { requirePeer } from "../support/peers.ts";
import { postgresHint, postgresReachable } from "../support/postgres.ts";
import { type StartedProcess, startControlPlaneProcess } from "../support/process.ts";
import { createSyncFixture, type SyncFixture } from "../support/sync-fixture.ts";

const ready =
  requirePeer("PostgreSQL", await postgresReachable(), postgresHint) &&
  requirePeer("Mosquitto with dynamic security", dynsecAvailable(), dynsecHint);

if (ready) {
  describe("control plane ↔ agent over Mosquitto (dynamic security)", () => {
    let fx: SyncFixture;
    let broker: DynsecMosquitto;
    let cp: StartedProcess;

    beforeAll(async () => {
      fx = await createSyncFixture();
      broker = await startDynsecMosquitto();
      cp = await startControlPlaneProcess({
        env: { ...fx.env, MQTT_URL: broker.adminUrl, JOBS_INTERVAL_SECONDS: "0" },
      });
    });
    afterAll(async () => {
      await cp?.stop();
      await broker?.stop();
      await fx?.close();
    });

    test("enrolled agents are confined to their own site; a Mosquitto restart mid-stream loses nothing and duplicates nothing", async () => {
      const siteB = await fx.addSite("POP B");
      await fx.addSubscribers(100);
      // The agent speaks MQTT 5 here, the control plane 3.1.1: the contract needs neither's extras.
      const a = agentDir({ KILUSI_AGENT_MQTT_PROTOCOL_VERSION: "5" });
      expect((await a.cli(["enroll", cp.url, await fx.enrollmentToken()])).code).toBe(0);
      // Site B's credentials, from the real enrollment endpoint (provisioned in dynsec).
      const res = await fetch(`${cp.url}/api/v1/agent/enroll`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          token: await fx.enrollmentToken(siteB),
          agentId: crypto.randomUUID(),
          hostname: "b",
          agentVersion: "test",
        }),
      });
      expect(res.status).toBe(200);
      const b = ((await res.json()) as { mqtt: { url: string; username: string; password: string } }).mqtt;
      const agentA = startAgentProcess(a, ["load-journal", "--count", "6000", "--rate", "1500", "--exit-when-drained"]);
      try {
        // Desired state reaches A through Mosquitto.
        await eventually(
          async () => (await a.status()).appliedRevision === (await fx.cloudState()).revision,
          30_000,
          "A in sync",
        );
        expect((await a.status()).stateHash).toBe((await fx.cloudState()).hash);

        // B's credentials work for B and cannot reach into A's subtree.
        const intruder = await mqtt.connectAsync(b.url, {
          username: b.username,
          password: b.password,
          clientId: b.username,
          protocolVersion: 4,
          reconnectPeriod: 0,
        });
        const seen: string[] = [];
        intruder.on("message", (t) => seen.push(t));
        // Refused with 0x80 (mqtt.js turns that into a rejection), and nothing arrives either way.
        const refused = await intruder.subscribeAsync(`kilusi/v1/${fx.tenantId}/${fx.siteId}/down/#`, { qos: 1 }).then(
          (granted) => granted[0]?.qos === 128,
          (error: Error) => /128|refused|Unspecified|Not authorized/i.test(error.message),
        );
        expect(refused).toBe(true);
        const before = (await a.status()).appliedRevision;
        await intruder.publishAsync(
          `kilusi/v1/${fx.tenantId}/${fx.siteId}/up/sync-request`,
          JSON.stringify({ v: 1, agentId: crypto.randomUUID(), sinceRevision: 0, snapshot: true }),
          { qos: 1 },
        );
        await fx.addSubscribers(5);
        await eventually(
          async () => (await a.status()).appliedRevision === before + 5,
          15_000,
          "A got the new changes",
        );
        await Bun.sleep(500);
        expect(seen).toEqual([]);
        await intruder.endAsync(true);

        await agentA.waitFor((l) => l.journaled === 1_500, 30_000);
        await broker.restart();
        await agentA.waitFor((l) => l.journaled === 4_500, 30_000);
        await broker.restart();
        expect(await agentA.proc.exited).toBe(0);
        const agentId = (await a.status()).agentId;
        const [row] = await fx.owner.unsafe(
          `select count(*)::int as n, count(distinct seq)::int as d from journal_records where agent_id = '${agentId}' and kind = 'test.load'`,
        );
        expect({ ...row }).toEqual({ n: 6_000, d: 6_000 });
        expect((await a.status()).journal.backlog).toBe(0);
      } finally {
        await agentA.stop();
        a.remove();
      }
    });
  });
}
