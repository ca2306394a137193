import { createMiddleware } from "hono/factory";
import { clientIp } from "./client-ip.ts";
import type { AppEnv } from "./observe.ts";

/** Who is asking from where, for rate limits and audit rows: set once per request. */
export const requestMeta = (opts: { trustedProxies: readonly string[] }) =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.set("meta", {
      ip: clientIp(c, opts.trustedProxies),
      requestId: c.get("requestId"),
      userAgent: c.req.header("user-agent")?.slice(0, 300) ?? null,
    });
    await next();
  });
