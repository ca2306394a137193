import { Hono } from "hono";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";

/** Pages and actions for the signed-in person's profile, password, sessions and two-factor. */
export function profileRoutes(_deps: RouteDeps) {
  return new Hono<AppEnv>();
}
