import { Hono } from "hono";
import { authOf, requireSignedIn } from "../auth/auth.middleware.ts";
import type { AppEnv } from "../http/observe.ts";

/**
 * The JSON API, versioned under /api/v1. For now it says who is calling and where, which a
 * client needs before anything else; the domains add their resources here.
 */
export function apiRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/api/v1/me", requireSignedIn(), (c) => {
    const auth = authOf(c);
    c.header("Cache-Control", "no-store");
    return c.json({
      user: { id: auth.user.id, name: auth.user.name, email: auth.user.email },
      tenant: auth.tenant ? { id: auth.tenant.id, slug: auth.tenant.slug, name: auth.tenant.name } : null,
      role: auth.role,
    });
  });
  return app;
}
