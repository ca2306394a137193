import { randomBytes, randomUUID } from "node:crypto";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { agentUsername, secretHash, secretMatches } from "../agents/agent-credentials.ts";
import type { AgentAuthority, AgentIdentity } from "./agent-authority.ts";
import type { DynsecClient } from "./dynsec.ts";
import type { EmbeddedBroker } from "./embedded-broker.ts";

// Test helpers shared by the ACL suites of both brokers: real brokers, real MQTT clients; only
// the credential store behind AgentAuthority is an in-memory map instead of the database.

export interface Agent extends AgentIdentity {
  username: string;
  password: string;
}

/** What a suite needs from a broker: where to connect, and the control plane's enroll/rotate/revoke. */
export interface BrokerUnderTest {
  kind: "embedded" | "mosquitto";
  url: string;
  /** The control plane's connection (subscribed to nothing yet). */
  controlPlane: MqttClient;
  enroll(tenantId?: string): Promise<Agent>;
  /** Another connection with the control plane's identity. */
  connectControlPlane(): Promise<MqttClient>;
  rotate(agent: Agent): Promise<Agent>;
  revoke(agent: Agent): Promise<void>;
}

/** A new agent at a new site, in a new tenant unless one is given. */
export function newAgent(tenantId: string = randomUUID()): Agent {
  const agentId = randomUUID();
  return {
    tenantId,
    siteId: randomUUID(),
    agentId,
    username: agentUsername(tenantId, agentId),
    password: randomBytes(32).toString("base64url"),
  };
}

/** Our AgentAuthority over a map holding only SHA-256 of each password, as the database does. */
export function memoryAuthority() {
  const known = new Map<string, { hash: string; identity: AgentIdentity }>();
  const authority: AgentAuthority = {
    async authenticate(username, password) {
      const entry = known.get(username);
      return entry && secretMatches(password, entry.hash) ? entry.identity : null;
    },
  };
  return {
    authority,
    put(agent: Agent) {
      const { tenantId, siteId, agentId } = agent;
      known.set(agent.username, { hash: secretHash(agent.password), identity: { tenantId, siteId, agentId } });
    },
    remove(username: string) {
      known.delete(username);
    },
  };
}

/** The embedded broker's control-plane operations: the authority changes first, then the kick. */
export function embeddedOperations(memory: ReturnType<typeof memoryAuthority>, broker: () => EmbeddedBroker) {
  return {
    async enroll(tenantId?: string) {
      const agent = newAgent(tenantId);
      memory.put(agent);
      return agent;
    },
    async rotate(agent: Agent) {
      const rotated = { ...agent, password: randomBytes(32).toString("base64url") };
      memory.put(rotated);
      broker().kick(agent.username);
      return rotated;
    },
    async revoke(agent: Agent) {
      memory.remove(agent.username);
      broker().disconnectAgent(agent.tenantId, agent.agentId);
    },
  };
}

export function dynsecOperations(dynsec: DynsecClient) {
  return {
    async enroll(tenantId?: string) {
      const agent = newAgent(tenantId);
      await dynsec.provisionAgent(agent);
      return agent;
    },
    async rotate(agent: Agent) {
      const rotated = { ...agent, password: randomBytes(32).toString("base64url") };
      await dynsec.rotateAgent(rotated);
      return rotated;
    },
    async revoke(agent: Agent) {
      await dynsec.revokeAgent(agent.username);
    },
  };
}

const clientOptions = (options: IClientOptions): IClientOptions => ({
  protocolVersion: 4,
  reconnectPeriod: 0,
  connectTimeout: 3_000,
  clean: true,
  ...options,
});

/** An agent's connection, with its username as client id as both brokers require. */
export function connectAgent(url: string, agent: Agent, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(
    url,
    clientOptions({ clientId: agent.username, username: agent.username, password: agent.password, ...options }),
  );
}

/** The CONNACK return code of a refused connection; throws when the broker lets it in. */
export async function refusalCode(url: string, options: IClientOptions): Promise<number> {
  const client = mqtt.connect(url, clientOptions(options));
  const outcome = await new Promise<number | "connected">((resolve) => {
    client.once("connect", () => resolve("connected"));
    client.once("error", (error) => resolve(Number((error as { code?: number }).code ?? -1)));
    setTimeout(() => resolve(-2), 3_000);
  });
  await client.endAsync(true);
  if (outcome === "connected") throw new Error(`${options.username ?? "anonymous"} was let in`);
  return outcome;
}

/** Every message under kilusi/ a client receives from now on, as "topic payload". */
export function collect(client: MqttClient): string[] {
  const seen: string[] = [];
  client.on("message", (topic, payload) => {
    if (topic.startsWith("kilusi/")) seen.push(`${topic} ${payload.toString()}`);
  });
  return seen;
}

/** Waits (bounded) until `seen` holds `entry`. */
export async function arrives(seen: string[], entry: string, ms = 2_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!seen.includes(entry)) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(10);
  }
  return true;
}

/** The bounded wait after which "nothing arrived" is taken as never arriving. */
export const QUIET_MS = 500;

/** Resolves true once the client's connection is closed, false when it is still up after `ms`. */
export function closes(client: MqttClient, ms = 2_000): Promise<boolean> {
  if (!client.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    client.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** The granted QoS of one subscription, 128 when the broker refuses it (mqtt.js rejects those). */
export async function grantedQos(client: MqttClient, filter: string): Promise<number> {
  try {
    const [granted] = await client.subscribeAsync(filter, { qos: 1 });
    return granted?.qos ?? -1;
  } catch (error) {
    return (error as { packet?: { granted?: number[] } }).packet?.granted?.[0] ?? -1;
  }
}

/** Waits (bounded) for a reconnecting client, e.g. after the broker kicked the control plane. */
export async function connected(client: MqttClient, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!client.connected) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(20);
  }
  return true;
}
