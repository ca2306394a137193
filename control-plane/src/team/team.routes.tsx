import { Hono } from "hono";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";

/** Pages and actions for team members, roles and invitations. */
export function teamRoutes(_deps: RouteDeps) {
  return new Hono<AppEnv>();
}
