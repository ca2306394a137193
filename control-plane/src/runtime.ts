import { createLogger, type Logger } from "@kilusi/shared/logger";
import { type App, createApp, type RouteModule } from "./app.ts";
import { type Clock, systemClock } from "./clock.ts";
import { type Config, ConfigError } from "./config/config.ts";
import { loadMasterKey } from "./config/master-key.ts";
import { createSecretBox, type SecretBox } from "./crypto/secret-box.ts";
import { type Database, openDatabase } from "./db/database.ts";
import { appRolePassword } from "./db/migrations.ts";
import { type DemoLogin, ensureDemoTenant } from "./demo/demo.ts";
import { startDemoAgent } from "./demo/demo-agent.ts";
import { loadAssets } from "./http/assets.ts";
import { startJobScheduler } from "./jobs/billing-jobs.ts";
import { createMetrics } from "./observability/metrics.ts";
import { createStorage } from "./storage/create-storage.ts";
import { startSync } from "./sync/start-sync.ts";
import type { SyncHandle } from "./sync/sync-handle.ts";

export interface AssembledControlPlane {
  app: App;
  logger: Logger;
  database: Database;
  /** Enrollment's broker access and the command channel to agents. */
  sync: SyncHandle;
  /** Seals and opens secrets at rest with this deployment's master key (the CLI and tests). */
  secretBox(purpose: string): SecretBox;
  /** From now on /readyz answers 503, so load balancers stop sending new requests. */
  drain(): void;
  close(): Promise<void>;
}

export interface RunningControlPlane {
  url: string;
  logger: Logger;
  /** The embedded default's demo sign-in (see demo/demo.ts); null everywhere else. */
  demo: DemoLogin | null;
  /** Stops accepting, lets in-flight requests finish (bounded), closes everything. */
  stop(): Promise<void>;
}

/**
 * Opens every dependency the configuration asks for, in order, and builds the app on them.
 * Anything that fails half-way is closed again; `close` undoes it all in reverse.
 */
export async function assembleControlPlane(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
  extraRoutes: readonly RouteModule[] = [],
): Promise<AssembledControlPlane> {
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        logger.warn({ err: error }, "error while closing");
      }
    }
  };
  try {
    const masterKey = loadMasterKey(config);
    const database = await openConfiguredDatabase(config, masterKey);
    closers.push(() => database.close());

    const metrics = createMetrics();
    closers.push(() => metrics.stop());
    const sync = await startSync({ config, logger, database, metrics, clock, masterKey });
    closers.push(() => sync.close());

    const storage = createStorage({ dataDir: config.dataDir, s3: config.s3 });
    closers.push(() => storage.close?.());
    const assets = await loadAssets();

    let draining = false;
    const app = createApp({
      config,
      logger,
      database,
      broker: sync.broker,
      sync: sync.handle,
      storage,
      metrics,
      assets,
      clock,
      masterKey,
      isDraining: () => draining,
      extraRoutes,
    });
    return {
      app,
      logger,
      database,
      sync: sync.handle,
      secretBox: (purpose) => createSecretBox(masterKey, purpose),
      drain: () => {
        draining = true;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The configured database, migrated, connected as the application role (the server and the CLI). */
export function openConfiguredDatabase(config: Config, masterKey: Buffer): Promise<Database> {
  return openDatabase(
    config.database.kind === "pglite"
      ? { kind: "pglite", dir: config.database.dir, appRole: config.appRole }
      : config.database,
    appRolePassword(masterKey),
  );
}

/** Assembles the control plane and serves it over HTTP until `stop`. */
export async function startControlPlane(
  config: Config,
  logger = createLogger({ name: "control-plane", level: config.logLevel }),
): Promise<RunningControlPlane> {
  const cp = await assembleControlPlane(config, logger);
  // Demo seed: only the embedded default gets a demo ISP (demo/demo.ts decides).
  const demo = await ensureDemoTenant({
    config,
    database: cp.database,
    clock: systemClock,
    logger,
    secretBox: cp.secretBox,
  }).catch(async (error) => {
    await cp.close();
    throw error;
  });
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: config.http.host,
      port: config.http.port,
      // The server is the `env` so that handlers can read the peer address (hono/bun getConnInfo).
      fetch: (request, srv) => cp.app.fetch(request, srv),
    });
  } catch (error) {
    await cp.close();
    throw (error as NodeJS.ErrnoException).code === "EADDRINUSE"
      ? new ConfigError("PORT", `cannot listen on ${config.http.host}:${config.http.port}: already in use`)
      : error;
  }
  // Every replica runs the jobs; per-tenant advisory locks make the extra runs find nothing to do.
  const jobs =
    config.jobsIntervalMs > 0
      ? startJobScheduler(
          {
            database: cp.database,
            clock: systemClock,
            logger: logger.child({ job: "billing" }),
            secretBox: cp.secretBox,
            changeRetentionDays: config.agents.changeRetentionDays,
          },
          config.jobsIntervalMs,
        )
      : null;
  const host = config.http.host === "0.0.0.0" || config.http.host === "::" ? "localhost" : config.http.host;
  const url = config.http.publicUrl ?? `http://${host.includes(":") ? `[${host}]` : host}:${server.port}`;
  // The embedded default's demo site gets its agent, from this checkout's source.
  const demoAgent = demo
    ? await startDemoAgent({ url, dataDir: config.dataDir, database: cp.database, clock: systemClock, logger }).catch(
        (error) => {
          logger.error({ err: error }, "demo agent not started");
          return null;
        },
      )
    : null;
  logger.info(
    { url, database: config.database.kind, broker: config.mqtt.kind, storage: config.s3 ? "s3" : "local" },
    "listening",
  );

  return {
    url,
    logger,
    demo,
    async stop() {
      cp.drain();
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
      await jobs?.stop();
      await demoAgent?.stop();
      await cp.close();
      logger.info("stopped");
    },
  };
}
