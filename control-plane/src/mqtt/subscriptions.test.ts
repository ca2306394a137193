import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "@kilusi/shared/logger";
import { CLOUD_UP_FILTER, upTopic } from "@kilusi/shared/sync/topics";
import type { MqttClient } from "mqtt";
import { dynsecAvailable, dynsecHint, startDynsecMosquitto } from "../../../tests/support/mosquitto-dynsec.ts";
import { requirePeer } from "../../../tests/support/peers.ts";
import { arrives, collect, connectAgent, connected, memoryAuthority, newAgent, QUIET_MS } from "./agent-acl.harness.ts";
import { CONTROL_PLANE_MQTT_USERNAME } from "./agent-authority.ts";
import { connectBroker } from "./broker-connection.ts";
import { createDynsecClient } from "./dynsec.ts";
import { startEmbeddedBroker } from "./embedded-broker.ts";
import { controlPlaneUpSubscription } from "./subscriptions.ts";

const logger = createLogger({ name: "test", level: "silent" });

describe("the control plane's up/ subscription", () => {
  test("aedes has no shared subscriptions: `$share/…` receives nothing, the plain filter everything", async () => {
    const memory = memoryAuthority();
    const password = "cp-secret";
    const broker = await startEmbeddedBroker({
      host: "127.0.0.1",
      port: 0,
      logger,
      authority: memory.authority,
      controlPlanePassword: password,
    });
    const cp = await connectBroker({ url: broker.url, logger, username: CONTROL_PLANE_MQTT_USERNAME, password });
    const agent = newAgent();
    memory.put(agent);
    const client = await connectAgent(broker.url, agent);
    try {
      const seen = collect(cp.client);
      await cp.client.subscribeAsync(`$share/kilusi-cp/${CLOUD_UP_FILTER}`, { qos: 1 });
      await cp.client.subscribeAsync(controlPlaneUpSubscription("embedded"), { qos: 1 });
      await client.publishAsync(upTopic(agent, "hello"), "one", { qos: 1 });
      expect(await arrives(seen, `${upTopic(agent, "hello")} one`)).toBe(true);
      await Bun.sleep(QUIET_MS);
      expect(seen).toEqual([`${upTopic(agent, "hello")} one`]); // once: the $share filter matched nothing
    } finally {
      await client.endAsync(true);
      await cp.close();
      await broker.close();
    }
  });
});

if (requirePeer("Mosquitto with dynamic security", dynsecAvailable(), dynsecHint)) {
  describe("shared subscription on Mosquitto 2.0.11 over MQTT 3.1.1", () => {
    let mosquitto: Awaited<ReturnType<typeof startDynsecMosquitto>>;
    const replicas: MqttClient[] = [];
    beforeAll(async () => {
      mosquitto = await startDynsecMosquitto();
      for (let i = 0; i < 2; i++)
        replicas.push((await connectBroker({ url: mosquitto.url, logger, ...mosquitto.admin })).client);
      const dynsec = createDynsecClient(replicas[0] as MqttClient, { logger });
      await dynsec.ensureAgentRoleModel();
      await dynsec.ensureControlPlaneRole(mosquitto.admin.username);
      dynsec.close();
      // Granting the role kicked every connection of that user; both reconnect by themselves.
      for (const r of replicas) expect(await connected(r)).toBe(true);
    });
    afterAll(async () => {
      for (const r of replicas) await r.endAsync(true);
      await mosquitto?.stop();
    });

    test("each message of an agent reaches exactly one control-plane replica", async () => {
      const seen = replicas.map((r) => collect(r));
      for (const r of replicas) {
        const [granted] = await r.subscribeAsync(controlPlaneUpSubscription("mosquitto"), { qos: 1 });
        expect(granted?.qos).toBe(1);
      }
      const agent = newAgent();
      const dynsec = createDynsecClient(replicas[0] as MqttClient, { logger });
      await dynsec.provisionAgent(agent);
      dynsec.close();
      const client = await connectAgent(mosquitto.url, agent);
      const sent = Array.from({ length: 20 }, (_, i) => `${upTopic(agent, "journal")} m${i}`);
      for (let i = 0; i < sent.length; i++) await client.publishAsync(upTopic(agent, "journal"), `m${i}`, { qos: 1 });
      await client.endAsync();
      const deadline = Date.now() + 3_000;
      while (seen.flat().length < sent.length && Date.now() < deadline) await Bun.sleep(20);
      await Bun.sleep(QUIET_MS / 5);
      expect(seen.flat().sort()).toEqual([...sent].sort());
      for (const s of seen) expect(s.length).toBeGreaterThan(0);
    });
  });
}
