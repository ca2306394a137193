import { TenantRowUpdate } from "@kilusi/web/pages/platform/tenant-row.tsx";
import { PlatformTenantsPage } from "@kilusi/web/pages/platform/tenants-page.tsx";
import { type Context, Hono } from "hono";
import { type Auth, requirePlatformOperator } from "../auth/auth.middleware.ts";
import { notFound } from "../http/errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { platformPageQuery, tenantActionParams } from "./platform.schemas.ts";
import { listTenants, setTenantStatus } from "./platform.usecases.ts";

/** The operator behind a request that passed requirePlatformOperator. */
function operatorOf(c: Context<AppEnv>): Auth {
  const auth = c.get("auth");
  if (!auth?.user.platformOperator) throw notFound("page");
  return auth;
}

/**
 * The platform operator's area (a flag on the person, not a tenant role). Signed-in people
 * without the flag get the same 404 as for a page that does not exist; visitors who are not
 * signed in are sent to /login like anywhere else, so an operator can sign in and come back.
 */
export function platformRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  // Hono's "/platform/*" also matches "/platform" itself.
  app.use("/platform/*", requirePlatformOperator(), async (c, next) => {
    await next();
    // Every ISP on one page: nothing here may sit in a shared or back-button cache.
    c.header("Cache-Control", "no-store");
  });

  app.get("/platform", async (c) => {
    const query = platformPageQuery.parse(c.req.query());
    const tenants = await listTenants(deps);
    const named = query.done && query.tenant ? tenants.find((x) => x.id === query.tenant) : undefined;
    return c.html(
      <PlatformTenantsPage
        locale={localeOf(c)}
        assets={deps.assets}
        operatorName={operatorOf(c).user.name}
        tenants={tenants}
        notice={named && query.done ? { kind: query.done, tenantName: named.name } : null}
      />,
    );
  });

  app.post("/platform/tenants/:tenantId/:action", async (c) => {
    const params = tenantActionParams.safeParse(c.req.param());
    if (!params.success) throw notFound("ISP");
    const { tenantId, action } = params.data;
    const status = action === "suspend" ? "suspended" : "active";
    const tenant = await setTenantStatus(deps, { userId: operatorOf(c).user.id }, { tenantId, status }, c.get("meta"));
    const done = action === "suspend" ? "suspended" : "resumed";
    if (c.req.header("hx-request") === "true") {
      return c.html(
        <TenantRowUpdate locale={localeOf(c)} tenant={tenant} notice={{ kind: done, tenantName: tenant.name }} />,
      );
    }
    return c.redirect(`/platform?done=${done}&tenant=${tenantId}`, 303);
  });

  return app;
}
