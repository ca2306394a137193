import { HomePage } from "@kilusi/web/pages/dashboard/home.tsx";
import { Hono } from "hono";
import { actorOf } from "../auth/actor.ts";
import { requireTenant } from "../auth/auth.middleware.ts";
import { navAreasFor } from "../auth/navigation.ts";
import { can } from "../auth/permissions.ts";
import { notFound } from "../http/errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { DASHBOARD_MONTHS, reportsOverview } from "../reports/reports.usecases.ts";

/**
 * The signed-in home: the ISP, the person's role there, this month's figures for a role that
 * may see reports, and the areas that role may open.
 */
export function dashboardRoutes(deps: Pick<RouteDeps, "assets" | "database" | "clock">) {
  const app = new Hono<AppEnv>();

  app.get("/app", requireTenant("dashboard.view"), async (c) => {
    const auth = c.get("auth");
    // requireTenant let the request through, so these are set; the check satisfies the types.
    if (!auth?.tenant || !auth.role) throw notFound();
    const { tenant, role } = auth;
    const overview = can(role, "reports.view") ? await reportsOverview(deps, actorOf(c), DASHBOARD_MONTHS) : undefined;
    c.header("Cache-Control", "no-store");
    return c.html(
      <HomePage
        locale={localeOf(c)}
        assets={deps.assets}
        userName={auth.user.name}
        tenantName={tenant.name}
        role={role}
        areas={navAreasFor(role)}
        overview={overview}
      />,
    );
  });

  return app;
}
