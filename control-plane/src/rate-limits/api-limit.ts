import { createMiddleware } from "hono/factory";
import { AppError } from "../http/errors.ts";
import type { AppEnv } from "../http/observe.ts";
import type { RateLimiter } from "./rate-limits.ts";

/**
 * The API budget (DESIGN §5): a fixed window per minute shared by every replica, counted per
 * tenant for a signed-in caller (one busy ISP cannot starve the others) and per client address
 * otherwise. Mounted on /api/* after the session is read.
 */
export const apiRateLimit = (deps: { limiter: RateLimiter; perMinute: number }) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const tenantId = c.get("auth")?.tenant?.id;
    const bucket = tenantId ? `api:tenant:${tenantId}` : `api:ip:${c.get("meta").ip ?? "unknown"}`;
    const gate = await deps.limiter.hit(bucket, { limit: deps.perMinute, windowSeconds: 60 });
    c.header("RateLimit-Limit", String(deps.perMinute));
    c.header("RateLimit-Remaining", String(gate.remaining));
    if (!gate.allowed) {
      throw new AppError("rate_limited", 429, "Too many API requests. Wait a little and try again.", {
        retryAfterSeconds: gate.retryAfterSeconds,
      });
    }
    await next();
  });
