import type { Locale } from "@kilusi/web/i18n/i18n.ts";
import type { ReportsOverview } from "@kilusi/web/pages/reports/report-data.ts";
import { ReportsPage } from "@kilusi/web/pages/reports/reports-page.tsx";
import { type Context, Hono } from "hono";
import { actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { agingCsv, collectionCsv, revenueCsv, subscribersCsv, summaryCsv, unpaidCsv } from "./reports.csv.ts";
import { REPORT_MONTHS, reportsOverview, unpaidInvoices } from "./reports.usecases.ts";

/** The overview reports, each of which is also a CSV of the page's figures. */
const overviewCsvs: Record<string, (o: ReportsOverview, locale: Locale) => string> = {
  summary: summaryCsv,
  revenue: revenueCsv,
  aging: agingCsv,
  collection: collectionCsv,
  subscribers: subscribersCsv,
};

function sendCsv(c: Context<AppEnv>, name: string, today: string, body: string) {
  c.header("Content-Type", "text/csv; charset=utf-8");
  c.header("Content-Disposition", `attachment; filename="kilusi-${name}-${today}.csv"`);
  c.header("Cache-Control", "no-store");
  return c.body(body);
}

/** The reports page and its CSV exports; only roles that may see reports (others get 404). */
export function reportsRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();

  app.get("/reports", requireTenant("reports.view"), async (c) => {
    const overview = await reportsOverview(deps, actorOf(c), REPORT_MONTHS);
    c.header("Cache-Control", "no-store");
    return c.html(<ReportsPage frame={frameOf(c, deps.assets, tenantAuthOf(c), "/reports")} overview={overview} />);
  });

  app.get("/reports/unpaid.csv", requireTenant("reports.view"), async (c) => {
    const actor = actorOf(c);
    const { today, rows } = await unpaidInvoices(deps, actor);
    return sendCsv(c, "unpaid", today, unpaidCsv(rows, actor.currency, localeOf(c)));
  });

  for (const [name, build] of Object.entries(overviewCsvs)) {
    app.get(`/reports/${name}.csv`, requireTenant("reports.view"), async (c) => {
      const overview = await reportsOverview(deps, actorOf(c), REPORT_MONTHS);
      return sendCsv(c, name, overview.today, build(overview, localeOf(c)));
    });
  }

  return app;
}
