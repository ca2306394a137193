import type { AddressInfo } from "node:net";
import { createServer, type Socket } from "node:net";
import type { Logger } from "@kilusi/shared/logger";
import { Aedes } from "aedes";
import { ConfigError } from "../config/config.ts";

export interface EmbeddedBroker {
  url: string;
  close(): Promise<void>;
}

/**
 * The embedded default: an aedes broker inside the control-plane process, for a machine that
 * has no Mosquitto. It speaks MQTT 3.1.1 only, so the sync contract must not need MQTT 5.
 */
export async function startEmbeddedBroker(opts: {
  host: string;
  port: number;
  anyPortIfTaken?: boolean;
  logger: Logger;
}): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
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
  return {
    url: `mqtt://${host}:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
