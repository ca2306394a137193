import type { FieldErrors } from "@kilusi/web/components/form-fields.tsx";
import { type MessageKey, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import { Notice } from "@kilusi/web/layouts/framed-page.tsx";
import { type Context, Hono } from "hono";
import type { ZodError } from "zod";
import { createEnrollmentToken, revokeAgent } from "../agents/enrollment.usecases.ts";
import { type Actor, actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { can } from "../auth/permissions.ts";
import { AppError, notFound } from "../http/errors.ts";
import { formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx, originOf } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { timeZones } from "../settings/settings.schemas.ts";
import { isUuid } from "../team/team.schemas.ts";
import { SiteCommandsList } from "./site-commands.views.tsx";
import { type ShownToken, type SiteNotice, SitePage, SiteStatusBlock } from "./site-detail.views.tsx";
import { emptySiteValues, type SiteFormValues, siteForm, siteFormValues, siteInputValues } from "./sites.schemas.ts";
import {
  createSite,
  deleteSite,
  getSite,
  getSiteStatus,
  listSiteCommands,
  listSites,
  requestDiagnostics,
  type SiteDetail,
  siteInput,
  updateSite,
} from "./sites.usecases.ts";
import { SiteFormPage, SitesPage, SitesTable } from "./sites.views.tsx";

const NOTICES = [
  "created",
  "saved",
  "revoked",
  "revokedPending",
  "diagnostics",
  "nasDeleted",
] as const satisfies readonly SiteNotice[];
type Status = 200 | 400 | 409;

/** Each zod issue carries the message key of what to say next to its field. */
function siteErrors(t: Translate, error: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "");
    out[field] ??= (t as (k: MessageKey) => string)(issue.message as MessageKey);
  }
  return out;
}

/** A refusal that belongs to one field of the form, or null. */
const fieldRefusal = (t: Translate, error: unknown): FieldErrors | null =>
  error instanceof AppError && error.code === "site_name_taken" ? { name: t("sites.error.name.taken") } : null;

/** A refused action explained in a sentence, or null. */
function actionRefusal(t: Translate, error: unknown): string | null {
  if (!(error instanceof AppError)) return null;
  if (error.code === "site_in_use") {
    const d = error.details ?? {};
    return t("sites.error.inUse", {
      subscriptions: Number(d.subscriptions ?? 0),
      batches: Number(d.voucherBatches ?? 0),
      agents: Number(d.agents ?? 0),
    });
  }
  if (error.code === "agent_not_enrolled") return t("sites.error.noAgent");
  return null;
}

/**
 * The sites area (issue 5 §2 and §11): anyone who may see the network sees the sites and their
 * live status; owners and admins create, edit and delete them, and enroll or revoke agents.
 * Whoever manages the network (technicians too: they test routers) may ask an agent for its
 * diagnostics; it changes nothing at the site, but it is an action, audited, so the read-only
 * viewer may not.
 */
export function sitesRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const view = requireTenant("network.view");
  const manage = requireTenant("sites.manage");
  const runCommands = requireTenant("network.manage");
  const canManage = (c: Context<AppEnv>) => can(tenantAuthOf(c).role, "sites.manage");
  const canRunCommands = (c: Context<AppEnv>) => can(tenantAuthOf(c).role, "network.manage");
  const zone = (c: Context<AppEnv>) => actorOf(c).timeZone;

  /** The site's id from the URL, or 404: a malformed id or another tenant's site is simply not there. */
  const siteIdOf = (c: Context<AppEnv>) => {
    const id = c.req.param("id") ?? "";
    if (!isUuid(id)) throw notFound("site");
    return id;
  };
  const shownSite = async (c: Context<AppEnv>): Promise<SiteDetail> => {
    const detail = await getSite(deps, actorOf(c), siteIdOf(c));
    if (!detail) throw notFound("site");
    return detail;
  };

  const sitePage = (
    c: Context<AppEnv>,
    detail: SiteDetail,
    extra: { notice?: SiteNotice; error?: string; token?: ShownToken } = {},
    status: Status = 200,
  ) =>
    c.html(
      <SitePage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), `/sites/${detail.site.id}`)}
        timeZone={zone(c)}
        now={deps.clock.now()}
        detail={detail}
        canManage={canManage(c)}
        canRunCommands={canRunCommands(c)}
        {...extra}
      />,
      status,
    );

  const formPage = (
    c: Context<AppEnv>,
    values: SiteFormValues,
    extra: { detail?: SiteDetail; errors?: FieldErrors; error?: string } = {},
    status: Status = 200,
  ) => {
    const t = translator(localeOf(c));
    const errors = extra.errors ?? {};
    const path = extra.detail ? `/sites/${extra.detail.site.id}/edit` : "/sites/new";
    return c.html(
      <SiteFormPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), path)}
        site={extra.detail?.site}
        usage={extra.detail?.usage}
        values={values}
        errors={errors}
        formError={Object.keys(errors).length > 0 ? t("sites.error.form") : undefined}
        error={extra.error}
        tenantTimeZone={zone(c)}
        timeZones={timeZones}
      />,
      status,
    );
  };

  app.get("/sites", view, async (c) => {
    const rows = await listSites(deps, actorOf(c));
    return c.html(
      <SitesPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), "/sites")}
        timeZone={zone(c)}
        now={deps.clock.now()}
        rows={rows}
        canManage={canManage(c)}
        notice={c.req.query("done") === "deleted" ? "deleted" : undefined}
      />,
    );
  });

  app.get("/sites/rows", view, async (c) => {
    const rows = await listSites(deps, actorOf(c));
    return c.html(<SitesTable locale={localeOf(c)} timeZone={zone(c)} now={deps.clock.now()} rows={rows} />);
  });

  app.get("/sites/new", manage, (c) => formPage(c, emptySiteValues));

  app.post("/sites", manage, async (c) => {
    const t = translator(localeOf(c));
    const body = formStrings(await c.req.parseBody());
    const parsed = siteForm.safeParse(body);
    const values = siteFormValues(body);
    if (!parsed.success) return formPage(c, values, { errors: siteErrors(t, parsed.error) }, 400);
    let id: string;
    try {
      id = await createSite(deps, actorOf(c), parsed.data, c.get("meta"));
    } catch (error) {
      const errors = fieldRefusal(t, error);
      if (!errors) throw error;
      return formPage(c, values, { errors }, 409);
    }
    return c.redirect(`/sites/${id}?done=created`, 303);
  });

  app.get("/sites/:id", view, async (c) => {
    const detail = await shownSite(c);
    return sitePage(c, detail, { notice: NOTICES.find((n) => n === c.req.query("done")) });
  });

  app.get("/sites/:id/status", view, async (c) => {
    const status = await getSiteStatus(deps, actorOf(c), siteIdOf(c));
    if (!status) throw notFound("site");
    return c.html(<SiteStatusBlock locale={localeOf(c)} timeZone={zone(c)} now={deps.clock.now()} status={status} />);
  });

  const commandsList = async (c: Context<AppEnv>, siteId: string) => {
    const commands = await listSiteCommands(deps, actorOf(c), siteId);
    if (!commands) throw notFound("site");
    return c.html(
      <SiteCommandsList
        locale={localeOf(c)}
        timeZone={zone(c)}
        now={deps.clock.now()}
        siteId={siteId}
        commands={commands}
      />,
    );
  };

  app.get("/sites/:id/commands", view, (c) => commandsList(c, siteIdOf(c)));

  /** A plain form goes back to the page; htmx gets the refreshed list, a refusal in the alerts. */
  app.post("/sites/:id/diagnostics", runCommands, async (c) => {
    const siteId = siteIdOf(c);
    try {
      await requestDiagnostics({ ...deps, send: deps.sync.sendCommand }, actorOf(c), siteId, c.get("meta"));
    } catch (error) {
      const text = actionRefusal(translator(localeOf(c)), error);
      if (text === null) throw error;
      if (!isHtmx(c)) return sitePage(c, await shownSite(c), { error: text }, 409);
      c.header("HX-Retarget", "#alerts");
      c.header("HX-Reswap", "innerHTML");
      return c.html(<Notice kind="error">{text}</Notice>, 409);
    }
    if (!isHtmx(c)) return c.redirect(`/sites/${siteId}?done=diagnostics`, 303);
    return commandsList(c, siteId);
  });

  app.get("/sites/:id/edit", manage, async (c) => {
    const detail = await shownSite(c);
    return formPage(c, siteInputValues(siteInput(detail.site)), { detail });
  });

  app.post("/sites/:id", manage, async (c) => {
    const t = translator(localeOf(c));
    const detail = await shownSite(c);
    const body = formStrings(await c.req.parseBody());
    const parsed = siteForm.safeParse(body);
    const values = siteFormValues(body);
    if (!parsed.success) return formPage(c, values, { detail, errors: siteErrors(t, parsed.error) }, 400);
    try {
      await updateSite(deps, actorOf(c), detail.site.id, parsed.data, c.get("meta"));
    } catch (error) {
      const errors = fieldRefusal(t, error);
      if (!errors) throw error;
      return formPage(c, values, { detail, errors }, 409);
    }
    return c.redirect(`/sites/${detail.site.id}?done=saved`, 303);
  });

  /**
   * Delete and revoke: a plain form gets a 303 to where the result shows; htmx gets told to go
   * there. A refusal is explained on the page, or in its alerts for htmx.
   */
  const action =
    (
      run: (actor: Actor, siteId: string, c: Context<AppEnv>) => Promise<string>,
      refused: (c: Context<AppEnv>, text: string) => Promise<Response>,
    ) =>
    async (c: Context<AppEnv>) => {
      const siteId = siteIdOf(c);
      let to: string;
      try {
        to = await run(actorOf(c), siteId, c);
      } catch (error) {
        const text = actionRefusal(translator(localeOf(c)), error);
        if (text === null) throw error;
        if (isHtmx(c)) return c.html(<Notice kind="error">{text}</Notice>, 409);
        return refused(c, text);
      }
      if (!isHtmx(c)) return c.redirect(to, 303);
      c.header("HX-Redirect", to);
      return c.body(null, 204);
    };

  app.post(
    "/sites/:id/delete",
    manage,
    action(
      async (actor, id, c) => {
        await deleteSite(deps, actor, id, c.get("meta"));
        return "/sites?done=deleted";
      },
      async (c, error) => {
        const detail = await shownSite(c);
        return formPage(c, siteInputValues(siteInput(detail.site)), { detail, error }, 409);
      },
    ),
  );

  app.post(
    "/sites/:id/agent/revoke",
    manage,
    action(
      async (actor, id, c) => {
        // The broker access ends the revoked agent's live session after the commit.
        const { disconnected } = await revokeAgent(
          { ...deps, agentAccess: deps.sync.access },
          actor,
          id,
          c.get("meta"),
        );
        return `/sites/${id}?done=${disconnected === true ? "revoked" : "revokedPending"}`;
      },
      async (c, error) => sitePage(c, await shownSite(c), { error }, 409),
    ),
  );

  // The answer carries the token: rendered here, never put in a URL, never cached.
  app.post("/sites/:id/enrollment-token", manage, async (c) => {
    const siteId = siteIdOf(c);
    const created = await createEnrollmentToken(deps, actorOf(c), siteId, c.get("meta"));
    const detail = await shownSite(c);
    c.header("Cache-Control", "no-store");
    const command = `kilusi-agent enroll ${originOf(c, deps.config.http.publicUrl)} ${created.token}`;
    return sitePage(c, detail, { token: { command, token: created.token, expiresAt: created.expiresAt } });
  });

  return app;
}
