import { createMiddleware } from "hono/factory";

const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * Every request gets an id, echoed in `X-Request-Id` and in every log line, so a user can
 * quote it to support. A well-formed incoming id (from the load balancer) is kept.
 */
export const requestId = () =>
  createMiddleware<{ Variables: { requestId: string } }>(async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const id = incoming && ACCEPTABLE.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  });
