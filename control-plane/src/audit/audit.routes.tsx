import { translator } from "@kilusi/web/i18n/i18n.ts";
import { AuditPage } from "@kilusi/web/pages/audit/audit-page.tsx";
import { Hono } from "hono";
import { z } from "zod";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { fieldErrors } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { isUuid } from "../team/team.schemas.ts";
import { nextDay, startOfDayIn } from "../time/zoned.ts";
import { type AuditFilter, listAudit, listAuditActors } from "./audit.usecases.ts";

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const day = z.preprocess(
  blank,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
);

/** The filters, from the query string; a blank field means "any". */
const auditQuery = z.object({
  action: z.preprocess(blank, z.string().trim().max(100).optional()),
  actor: z.preprocess(blank, z.string().refine(isUuid).optional()),
  from: day,
  to: day,
  before: z.preprocess(blank, z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional()),
});

/** Pages and actions for browsing the audit log. */
export function auditRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();

  app.get("/audit", requireTenant("audit.view"), async (c) => {
    const auth = tenantAuthOf(c);
    const t = translator(localeOf(c));
    const raw = c.req.query();
    const shown = { action: raw.action, actor: raw.actor, from: raw.from, to: raw.to };
    const parsed = auditQuery.safeParse(raw);
    const tz = auth.tenant.timeZone;
    const q = parsed.success ? parsed.data : {};
    const from = q.from ? startOfDayIn(q.from, tz) : undefined;
    // "To" takes in the whole of that day: up to the start of the next one.
    const to = q.to ? startOfDayIn(q.to, tz) && startOfDayIn(nextDay(q.to), tz) : undefined;
    const errors: Record<string, string> = parsed.success
      ? {}
      : fieldErrors(
          t,
          parsed.error,
          { from: "auditlog.error.date", to: "auditlog.error.date" },
          "auditlog.error.filter",
        );
    if (from === null) errors.from = t("auditlog.error.date");
    if (to === null) errors.to = t("auditlog.error.date");
    const frame = frameOf(c, deps.assets, auth, "/audit");
    if (Object.keys(errors).length > 0) {
      const actors = await listAuditActors(deps.database, auth.tenant.id);
      return c.html(
        <AuditPage
          frame={frame}
          timeZone={tz}
          entries={[]}
          actors={actors}
          filters={shown}
          errors={errors}
          olderHref={null}
          newestHref={null}
        />,
        400,
      );
    }
    const filter: AuditFilter = {
      action: q.action,
      actorId: q.actor,
      from: from ?? undefined,
      to: to ?? undefined,
      before: q.before,
    };
    // One after the other: the embedded database is a single session.
    const result = await listAudit(deps.database, auth.tenant.id, filter);
    const actors = await listAuditActors(deps.database, auth.tenant.id);
    const href = (before?: number) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries({ action: q.action, actor: q.actor, from: q.from, to: q.to })) {
        if (v) params.set(k, v);
      }
      if (before !== undefined) params.set("before", String(before));
      const s = params.toString();
      return s ? `/audit?${s}` : "/audit";
    };
    return c.html(
      <AuditPage
        frame={frame}
        timeZone={tz}
        entries={result.entries}
        actors={actors}
        filters={shown}
        olderHref={result.nextBefore !== null ? href(result.nextBefore) : null}
        newestHref={q.before !== undefined ? href() : null}
      />,
    );
  });

  return app;
}
