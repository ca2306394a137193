import { HomePage } from "@kilusi/web/pages/dashboard/home.tsx";
import { Hono } from "hono";
import { requireTenant } from "../auth/auth.middleware.ts";
import { navAreasFor } from "../auth/navigation.ts";
import { notFound } from "../http/errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";

/** The signed-in home: the ISP, the person's role there, and the areas that role may open. */
export function dashboardRoutes(deps: Pick<RouteDeps, "assets">) {
  const app = new Hono<AppEnv>();

  app.get("/app", requireTenant("dashboard.view"), (c) => {
    const auth = c.get("auth");
    // requireTenant let the request through, so these are set; the check satisfies the types.
    if (!auth?.tenant || !auth.role) throw notFound();
    const { tenant, role } = auth;
    c.header("Cache-Control", "no-store");
    return c.html(
      <HomePage
        locale={localeOf(c)}
        assets={deps.assets}
        userName={auth.user.name}
        tenantName={tenant.name}
        role={role}
        areas={navAreasFor(role)}
      />,
    );
  });

  return app;
}
