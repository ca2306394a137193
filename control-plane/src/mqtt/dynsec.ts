import { randomUUID } from "node:crypto";
import type { Logger } from "@kilusi/shared/logger";
import { agentTopicFilters } from "@kilusi/shared/sync/topics";
import type { MqttClient } from "mqtt";

const COMMAND_TOPIC = "$CONTROL/dynamic-security/v1";
const RESPONSE_TOPIC = "$CONTROL/dynamic-security/v1/response";

/** The role that lets the control plane's user publish and receive the whole contract. */
export const CONTROL_PLANE_ROLE = "kilusi-control-plane";

/** Each agent has its own role, named after its username, holding its site's ACLs. */
export function agentRoleName(username: string): string {
  return `kilusi-agent-${username}`;
}

/** A dynsec command that failed: `brokerError` is the plugin's own text ("Client not found"…). */
export class DynsecError extends Error {
  readonly code = "dynsec_failed";
  constructor(
    readonly command: string,
    readonly brokerError: string,
  ) {
    super(`dynsec ${command}: ${brokerError}`);
    this.name = "DynsecError";
  }
}

interface Command {
  command: string;
  [key: string]: unknown;
}

interface Response {
  command: string;
  error?: string;
  data?: Record<string, unknown>;
  correlationData?: string;
}

export interface DynsecClient {
  /** Denies by default what no role allows (agents get nothing else). Idempotent. */
  ensureAgentRoleModel(): Promise<void>;
  /**
   * Gives `username` (the dynsec admin the control plane connects as) the right to publish and
   * receive `kilusi/#`. Mosquitto disconnects a client whose roles change, this connection
   * included: when the role is missing, this waits for the reconnect and checks again.
   */
  ensureControlPlaneRole(username: string): Promise<void>;
  /** Creates the agent's client and role; on a retry of a half-done provisioning it completes it. */
  provisionAgent(agent: { username: string; password: string; tenantId: string; siteId: string }): Promise<void>;
  /** New password; Mosquitto 2.0.11 disconnects the live client on setClientPassword (tested). */
  rotateAgent(agent: { username: string; password: string }): Promise<void>;
  /** Deletes the client (which disconnects it) and its role. Revoking a gone agent is no error. */
  revokeAgent(username: string): Promise<void>;
  close(): void;
}

/**
 * Drives Mosquitto's dynamic-security plugin over the control plane's own connection. Responses
 * come back on one topic shared by every admin connection (all replicas), so each command
 * carries a random correlation id and only its sender resolves it.
 */
export function createDynsecClient(client: MqttClient, opts: { logger: Logger; timeoutMs?: number }): DynsecClient {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const pending = new Map<string, { command: string; resolve: (r: Response) => void; reject: (e: Error) => void }>();
  let subscribed: Promise<void> | null = null;

  const onMessage = (topic: string, payload: Buffer) => {
    if (topic !== RESPONSE_TOPIC) return;
    let responses: unknown;
    try {
      responses = (JSON.parse(payload.toString()) as { responses?: unknown }).responses;
    } catch {
      return;
    }
    if (!Array.isArray(responses)) return;
    for (const response of responses as Response[]) {
      const id = response?.correlationData;
      if (typeof id !== "string") continue;
      pending.get(id)?.resolve(response);
      pending.delete(id);
    }
  };
  // A new connection is a new (clean) session: subscribe again before the next command. An
  // answer to a command sent on the old one may never come: fail it now rather than on timeout.
  const onClose = () => {
    subscribed = null;
    for (const [id, waiter] of pending) {
      pending.delete(id);
      waiter.reject(new DynsecError(waiter.command, "connection closed before the response"));
    }
  };
  client.on("message", onMessage);
  client.on("close", onClose);

  const ensureSubscribed = () => {
    // mqtt.js rejects a refused subscription (granted 0x80): this user is not the dynsec admin.
    subscribed ??= client.subscribeAsync(RESPONSE_TOPIC, { qos: 1 }).then(
      () => undefined,
      (error: Error) => {
        subscribed = null;
        throw new DynsecError("subscribe", `${RESPONSE_TOPIC}: ${error.message}`);
      },
    );
    return subscribed;
  };

  /** Sends commands in one message; resolves with their responses in order, errors included. */
  async function sendRaw(commands: Command[]): Promise<Response[]> {
    if (!client.connected) throw new DynsecError(commands[0]?.command ?? "?", "broker not connected");
    await ensureSubscribed();
    const ids = commands.map(() => randomUUID());
    const answers = ids.map(
      (id, i) =>
        new Promise<Response>((resolve, reject) =>
          pending.set(id, { command: commands[i]?.command ?? "?", resolve, reject }),
        ),
    );
    // A close while still publishing rejects these before anyone awaits them.
    for (const answer of answers) answer.catch(() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DynsecError(commands.map((c) => c.command).join(","), `no response in ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const body = JSON.stringify({ commands: commands.map((c, i) => ({ ...c, correlationData: ids[i] })) });
      const published = client.publishAsync(COMMAND_TOPIC, body, { qos: 1 });
      return await Promise.race([published.then(() => Promise.all(answers)), timeout]);
    } finally {
      clearTimeout(timer);
      for (const id of ids) pending.delete(id);
    }
  }

  /** Like sendRaw, but throws on the first error not listed in `tolerate`. */
  async function send(commands: Command[], tolerate: readonly string[] = []): Promise<Response[]> {
    const responses = await sendRaw(commands);
    for (const r of responses) {
      if (r.error && !tolerate.includes(r.error)) throw new DynsecError(r.command, r.error);
    }
    return responses;
  }

  async function clientRoles(username: string): Promise<string[]> {
    const [r] = await send([{ command: "getClient", username }]);
    const roles = (r?.data?.client as { roles?: { rolename: string }[] } | undefined)?.roles ?? [];
    return roles.map((role) => role.rolename);
  }

  const waitConnected = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (client.connected) return resolve();
      const timer = setTimeout(() => {
        client.off("connect", done);
        reject(new DynsecError("reconnect", `not reconnected in ${ms} ms`));
      }, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      client.once("connect", done);
    });

  return {
    async ensureAgentRoleModel() {
      // Mosquitto's defaults let any client receive anything it managed to subscribe to
      // (publishClientReceive: true); agents get exactly what their role allows, nothing more.
      await send([
        {
          command: "setDefaultACLAccess",
          acls: [
            { acltype: "publishClientSend", allow: false },
            { acltype: "publishClientReceive", allow: false },
            { acltype: "subscribe", allow: false },
            { acltype: "unsubscribe", allow: true },
          ],
        },
      ]);
    },

    async ensureControlPlaneRole(username) {
      const acls = [
        { acltype: "publishClientSend", topic: "kilusi/#", allow: true },
        { acltype: "publishClientReceive", topic: "kilusi/#", allow: true },
        { acltype: "subscribePattern", topic: "kilusi/#", allow: true },
        // 2.0.11 checks a shared subscription against the whole `$share/<group>/…` filter.
        { acltype: "subscribePattern", topic: "$share/+/kilusi/#", allow: true },
      ];
      await send([{ command: "createRole", rolename: CONTROL_PLANE_ROLE, acls }], ["Role already exists"]);
      if ((await clientRoles(username)).includes(CONTROL_PLANE_ROLE)) return;
      opts.logger.info({ username, role: CONTROL_PLANE_ROLE }, "granting the control plane its MQTT role");
      // The broker kicks this very connection when the role is added, usually before answering.
      let onKick = () => {};
      const kicked = new Promise<void>((resolve) => {
        onKick = resolve;
        client.once("close", onKick);
      });
      await sendRaw([{ command: "addClientRole", username, rolename: CONTROL_PLANE_ROLE }]).catch(() => undefined);
      await Promise.race([kicked, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      client.off("close", onKick);
      await waitConnected(timeoutMs + 5_000);
      if (!(await clientRoles(username)).includes(CONTROL_PLANE_ROLE))
        throw new DynsecError("addClientRole", `${username} still lacks ${CONTROL_PLANE_ROLE}`);
    },

    async provisionAgent(agent) {
      const { publish, subscribe } = agentTopicFilters(agent);
      const rolename = agentRoleName(agent.username);
      const acls = [
        { acltype: "publishClientSend", topic: publish, allow: true },
        { acltype: "subscribePattern", topic: subscribe, allow: true },
        { acltype: "publishClientReceive", topic: subscribe, allow: true },
      ];
      // clientid pins the client id to the username: otherwise one agent could take over
      // another's session (and knock it offline) by connecting with its client id.
      const [, created] = await send(
        [
          { command: "createRole", rolename, acls },
          {
            command: "createClient",
            username: agent.username,
            password: agent.password,
            clientid: agent.username,
            roles: [{ rolename }],
          },
        ],
        ["Role already exists", "Client already exists"],
      );
      if (created?.error === "Client already exists") {
        await send([
          { command: "setClientPassword", username: agent.username, password: agent.password },
          { command: "enableClient", username: agent.username },
        ]);
        if (!(await clientRoles(agent.username)).includes(rolename))
          await send([{ command: "addClientRole", username: agent.username, rolename }]);
      }
    },

    async rotateAgent(agent) {
      await send([{ command: "setClientPassword", username: agent.username, password: agent.password }]);
    },

    async revokeAgent(username) {
      await send(
        [
          { command: "deleteClient", username },
          { command: "deleteRole", rolename: agentRoleName(username) },
        ],
        ["Client not found", "Role not found"],
      );
    },

    close() {
      client.off("message", onMessage);
      client.off("close", onClose);
      onClose();
    },
  };
}
