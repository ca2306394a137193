import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "@kilusi/shared/logger";
import { downTopic, siteTopicPrefix, upTopic } from "@kilusi/shared/sync/topics";
import type { MqttClient } from "mqtt";
import { dynsecAvailable, dynsecHint, startDynsecMosquitto } from "../../../tests/support/mosquitto-dynsec.ts";
import { requirePeer } from "../../../tests/support/peers.ts";
import {
  type Agent,
  arrives,
  type BrokerUnderTest,
  closes,
  collect,
  connectAgent,
  dynsecOperations,
  embeddedOperations,
  grantedQos,
  memoryAuthority,
  newAgent,
  QUIET_MS,
  refusalCode,
} from "./agent-acl.harness.ts";
import { CONTROL_PLANE_MQTT_USERNAME, controlPlaneMqttPassword } from "./agent-authority.ts";
import { connectBroker } from "./broker-connection.ts";
import { createDynsecClient } from "./dynsec.ts";
import { type EmbeddedBroker, startEmbeddedBroker } from "./embedded-broker.ts";
import { controlPlaneUpSubscription } from "./subscriptions.ts";

const logLines: string[] = [];
const logger = createLogger({ name: "test", level: "warn", destination: { write: (line) => logLines.push(line) } });
const REFUSED = [4, 5]; // bad user name or password / not authorised: both brokers use one of them

type Setup = () => Promise<BrokerUnderTest & { teardown(): Promise<void> }>;

function aclSuite(name: string, setup: Setup) {
  describe(name, () => {
    let b: BrokerUnderTest & { teardown(): Promise<void> };
    let observed: string[]; // everything under kilusi/, as the control plane sees it
    let a: Agent;
    let other: Agent; // another tenant's site
    let sibling: Agent; // another site of A's tenant
    const open: MqttClient[] = [];
    const agentClient = async (agent: Agent, options = {}) => {
      const client = await connectAgent(b.url, agent, options);
      open.push(client);
      return client;
    };

    beforeAll(async () => {
      b = await setup();
      observed = collect(b.controlPlane);
      await b.controlPlane.subscribeAsync("kilusi/#", { qos: 1 });
      a = await b.enroll();
      other = await b.enroll();
      sibling = await b.enroll(a.tenantId);
    });
    afterAll(async () => {
      for (const client of open) await client.endAsync(true);
      await b?.teardown();
    });

    test("only an enrolled agent with its password and its username as client id gets in", async () => {
      const client = await agentClient(a);
      expect(client.connected).toBe(true);
      await client.endAsync(true);
      const as = (agent: Agent, password: string) => ({ clientId: agent.username, username: agent.username, password });
      expect(REFUSED).toContain(await refusalCode(b.url, as(a, "wrong-password")));
      expect(REFUSED).toContain(await refusalCode(b.url, as(a, other.password)));
      const stranger = newAgent();
      expect(REFUSED).toContain(await refusalCode(b.url, as(stranger, stranger.password)));
      expect(REFUSED).toContain(await refusalCode(b.url, { clientId: "anonymous-client" }));
      // Its own credentials under another agent's client id would let it knock that agent off.
      const code = await refusalCode(b.url, { clientId: other.username, username: a.username, password: a.password });
      expect(code).toBeGreaterThan(0);
    });

    test("an agent's up/ reaches the control plane and the control plane's down/ reaches the agent", async () => {
      const cp = await b.connectControlPlane();
      open.push(cp);
      const ingested = collect(cp);
      await cp.subscribeAsync(controlPlaneUpSubscription(b.kind), { qos: 1 });
      const client = await agentClient(a);
      const seen = collect(client);
      expect(await grantedQos(client, `${siteTopicPrefix(a)}/down/#`)).toBe(1);
      await client.publishAsync(upTopic(a, "hello"), "hello-from-a", { qos: 1 });
      expect(await arrives(ingested, `${upTopic(a, "hello")} hello-from-a`)).toBe(true);
      await b.controlPlane.publishAsync(downTopic(a, "notify"), "notify-a", { qos: 1 });
      expect(await arrives(seen, `${downTopic(a, "notify")} notify-a`)).toBe(true);
      await client.endAsync(true);
    });

    test("an agent cannot publish into another site, another tenant, or its own down/", async () => {
      const victim = await agentClient(other);
      const victimSeen = collect(victim);
      await victim.subscribeAsync(`${siteTopicPrefix(other)}/down/#`, { qos: 1 });
      const forbidden = [
        upTopic(other, "journal"),
        downTopic(other, "command"),
        upTopic(sibling, "journal"),
        downTopic(a, "command"), // spoofing the cloud to itself
        `kilusi/v1/${a.tenantId}/up/hello`,
        "kilusi/elsewhere",
      ];
      for (const [i, topic] of forbidden.entries()) {
        // aedes closes the connection of a refused publish, Mosquitto drops it: one connection each.
        const client = await agentClient(a);
        await client.publishAsync(upTopic(a, "heartbeat"), `marker-${i}`, { qos: 1 });
        expect(await arrives(observed, `${upTopic(a, "heartbeat")} marker-${i}`)).toBe(true);
        client.publish(topic, `spoof-${i}`, { qos: 0 });
        await closes(client, 100);
        await client.endAsync(true);
      }
      await Bun.sleep(QUIET_MS);
      expect(observed.filter((m) => m.includes(" spoof-"))).toEqual([]);
      expect(victimSeen).toEqual([]);
    });

    test("subscriptions outside the agent's own down/ are refused and deliver nothing", async () => {
      const client = await agentClient(a);
      const seen = collect(client);
      const victim = await agentClient(other);
      await victim.subscribeAsync(`${siteTopicPrefix(other)}/down/#`, { qos: 1 });
      const victimSeen = collect(victim);
      const filters = [
        downTopic(other, "notify"),
        upTopic(other, "journal"),
        `${siteTopicPrefix(other)}/down/#`,
        "kilusi/v1/#",
        "#",
        `kilusi/v1/${a.tenantId}/+/down/#`,
        "kilusi/v1/+/+/up/#",
        `$share/g/${siteTopicPrefix(other)}/down/#`,
      ];
      for (const filter of filters)
        expect({ filter, qos: await grantedQos(client, filter) }).toEqual({ filter, qos: 128 });
      expect(await grantedQos(client, `${siteTopicPrefix(a)}/down/#`)).toBe(1);
      await b.controlPlane.publishAsync(downTopic(other, "notify"), "for-other", { qos: 1 });
      await b.controlPlane.publishAsync(downTopic(sibling, "notify"), "for-sibling", { qos: 1 });
      await victim.publishAsync(upTopic(other, "journal"), "other-journal", { qos: 1 });
      await b.controlPlane.publishAsync(downTopic(a, "notify"), "for-a", { qos: 1 });
      expect(await arrives(victimSeen, `${downTopic(other, "notify")} for-other`)).toBe(true);
      expect(await arrives(seen, `${downTopic(a, "notify")} for-a`)).toBe(true);
      await Bun.sleep(QUIET_MS);
      expect(seen).toEqual([`${downTopic(a, "notify")} for-a`]);
    });

    test("a last will outside the agent's up/ is never delivered; one inside is", async () => {
      const good = await b.enroll();
      const bad = await b.enroll();
      const spoofer = await b.enroll();
      const clients = [
        await agentClient(good, {
          will: { topic: upTopic(good, "presence"), payload: "good-will", qos: 1, retain: false },
        }),
        await agentClient(bad, {
          will: { topic: upTopic(other, "presence"), payload: "bad-will", qos: 1, retain: false },
        }),
        await agentClient(spoofer, {
          will: { topic: downTopic(spoofer, "command"), payload: "spoof-will", qos: 1, retain: false },
        }),
      ];
      for (const client of clients) client.stream.destroy(); // no DISCONNECT: the broker sends the will
      expect(await arrives(observed, `${upTopic(good, "presence")} good-will`)).toBe(true);
      await Bun.sleep(QUIET_MS);
      expect(observed.filter((m) => m.endsWith("bad-will") || m.endsWith("spoof-will"))).toEqual([]);
    });

    test("revoking disconnects the agent and keeps it out", async () => {
      const revoked = await b.enroll();
      const client = await agentClient(revoked);
      await b.revoke(revoked);
      expect(await closes(client)).toBe(true);
      const creds = { clientId: revoked.username, username: revoked.username, password: revoked.password };
      expect(REFUSED).toContain(await refusalCode(b.url, creds));
    });

    test("rotating disconnects the agent; the old password stops working and the new one works", async () => {
      const before = await b.enroll();
      const client = await agentClient(before);
      const after = await b.rotate(before);
      expect(await closes(client)).toBe(true);
      const old = { clientId: before.username, username: before.username, password: before.password };
      expect(REFUSED).toContain(await refusalCode(b.url, old));
      const again = await agentClient(after);
      await again.publishAsync(upTopic(after, "hello"), "rotated", { qos: 1 });
      expect(await arrives(observed, `${upTopic(after, "hello")} rotated`)).toBe(true);
    });
  });
}

let embedded: EmbeddedBroker | undefined;
const embeddedPassword = controlPlaneMqttPassword(Buffer.alloc(32, 7));

aclSuite("agent ACL on the embedded broker (aedes)", async () => {
  const memory = memoryAuthority();
  const broker = await startEmbeddedBroker({
    host: "127.0.0.1",
    port: 0,
    logger,
    authority: memory.authority,
    controlPlanePassword: embeddedPassword,
  });
  embedded = broker;
  const connectControlPlane = async () =>
    (
      await connectBroker({
        url: broker.url,
        logger,
        username: CONTROL_PLANE_MQTT_USERNAME,
        password: embeddedPassword,
      })
    ).client;
  const cp = await connectControlPlane();
  return {
    kind: "embedded",
    url: broker.url,
    controlPlane: cp,
    connectControlPlane,
    ...embeddedOperations(memory, () => broker),
    async teardown() {
      await cp.endAsync(true);
      await broker.close();
    },
  };
});

describe("embedded broker refusals", () => {
  test("are counted and logged with the username and topic, never a password", () => {
    // Runs after the suite above (bun runs a file's tests in order).
    expect(embedded?.refusals.connect).toBeGreaterThan(0);
    expect(embedded?.refusals.publish).toBeGreaterThan(0);
    expect(embedded?.refusals.subscribe).toBeGreaterThan(0);
    const warned = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(warned.some((l) => l.msg === "mqtt publish refused" && String(l.topic).startsWith("kilusi/"))).toBe(true);
    expect(warned.some((l) => l.msg === "mqtt subscription refused" && l.username)).toBe(true);
    expect(logLines.join("\n")).not.toContain(embeddedPassword);
    expect(logLines.join("\n")).not.toContain("wrong-password");
  });
});

test("an agent is told the server is unavailable, not that its password is wrong, when the database is down", async () => {
  const down = { authenticate: () => Promise.reject(new Error("database unreachable")) };
  const broker = await startEmbeddedBroker({
    host: "127.0.0.1",
    port: 0,
    logger,
    authority: down,
    controlPlanePassword: embeddedPassword,
  });
  try {
    const agent = newAgent();
    const creds = { clientId: agent.username, username: agent.username, password: agent.password };
    expect(await refusalCode(broker.url, creds)).toBe(3);
  } finally {
    await broker.close();
  }
});

if (requirePeer("Mosquitto with dynamic security", dynsecAvailable(), dynsecHint)) {
  aclSuite("agent ACL on Mosquitto (dynamic security)", async () => {
    const mosquitto = await startDynsecMosquitto();
    const connectControlPlane = async () =>
      (await connectBroker({ url: mosquitto.url, logger, ...mosquitto.admin })).client;
    const cp = await connectControlPlane();
    const dynsec = createDynsecClient(cp, { logger });
    await dynsec.ensureAgentRoleModel();
    await dynsec.ensureControlPlaneRole(mosquitto.admin.username);
    return {
      kind: "mosquitto",
      url: mosquitto.url,
      controlPlane: cp,
      connectControlPlane,
      ...dynsecOperations(dynsec),
      async teardown() {
        dynsec.close();
        await cp.endAsync(true);
        await mosquitto.stop();
      },
    };
  });
}
