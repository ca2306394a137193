import type { Logger } from "@kilusi/shared/logger";
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import type { Metrics } from "../observability/metrics.ts";

// Probes arrive every few seconds from load balancers and Prometheus: not worth an info line.
const QUIET = new Set(["/healthz", "/readyz", "/metrics"]);

export type AppEnv = { Variables: { requestId: string; logger: Logger } };

/** Times every request, labels it by route pattern (never by raw path) and logs one line. */
export const observe = (deps: { logger: Logger; metrics: Metrics }) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    const logger = deps.logger.child({ requestId: c.get("requestId") });
    c.set("logger", logger);
    await next();
    const seconds = (performance.now() - started) / 1000;
    const pattern = routePath(c, -1);
    const route = pattern === "/*" || pattern === "*" ? "unmatched" : pattern;
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
