import { Hono } from "hono";
import { z } from "zod";
import { AppError } from "../http/errors.ts";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { enrollAgent } from "./agent-enroll.usecases.ts";

const enrollBody = z.strictObject({
  token: z.string().min(1).max(200),
  agentId: z.uuid({ version: "v4" }).transform((v) => v.toLowerCase()),
  hostname: z
    .string()
    .max(253)
    .regex(/^[A-Za-z0-9._-]*$/)
    .nullable()
    .transform((v) => v || null),
  agentVersion: z.string().min(1).max(64),
});

export const AGENT_ENROLL_PATH = "/api/v1/agent/enroll";

/**
 * `kilusi-agent enroll <url> <token>` lands here: no session, the token is the credential. The
 * API rate limit (per address when signed out) bounds guessing; the answer is never cached.
 */
export function agentEnrollRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  app.post(AGENT_ENROLL_PATH, async (c) => {
    c.header("Cache-Control", "no-store");
    const body = enrollBody.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) {
      const issue = body.error.issues[0];
      throw new AppError("validation_failed", 400, `${issue?.path.join(".") || "body"}: ${issue?.message}`);
    }
    const result = await enrollAgent(
      { database: deps.database, clock: deps.clock, access: deps.sync.access, agentBroker: deps.sync.agentBroker },
      body.data,
      c.get("meta"),
    );
    deps.logger.info({ tenantId: result.tenantId, siteId: result.siteId, agentId: result.agentId }, "agent enrolled");
    return c.json(result);
  });
  return app;
}
