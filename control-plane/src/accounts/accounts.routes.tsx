import { Hono } from "hono";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";

/** Pages and actions for sign-up, sign-in (with the second factor), sign-out, password reset, the ISP picker. */
export function accountsRoutes(_deps: RouteDeps) {
  return new Hono<AppEnv>();
}
