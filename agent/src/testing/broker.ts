import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { Aedes } from "aedes";

export interface TestBroker {
  url: string;
  port: number;
  /** Cuts every client's TCP connection (no DISCONNECT: the broker publishes last wills). */
  dropClients(): void;
  /** Cuts one client's connection; false when it is not connected. */
  dropClient(clientId: string): boolean;
  close(): Promise<void>;
}

/**
 * A real MQTT 3.1.1 broker (aedes, the control plane's embedded one) on a loopback port;
 * with `tls`, it speaks mqtts with that key and certificate.
 */
export async function startTestBroker(
  port = 0,
  tls?: { key: string; cert: string },
  opts: { refuseSubscriptions?: boolean } = {},
): Promise<TestBroker> {
  const broker = await Aedes.createBroker(
    opts.refuseSubscriptions ? { authorizeSubscribe: (_client, _sub, done) => done(null, null) } : {},
  );
  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    broker.handle(socket);
  };
  const server: Server = tls ? createTlsServer(tls, onSocket) : createServer(onSocket);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? "mqtts" : "mqtt"}://127.0.0.1:${actual}`,
    port: actual,
    dropClients() {
      for (const s of sockets) s.destroy();
    },
    dropClient(clientId) {
      const clients = (broker as unknown as { clients: Record<string, { conn: { destroy(): void } } | undefined> })
        .clients;
      const client = clients[clientId];
      client?.conn.destroy();
      return client !== undefined;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

/** A loopback port nothing listens on (for "the broker is down" cases). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
