import { createMiddleware } from "hono/factory";
import { AppError } from "./errors.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery: every unsafe method, forms and JSON alike, must come from our own
 * origin — by its Origin header, or, where a browser sends none, by Sec-Fetch-Site. A request
 * with neither is refused: every browser we support sends at least one on a POST.
 * `exemptPaths` are endpoints that carry their own credential in the body and ignore cookies
 * (agent enrollment): a forged cross-site request to them has no ambient authority to abuse.
 */
export const csrfProtection = (opts: { publicOrigin: string | undefined; exemptPaths?: readonly string[] }) =>
  createMiddleware(async (c, next) => {
    if (SAFE.has(c.req.method) || opts.exemptPaths?.includes(c.req.path)) return next();
    const expected = opts.publicOrigin ?? new URL(c.req.url).origin;
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    const sameOrigin = origin !== undefined ? origin === expected : site === "same-origin" || site === "none";
    if (!sameOrigin) throw new AppError("csrf_rejected", 403, "This request did not come from this site.");
    return next();
  });
