import { Hono } from "hono";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";

/** Pages and actions for the platform operator's area. */
export function platformRoutes(_deps: RouteDeps) {
  return new Hono<AppEnv>();
}
