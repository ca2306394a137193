import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "@kilusi/shared/logger";
import { downTopic, siteTopicPrefix, upTopic } from "@kilusi/shared/sync/topics";
import mqtt from "mqtt";
import {
  type DynsecMosquitto,
  dynsecAvailable,
  dynsecHint,
  startDynsecMosquitto,
} from "../../../tests/support/mosquitto-dynsec.ts";
import { requirePeer } from "../../../tests/support/peers.ts";
import {
  arrives,
  closes,
  collect,
  connectAgent,
  connected,
  grantedQos,
  newAgent,
  QUIET_MS,
  refusalCode,
} from "./agent-acl.harness.ts";
import { type BrokerConnection, connectBroker } from "./broker-connection.ts";
import { createDynsecClient, type DynsecClient, DynsecError } from "./dynsec.ts";

const logger = createLogger({ name: "test", level: "silent" });

if (requirePeer("Mosquitto with dynamic security", dynsecAvailable(), dynsecHint)) {
  describe("dynamic-security client", () => {
    let mosquitto: DynsecMosquitto;
    let cp: BrokerConnection;
    let dynsec: DynsecClient;
    let seen: string[];
    beforeAll(async () => {
      mosquitto = await startDynsecMosquitto();
      cp = await connectBroker({ url: mosquitto.url, logger, ...mosquitto.admin });
      dynsec = createDynsecClient(cp.client, { logger, timeoutMs: 3_000 });
      await dynsec.ensureAgentRoleModel();
      await dynsec.ensureControlPlaneRole(mosquitto.admin.username);
      seen = collect(cp.client);
      await cp.client.subscribeAsync("kilusi/#", { qos: 1 });
    });
    afterAll(async () => {
      dynsec?.close();
      await cp?.close();
      await mosquitto?.stop();
    });

    test("a failed command throws a DynsecError carrying the plugin's text", async () => {
      const error = await dynsec.rotateAgent({ username: newAgent().username, password: "x" }).catch((e) => e);
      expect(error).toBeInstanceOf(DynsecError);
      expect(error.brokerError).toBe("Client not found");
      expect(error.message).toBe("dynsec setClientPassword: Client not found");
    });

    test("set-up runs again at every start without disconnecting the control plane", async () => {
      let drops = 0;
      const count = () => drops++;
      cp.client.on("close", count);
      await dynsec.ensureAgentRoleModel();
      await dynsec.ensureControlPlaneRole(mosquitto.admin.username);
      cp.client.off("close", count);
      expect(drops).toBe(0);
      expect(cp.isConnected()).toBe(true);
    });

    test("what no role allows is denied: a client may subscribe to a topic yet receives nothing", async () => {
      const probe = newAgent();
      await dynsec.provisionAgent(probe);
      // Another role that grants only the subscription: receiving falls to the defaults.
      const send = (commands: object[]) =>
        cp.client.publishAsync("$CONTROL/dynamic-security/v1", JSON.stringify({ commands }), { qos: 1 });
      await send([
        {
          command: "createRole",
          rolename: "probe",
          acls: [{ acltype: "subscribePattern", topic: "kilusi/probe/#", allow: true }],
        },
        { command: "addClientRole", username: probe.username, rolename: "probe" },
      ]);
      await Bun.sleep(200);
      const client = await connectAgent(mosquitto.url, probe);
      const got = collect(client);
      expect(await grantedQos(client, "kilusi/probe/#")).toBe(1);
      expect(await grantedQos(client, `${siteTopicPrefix(probe)}/down/#`)).toBe(1);
      await cp.client.publishAsync("kilusi/probe/x", "not-for-you", { qos: 1 });
      await cp.client.publishAsync(downTopic(probe, "notify"), "for-you", { qos: 1 });
      expect(await arrives(got, `${downTopic(probe, "notify")} for-you`)).toBe(true);
      await Bun.sleep(QUIET_MS);
      expect(got).toEqual([`${downTopic(probe, "notify")} for-you`]);
      await client.endAsync(true);
    });

    test("provisioning again (a retried enrollment) completes it with the latest password", async () => {
      const first = newAgent();
      await dynsec.provisionAgent(first);
      const retried = { ...first, password: newAgent().password };
      await dynsec.provisionAgent(retried);
      const old = { clientId: first.username, username: first.username, password: first.password };
      expect([4, 5]).toContain(await refusalCode(mosquitto.url, old));
      const client = await connectAgent(mosquitto.url, retried);
      await client.publishAsync(upTopic(retried, "hello"), "retried", { qos: 1 });
      expect(await arrives(seen, `${upTopic(retried, "hello")} retried`)).toBe(true);
      await client.endAsync(true);
    });

    test("revoking an agent that is already gone is no error", async () => {
      const agent = newAgent();
      await dynsec.provisionAgent(agent);
      await dynsec.revokeAgent(agent.username);
      await dynsec.revokeAgent(agent.username);
      await dynsec.revokeAgent(newAgent().username);
    });

    test("after a Mosquitto restart agents keep their credentials and their ACLs", async () => {
      const agent = newAgent();
      await dynsec.provisionAgent(agent);
      const revoked = newAgent();
      await dynsec.provisionAgent(revoked);
      await dynsec.revokeAgent(revoked.username);
      await mosquitto.restart();
      expect(await closes(cp.client, 100)).toBe(true);
      expect(await connected(cp.client, 5_000)).toBe(true);
      const client = await connectAgent(mosquitto.url, agent);
      expect(await grantedQos(client, "kilusi/v1/#")).toBe(128);
      await client.publishAsync(upTopic(agent, "hello"), "after-restart", { qos: 1 });
      expect(await arrives(seen, `${upTopic(agent, "hello")} after-restart`)).toBe(true);
      await client.endAsync(true);
      const gone = { clientId: revoked.username, username: revoked.username, password: revoked.password };
      expect([4, 5]).toContain(await refusalCode(mosquitto.url, gone));
      // The dynsec client subscribes again on the new connection.
      await expect(dynsec.rotateAgent({ username: agent.username, password: "new" })).resolves.toBeUndefined();
    });

    test("a command while the broker is unreachable fails at once", async () => {
      const offline = mqtt.connect("mqtt://127.0.0.1:1", { reconnectPeriod: 0 });
      const client = createDynsecClient(offline, { logger });
      const error = await client.revokeAgent(newAgent().username).catch((e) => e);
      expect(error).toBeInstanceOf(DynsecError);
      expect(error.brokerError).toBe("broker not connected");
      client.close();
      await offline.endAsync(true);
    });
  });
}
