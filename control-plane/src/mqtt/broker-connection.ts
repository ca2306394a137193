import { randomUUID } from "node:crypto";
import type { Logger } from "@kilusi/shared/logger";
import mqtt, { type MqttClient } from "mqtt";

export interface BrokerConnection {
  readonly client: MqttClient;
  isConnected(): boolean;
  close(): Promise<void>;
}

/**
 * The control plane's own connection to the broker (embedded or external). It reconnects by
 * itself; readiness reports it. Start-up waits briefly for the first connection but never
 * fails on it: a control plane whose broker is down still serves pages and says so in /readyz.
 */
export async function connectBroker(opts: {
  url: string;
  logger: Logger;
  firstConnectMs?: number;
  /** The control plane's identity (the embedded broker's service user, or Mosquitto's dynsec admin). */
  username?: string;
  password?: string;
}): Promise<BrokerConnection> {
  const client = mqtt.connect(opts.url, {
    clientId: `kilusi-cp-${randomUUID()}`,
    ...(opts.username === undefined ? {} : { username: opts.username, password: opts.password }),
    protocolVersion: 4,
    reconnectPeriod: 2_000,
    connectTimeout: 5_000,
    clean: true,
  });
  let lastError = "";
  client.on("error", (error) => {
    if (error.message !== lastError) opts.logger.warn({ err: error.message }, "mqtt connection error");
    lastError = error.message;
  });
  client.on("connect", () => {
    lastError = "";
    opts.logger.info({ url: redact(opts.url) }, "connected to the MQTT broker");
  });
  client.on("offline", () => opts.logger.warn("MQTT broker unreachable; reconnecting"));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, opts.firstConnectMs ?? 3_000);
    client.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    client,
    isConnected: () => client.connected,
    async close() {
      await client.endAsync(true);
    },
  };
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
