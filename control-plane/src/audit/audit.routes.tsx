import { Hono } from "hono";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";

/** Pages and actions for browsing the audit log. */
export function auditRoutes(_deps: RouteDeps) {
  return new Hono<AppEnv>();
}
