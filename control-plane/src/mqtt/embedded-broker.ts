import type { AddressInfo } from "node:net";
import { createServer, type Socket } from "node:net";
import type { Logger } from "@kilusi/shared/logger";
import { Aedes } from "aedes";
import { ConfigError } from "../config/config.ts";
import type { AgentAuthority } from "./agent-authority.ts";
import { type BrokerRefusals, embeddedBrokerAuth } from "./embedded-broker-auth.ts";

export interface EmbeddedBroker {
  url: string;
  /** Refused connects, publishes and subscriptions since start (live counters, for a metric). */
  refusals: Readonly<BrokerRefusals>;
  /**
   * Disconnects the live clients of a username (a revoked or rotated agent); returns how many.
   * Call it after the authority refuses the old credentials, so the reconnect fails.
   */
  kick(username: string): number;
  disconnectAgent(tenantId: string, agentId: string): number;
  close(): Promise<void>;
}

/**
 * The embedded default: an aedes broker inside the control-plane process, for a machine that
 * has no Mosquitto. It speaks MQTT 3.1.1 only, so the sync contract must not need MQTT 5.
 * Nobody connects anonymously: agents with credentials the authority accepts, the control plane
 * as CONTROL_PLANE_MQTT_USERNAME with controlPlanePassword (see embedded-broker-auth.ts).
 *
 * aedes has no shared subscriptions (`$share/...` is taken as a plain topic filter and refused
 * for agents), so the control plane subscribes to CLOUD_UP_FILTER here; see subscriptions.ts.
 */
export async function startEmbeddedBroker(opts: {
  host: string;
  port: number;
  anyPortIfTaken?: boolean;
  logger: Logger;
  authority: AgentAuthority;
  controlPlanePassword: string;
}): Promise<EmbeddedBroker> {
  const auth = embeddedBrokerAuth(opts);
  const broker = await Aedes.createBroker(auth.handlers);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    broker.handle(socket);
  });
  broker.on("clientError", (client, error) =>
    opts.logger.debug({ client: client.id, err: error.message }, "mqtt client error"),
  );
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, opts.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  try {
    await listen(opts.port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    const where = `${opts.host}:${opts.port}`;
    if (!opts.anyPortIfTaken) {
      throw new ConfigError(
        "MQTT_EMBEDDED_PORT",
        `cannot listen on ${where}: already in use (to use the broker there, set MQTT_URL=mqtt://${where})`,
      );
    }
    opts.logger.warn({ taken: where }, "MQTT port taken (a local Mosquitto?); the embedded broker takes a free port");
    await listen(0);
  }
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  opts.logger.info({ host: opts.host, port }, "embedded MQTT broker listening");
  const kick = (username: string) => {
    let kicked = 0;
    for (const client of auth.clientsOf(username)) {
      client.close();
      kicked++;
    }
    if (kicked > 0) opts.logger.info({ username, kicked }, "mqtt clients disconnected");
    return kicked;
  };
  return {
    url: `mqtt://${host}:${port}`,
    refusals: auth.refusals,
    kick,
    disconnectAgent: (tenantId, agentId) => kick(`${tenantId}.${agentId}`),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
