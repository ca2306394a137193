import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "@kilusi/shared/logger";
import { mosquittoHint, mosquittoReachable, mosquittoUrl } from "../../../tests/support/mosquitto.ts";
import { requirePeer } from "../../../tests/support/peers.ts";
import { CONTROL_PLANE_MQTT_USERNAME } from "./agent-authority.ts";
import { type BrokerConnection, connectBroker } from "./broker-connection.ts";
import { type EmbeddedBroker, startEmbeddedBroker } from "./embedded-broker.ts";

const logger = createLogger({ name: "test", level: "silent" });
// The embedded broker lets nobody in anonymously: these tests connect as the control plane.
const auth = { authority: { authenticate: async () => null }, controlPlanePassword: "test-password" };
const asControlPlane = { username: CONTROL_PLANE_MQTT_USERNAME, password: auth.controlPlanePassword };

async function roundTrip(a: BrokerConnection, b: BrokerConnection) {
  const topic = `kilusi/test/${crypto.randomUUID()}`;
  const received = new Promise<string>((resolve) => {
    b.client.on("message", (t, payload) => {
      if (t === topic) resolve(payload.toString());
    });
  });
  await b.client.subscribeAsync(topic, { qos: 1 });
  await a.client.publishAsync(topic, "hello", { qos: 1 });
  return received;
}

describe("embedded broker (aedes)", () => {
  let broker: EmbeddedBroker;
  let a: BrokerConnection;
  let b: BrokerConnection;
  beforeAll(async () => {
    broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0, logger, ...auth });
    a = await connectBroker({ url: broker.url, logger, ...asControlPlane });
    b = await connectBroker({ url: broker.url, logger, ...asControlPlane });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await broker.close();
  });

  test("clients connect and a message goes from one to the other", async () => {
    expect(a.isConnected()).toBe(true);
    expect(await roundTrip(a, b)).toBe("hello");
  });

  test("a port already in use is refused, naming MQTT_EMBEDDED_PORT", async () => {
    const port = Number(new URL(broker.url).port);
    const second = startEmbeddedBroker({ host: "127.0.0.1", port, logger, ...auth });
    await expect(second).rejects.toThrow(
      /^config: MQTT_EMBEDDED_PORT cannot listen on 127\.0\.0\.1:\d+: already in use/,
    );
  });

  test("when the default port is taken and none was asked for, a free port is used", async () => {
    const port = Number(new URL(broker.url).port);
    const other = await startEmbeddedBroker({ host: "127.0.0.1", port, anyPortIfTaken: true, logger, ...auth });
    try {
      expect(Number(new URL(other.url).port)).not.toBe(port);
      const c = await connectBroker({ url: other.url, logger, ...asControlPlane });
      expect(c.isConnected()).toBe(true);
      await c.close();
    } finally {
      await other.close();
    }
  });

  test("closing the broker disconnects its clients, and readiness sees it", async () => {
    const own = await startEmbeddedBroker({ host: "127.0.0.1", port: 0, logger, ...auth });
    const c = await connectBroker({ url: own.url, logger, ...asControlPlane });
    expect(c.isConnected()).toBe(true);
    await own.close();
    await Bun.sleep(100);
    expect(c.isConnected()).toBe(false);
    await c.close();
  });
});

if (requirePeer("Mosquitto", await mosquittoReachable(), mosquittoHint)) {
  describe("external broker (Mosquitto)", () => {
    test("the control plane's connection publishes and receives through Mosquitto", async () => {
      const a = await connectBroker({ url: mosquittoUrl, logger });
      const b = await connectBroker({ url: mosquittoUrl, logger });
      try {
        expect(a.isConnected()).toBe(true);
        expect(await roundTrip(a, b)).toBe("hello");
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}

test("a broker that does not answer leaves the connection down without failing start-up", async () => {
  const c = await connectBroker({ url: "mqtt://127.0.0.1:1", logger, firstConnectMs: 300 });
  expect(c.isConnected()).toBe(false);
  await c.close();
});
