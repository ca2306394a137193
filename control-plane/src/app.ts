import type { Logger } from "@kilusi/shared/logger";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { Config } from "./config/config.ts";
import type { Database } from "./db/database.ts";
import { healthRoutes } from "./health/health.routes.ts";
import type { LoadedAssets } from "./http/assets.ts";
import { errorHandler, notFoundHandler } from "./http/error-handler.tsx";
import { type AppEnv, observe } from "./http/observe.ts";
import { requestId } from "./http/request-id.ts";
import type { BrokerConnection } from "./mqtt/broker-connection.ts";
import type { Metrics } from "./observability/metrics.ts";
import { pagesRoutes } from "./pages/pages.routes.tsx";
import type { Storage } from "./storage/storage.ts";

export interface AppDeps {
  config: Config;
  logger: Logger;
  database: Database;
  broker: BrokerConnection;
  storage: Storage;
  metrics: Metrics;
  assets: LoadedAssets;
  isDraining: () => boolean;
}

/** Builds the HTTP application from its dependencies; no I/O happens here. */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(observe(deps));
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      strictTransportSecurity: "max-age=31536000; includeSubDomains",
      referrerPolicy: "strict-origin-when-cross-origin",
      xFrameOptions: "DENY",
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.route(
    "/",
    healthRoutes({
      metrics: deps.metrics,
      isDraining: deps.isDraining,
      checks: {
        database: () => deps.database.ping(),
        broker: async () => {
          if (!deps.broker.isConnected()) throw new Error("not connected");
        },
      },
      gauges: () => {
        const db = deps.database.stats();
        return [
          { name: "db_pool_max_connections", help: "Connections the database pool may open.", value: db.poolMax },
          { name: "db_transactions_active", help: "Database transactions in flight.", value: db.activeTransactions },
          {
            name: "mqtt_connected",
            help: "1 when connected to the MQTT broker.",
            value: deps.broker.isConnected() ? 1 : 0,
          },
        ];
      },
    }),
  );
  app.route("/", deps.assets.routes);
  app.route("/", pagesRoutes({ assets: deps.assets.urls }));
  const errors = { logger: deps.logger, assets: deps.assets.urls, exposeStacks: deps.config.env !== "production" };
  app.notFound(notFoundHandler(errors));
  app.onError(errorHandler(errors));
  return app;
}

export type App = ReturnType<typeof createApp>;
