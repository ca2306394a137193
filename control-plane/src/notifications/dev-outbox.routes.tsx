import { type DevNotification, DevOutboxPage } from "@kilusi/web/pages/notifications/dev-outbox.tsx";
import { desc } from "drizzle-orm";
import { Hono } from "hono";
import type { Tx } from "../db/database.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { notificationOutbox } from "./notifications.tables.ts";
import { notificationParams, type Sealing } from "./outbox.ts";

const SHOWN = 100;

const newest = (tx: Tx) =>
  tx
    .select({
      id: notificationOutbox.id,
      createdAt: notificationOutbox.createdAt,
      recipient: notificationOutbox.recipient,
      template: notificationOutbox.template,
      status: notificationOutbox.status,
      params: notificationOutbox.params,
      sealedParams: notificationOutbox.sealedParams,
    })
    .from(notificationOutbox)
    .orderBy(desc(notificationOutbox.createdAt))
    .limit(SHOWN);

/**
 * The messages of the log channel: those outside any tenant (password resets) and, for a
 * signed-in person, those of their current tenant. Row-level security draws both lines.
 */
async function devNotifications(
  deps: Pick<RouteDeps, "database"> & Sealing,
  tenantId: string | null,
): Promise<DevNotification[]> {
  const global = await deps.database.withoutTenant(newest);
  const own = tenantId ? await deps.database.withTenant(tenantId, newest) : [];
  return [...global, ...own]
    .map(({ sealedParams, ...row }) => ({ ...row, params: notificationParams(deps, { ...row, sealedParams }) }))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, SHOWN);
}

/**
 * DESIGN §7: in development, messages are not delivered but shown here, so a developer can
 * follow a reset link. Elsewhere (`config.devTools` off) the page does not exist (404); it shows secrets.
 */
export function devOutboxRoutes(deps: Pick<RouteDeps, "config" | "database" | "assets" | "secretBox">) {
  const app = new Hono<AppEnv>();
  if (!deps.config.devTools) return app;

  app.get("/dev/notifications", async (c) => {
    const auth = c.get("auth");
    const verified = auth && (!auth.user.totpEnabled || auth.session.twoFactorVerified);
    const rows = await devNotifications(deps, verified ? (auth.tenant?.id ?? null) : null);
    c.header("Cache-Control", "no-store");
    return c.html(<DevOutboxPage locale={localeOf(c)} assets={deps.assets} rows={rows} />);
  });

  return app;
}
