import type { Logger } from "@kilusi/shared/logger";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { accountsRoutes } from "./accounts/accounts.routes.tsx";
import { AGENT_ENROLL_PATH, agentEnrollRoutes } from "./agents/agent-enroll.routes.ts";
import { apiRoutes } from "./api/api.routes.ts";
import { auditRoutes } from "./audit/audit.routes.tsx";
import { loadAuth } from "./auth/auth.middleware.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config/config.ts";
import { createSecretBox } from "./crypto/secret-box.ts";
import { customersRoutes } from "./customers/customers.routes.tsx";
import type { Database } from "./db/database.ts";
import { healthRoutes } from "./health/health.routes.ts";
import type { LoadedAssets } from "./http/assets.ts";
import { csrfProtection } from "./http/csrf.ts";
import { errorHandler, notFoundHandler } from "./http/error-handler.tsx";
import { requestMeta } from "./http/meta.ts";
import { type AppEnv, observe } from "./http/observe.ts";
import { requestId } from "./http/request-id.ts";
import type { RouteDeps } from "./http/route-deps.ts";
import { invoicesRoutes } from "./invoices/invoices.routes.tsx";
import type { BrokerConnection } from "./mqtt/broker-connection.ts";
import { nasRoutes } from "./nas/nas.routes.tsx";
import { devOutboxRoutes } from "./notifications/dev-outbox.routes.tsx";
import type { Metrics } from "./observability/metrics.ts";
import { pagesRoutes } from "./pages/pages.routes.tsx";
import { paymentsRoutes } from "./payments/payments.routes.tsx";
import { plansRoutes } from "./plans/plans.routes.tsx";
import { platformRoutes } from "./platform/platform.routes.tsx";
import { profileRoutes } from "./profile/profile.routes.tsx";
import { radiusRoutes } from "./radius/radius.routes.tsx";
import { apiRateLimit } from "./rate-limits/api-limit.ts";
import { createLoginThrottle, createRateLimiter } from "./rate-limits/rate-limits.ts";
import { reportsRoutes } from "./reports/reports.routes.tsx";
import { billingSettingsRoutes } from "./settings/billing-settings.routes.tsx";
import { settingsRoutes } from "./settings/settings.routes.tsx";
import { sitesRoutes } from "./sites/sites.routes.tsx";
import type { Storage } from "./storage/storage.ts";
import { subscriptionsRoutes } from "./subscriptions/subscriptions.routes.tsx";
import type { SyncHandle } from "./sync/sync-handle.ts";
import { teamRoutes } from "./team/team.routes.tsx";
import { vouchersRoutes } from "./vouchers/vouchers.routes.tsx";

export interface AppDeps {
  config: Config;
  logger: Logger;
  database: Database;
  broker: BrokerConnection;
  storage: Storage;
  metrics: Metrics;
  assets: LoadedAssets;
  clock: Clock;
  masterKey: Buffer;
  isDraining: () => boolean;
  sync: SyncHandle;
  /** Route modules mounted after the built-in ones (test fixtures that prove a guard works). */
  extraRoutes?: readonly RouteModule[];
}

/** A domain's routes, built from the dependencies every domain shares. */
export type RouteModule = (deps: RouteDeps) => Hono<AppEnv>;

/** Builds the HTTP application from its dependencies; no I/O happens here. */
export function createApp(deps: AppDeps) {
  const { config } = deps;
  const routeDeps: RouteDeps = {
    config,
    logger: deps.logger,
    database: deps.database,
    storage: deps.storage,
    clock: deps.clock,
    assets: deps.assets.urls,
    policy: { idleMs: config.auth.idleMs, absoluteMs: config.auth.absoluteMs },
    throttle: createLoginThrottle({ database: deps.database, clock: deps.clock }),
    limiter: createRateLimiter({ database: deps.database, clock: deps.clock }),
    secretBox: (purpose) => createSecretBox(deps.masterKey, purpose),
    sync: deps.sync,
  };

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
  // CORS is off unless origins are listed, and then only for the API.
  if (config.corsAllowedOrigins.length > 0) {
    app.use("/api/*", cors({ origin: config.corsAllowedOrigins, credentials: false, maxAge: 600 }));
  }
  app.use(
    csrfProtection({
      publicOrigin: config.http.publicUrl ? new URL(config.http.publicUrl).origin : undefined,
      exemptPaths: [AGENT_ENROLL_PATH],
    }),
  );
  app.use(requestMeta({ trustedProxies: config.trustedProxies }));
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
  // Everything below may depend on who is asking.
  app.use(
    loadAuth({
      database: deps.database,
      clock: deps.clock,
      policy: routeDeps.policy,
      secureCookies: config.auth.secureCookies,
    }),
  );
  app.use("/api/*", apiRateLimit({ limiter: routeDeps.limiter, perMinute: config.apiRateLimitPerMinute }));
  app.route("/", apiRoutes());
  app.route("/", agentEnrollRoutes(routeDeps));
  app.route("/", pagesRoutes({ assets: deps.assets.urls }));
  for (const routes of [
    accountsRoutes,
    teamRoutes,
    profileRoutes,
    settingsRoutes,
    billingSettingsRoutes,
    auditRoutes,
    plansRoutes,
    customersRoutes,
    subscriptionsRoutes,
    invoicesRoutes,
    paymentsRoutes,
    vouchersRoutes,
    reportsRoutes,
    sitesRoutes,
    nasRoutes,
    radiusRoutes,
    platformRoutes,
    devOutboxRoutes,
    ...(deps.extraRoutes ?? []),
  ]) {
    app.route("/", routes(routeDeps));
  }
  const errors = { logger: deps.logger, assets: deps.assets.urls, exposeStacks: config.env !== "production" };
  app.notFound(notFoundHandler(errors));
  app.onError(errorHandler(errors));
  return app;
}

export type App = ReturnType<typeof createApp>;
