import { Hono } from "hono";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";

/** Pages and actions for the tenant's settings. */
export function settingsRoutes(_deps: RouteDeps) {
  return new Hono<AppEnv>();
}
