import { Hono } from "hono";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";

/** Pages and actions of the subscriptions area. */
export function subscriptionsRoutes(_deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  return app;
}
