import type { Logger } from "@kilusi/shared/logger";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { RequestMeta } from "../audit/audit.ts";
import type { Auth } from "../auth/auth.middleware.ts";
import type { Metrics } from "../observability/metrics.ts";

// Probes arrive every few seconds from load balancers and Prometheus: not worth an info line.
const QUIET = new Set(["/healthz", "/readyz", "/metrics"]);

export type AppEnv = {
  Variables: { requestId: string; logger: Logger; auth: Auth | null; meta: RequestMeta };
};

/** Times every request, labels it by route pattern (never by raw path) and logs one line. */
export const observe = (deps: { logger: Logger; metrics: Metrics }) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const logger = deps.logger.child({ requestId: c.get("requestId") });
    c.set("logger", logger);
    await next();
    const seconds = (performance.now() - started) / 1000;
    // The handler that answered is the last matched route registered for a method; `use`
    // middlewares match as ALL and say nothing about which page this was.
    const route = matchedRoutes(c).findLast((r) => r.method !== "ALL")?.path ?? "unmatched";
    deps.metrics.observeRequest(route, c.req.method, c.res.status, seconds);
    const line = {
      method: c.req.method,
      path: c.req.path,
      route,
      status: c.res.status,
      ms: Math.round(seconds * 1000),
    };
    if (c.res.status >= 500) logger.error(line, "request");
    else if (QUIET.has(route)) logger.debug(line, "request");
    else logger.info(line, "request");
  });
