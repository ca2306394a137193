import { createLogger, type Logger } from "@kilusi/shared/logger";
import { createApp } from "./app.ts";
import type { Config } from "./config/config.ts";
import { loadMasterKey } from "./config/master-key.ts";
import { type Database, openDatabase } from "./db/database.ts";
import { appRolePassword } from "./db/migrations.ts";
import { loadAssets } from "./http/assets.ts";
import { connectBroker } from "./mqtt/broker-connection.ts";
import { startEmbeddedBroker } from "./mqtt/embedded-broker.ts";
import { createMetrics } from "./observability/metrics.ts";
import { pagesRoutes } from "./pages/pages.routes.tsx";
import { createStorage } from "./storage/create-storage.ts";

export interface RunningControlPlane {
  url: string;
  logger: Logger;
  /** Stops accepting, lets in-flight requests finish (bounded), closes everything. */
  stop(): Promise<void>;
}

/**
 * Starts every part the configuration asks for, in dependency order, and returns a handle
 * whose `stop` undoes it in reverse. Anything that fails half-way is closed again.
 */
export async function startControlPlane(
  config: Config,
  logger = createLogger({ name: "control-plane", level: config.logLevel }),
): Promise<RunningControlPlane> {
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error }, "error while closing");
      }
    }
  };
  try {
    const masterKey = loadMasterKey(config);
    const database: Database = await openDatabase(
      config.database.kind === "pglite"
        ? { kind: "pglite", dir: config.database.dir, appRole: config.appRole }
        : config.database,
      appRolePassword(masterKey),
    );
    closers.push(() => database.close());

    let brokerUrl: string;
    if (config.mqtt.kind === "embedded") {
      const embedded = await startEmbeddedBroker({ ...config.mqtt, logger });
      closers.push(() => embedded.close());
      brokerUrl = embedded.url;
    } else brokerUrl = config.mqtt.url;
    const broker = await connectBroker({ url: brokerUrl, logger });
    closers.push(() => broker.close());

    const storage = createStorage({ dataDir: config.dataDir, s3: config.s3 });
    closers.push(() => storage.close?.());
    const metrics = createMetrics();
    closers.push(() => metrics.stop());
    const assets = await loadAssets();

    let draining = false;
    const app = createApp({
      config,
      logger,
      database,
      broker,
      storage,
      metrics,
      web: { routes: [assets.routes, pagesRoutes({ assets: assets.urls })] },
      isDraining: () => draining,
    });
    const server = Bun.serve({ hostname: config.http.host, port: config.http.port, fetch: app.fetch });
    const host = config.http.host === "0.0.0.0" || config.http.host === "::" ? "localhost" : config.http.host;
    const url = config.http.publicUrl ?? `http://${host.includes(":") ? `[${host}]` : host}:${server.port}`;
    logger.info({ url, database: database.kind, broker: config.mqtt.kind, storage: storage.kind }, "listening");

    return {
      url,
      logger,
      async stop() {
        draining = true;
        logger.info("shutting down: no new connections, waiting for requests in flight");
        let timer: ReturnType<typeof setTimeout> | undefined;
        const forced = new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), config.shutdownTimeoutMs);
        });
        const outcome = await Promise.race([server.stop(false).then(() => "drained" as const), forced]);
        clearTimeout(timer);
        if (outcome === "timeout") {
          logger.warn({ afterMs: config.shutdownTimeoutMs }, "requests still in flight; closing them");
          await server.stop(true);
        }
        await closeAll();
        logger.info("stopped");
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
