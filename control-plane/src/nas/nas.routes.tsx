import type { FieldErrors } from "@kilusi/web/components/form-fields.tsx";
import { type MessageKey, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import { type Context, Hono } from "hono";
import { actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { can } from "../auth/permissions.ts";
import { AppError, notFound } from "../http/errors.ts";
import { formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import type { SiteRow } from "../sites/sites.repository.ts";
import { isUuid } from "../team/team.schemas.ts";
import {
  emptyNasValues,
  type NasFormValues,
  nasForm,
  nasFormValues,
  nasInputValues,
  rotationForm,
} from "./nas.schemas.ts";
import {
  addNas,
  deleteNas,
  endNasOverlap,
  getNas,
  getSiteForNas,
  type NasRow,
  nasInput,
  revealNasSecret,
  rotateNasSecret,
  updateNas,
} from "./nas.usecases.ts";
import { NasFormPage, type NasNotice, NasPage, RouterOsBlock } from "./nas.views.tsx";

const NOTICES = ["created", "saved", "rotated", "overlapEnded"] as const satisfies readonly NasNotice[];

/** A use-case's refusal of one field, by its code. */
const REFUSALS: Readonly<Record<string, MessageKey>> = {
  nas_name_taken: "nas.error.name.taken",
  nas_address_taken: "nas.error.address.taken",
};

function refusedField(t: Translate, error: unknown): FieldErrors | null {
  if (!(error instanceof AppError)) return null;
  const key = REFUSALS[error.code];
  const field = error.details?.field;
  if (!key || typeof field !== "string") return null;
  return { [field]: (t as (k: MessageKey) => string)(key) };
}

/** Each zod issue carries the message key of what to say next to its field. */
function formErrors(t: Translate, issues: readonly { path: PropertyKey[]; message: string }[]): FieldErrors {
  const out: Record<string, string> = {};
  for (const issue of issues)
    out[String(issue.path[0] ?? "")] ??= (t as (k: MessageKey) => string)(issue.message as MessageKey);
  return out;
}

/**
 * A site's routers (issue 6 §9): whoever may see the network sees them and the RouterOS lines
 * (without the secret); whoever manages it (technicians too: they set up the routers) adds,
 * edits, rotates and deletes them and may reveal a secret, each look audited. Every path names
 * the site and the router; a router of another site, or another tenant's, is simply not there,
 * and that is checked before anything in the request is read.
 */
export function nasRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const view = requireTenant("network.view");
  const manage = requireTenant("network.manage");
  const canManage = (c: Context<AppEnv>) => can(tenantAuthOf(c).role, "network.manage");
  const zone = (c: Context<AppEnv>) => actorOf(c).timeZone;

  const siteIdOf = (c: Context<AppEnv>) => {
    const id = c.req.param("id") ?? "";
    if (!isUuid(id)) throw notFound("site");
    return id;
  };
  const shownSite = async (c: Context<AppEnv>): Promise<SiteRow> => {
    const site = await getSiteForNas(deps, actorOf(c), siteIdOf(c));
    if (!site) throw notFound("site");
    return site;
  };
  const shownNas = async (c: Context<AppEnv>) => {
    const siteId = siteIdOf(c);
    const nasId = c.req.param("nasId") ?? "";
    if (!isUuid(nasId)) throw notFound("router");
    const found = await getNas(deps, actorOf(c), siteId, nasId);
    if (!found) throw notFound("router");
    return found;
  };
  const nasUrl = (nas: Pick<NasRow, "id" | "siteId">) => `/sites/${nas.siteId}/nas/${nas.id}`;

  const routerPage = (
    c: Context<AppEnv>,
    found: { site: SiteRow; nas: NasRow },
    extra: { secret?: string; notice?: NasNotice; error?: string } = {},
    status: 200 | 400 = 200,
  ) =>
    c.html(
      <NasPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), nasUrl(found.nas))}
        timeZone={zone(c)}
        now={deps.clock.now()}
        site={found.site}
        nas={found.nas}
        canManage={canManage(c)}
        {...extra}
      />,
      status,
    );

  const formPage = (
    c: Context<AppEnv>,
    site: SiteRow,
    values: NasFormValues,
    extra: { nas?: NasRow; errors?: FieldErrors } = {},
    status: 200 | 400 | 409 = 200,
  ) => {
    const t = translator(localeOf(c));
    const errors = extra.errors ?? {};
    const path = extra.nas ? `${nasUrl(extra.nas)}/edit` : `/sites/${site.id}/nas/new`;
    return c.html(
      <NasFormPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), path)}
        site={site}
        nas={extra.nas}
        values={values}
        errors={errors}
        formError={Object.keys(errors).length > 0 ? t("nas.error.form") : undefined}
      />,
      status,
    );
  };

  app.get("/sites/:id/nas/new", manage, async (c) => formPage(c, await shownSite(c), emptyNasValues));

  app.post("/sites/:id/nas", manage, async (c) => {
    const t = translator(localeOf(c));
    const site = await shownSite(c);
    const body = formStrings(await c.req.parseBody());
    const values = nasFormValues(body);
    const parsed = nasForm.safeParse(body);
    if (!parsed.success) return formPage(c, site, values, { errors: formErrors(t, parsed.error.issues) }, 400);
    let id: string;
    try {
      id = await addNas(deps, actorOf(c), site.id, parsed.data, c.get("meta"));
    } catch (error) {
      const errors = refusedField(t, error);
      if (!errors) throw error;
      return formPage(c, site, values, { errors }, 409);
    }
    return c.redirect(`/sites/${site.id}/nas/${id}?done=created`, 303);
  });

  app.get("/sites/:id/nas/:nasId", view, async (c) =>
    routerPage(c, await shownNas(c), { notice: NOTICES.find((n) => n === c.req.query("done")) }),
  );

  app.get("/sites/:id/nas/:nasId/edit", manage, async (c) => {
    const { site, nas } = await shownNas(c);
    return formPage(c, site, nasInputValues(nasInput(nas)), { nas });
  });

  app.post("/sites/:id/nas/:nasId", manage, async (c) => {
    const t = translator(localeOf(c));
    const { site, nas } = await shownNas(c);
    const body = formStrings(await c.req.parseBody());
    const values = nasFormValues(body);
    const parsed = nasForm.safeParse(body);
    if (!parsed.success) return formPage(c, site, values, { nas, errors: formErrors(t, parsed.error.issues) }, 400);
    try {
      await updateNas(deps, actorOf(c), site.id, nas.id, parsed.data, c.get("meta"));
    } catch (error) {
      const errors = refusedField(t, error);
      if (!errors) throw error;
      return formPage(c, site, values, { nas, errors }, 409);
    }
    return c.redirect(`${nasUrl(nas)}?done=saved`, 303);
  });

  // The answer carries the secret: rendered here, never put in a URL, never cached.
  app.post("/sites/:id/nas/:nasId/secret", manage, async (c) => {
    const found = await shownNas(c);
    const { nas, secret } = await revealNasSecret(deps, actorOf(c), found.site.id, found.nas.id, c.get("meta"));
    c.header("Cache-Control", "no-store");
    if (isHtmx(c)) {
      return c.html(<RouterOsBlock t={translator(localeOf(c))} nas={nas} secret={secret} canReveal />);
    }
    return routerPage(c, { site: found.site, nas }, { secret });
  });

  app.post("/sites/:id/nas/:nasId/rotate", manage, async (c) => {
    const found = await shownNas(c);
    const parsed = rotationForm.safeParse(formStrings(await c.req.parseBody()));
    if (!parsed.success) {
      return routerPage(c, found, { error: translator(localeOf(c))("nas.error.overlap") }, 400);
    }
    await rotateNasSecret(deps, actorOf(c), found.site.id, found.nas.id, parsed.data.overlap, c.get("meta"));
    return c.redirect(`${nasUrl(found.nas)}?done=rotated`, 303);
  });

  app.post("/sites/:id/nas/:nasId/end-overlap", manage, async (c) => {
    const found = await shownNas(c);
    await endNasOverlap(deps, actorOf(c), found.site.id, found.nas.id, c.get("meta"));
    return c.redirect(`${nasUrl(found.nas)}?done=overlapEnded`, 303);
  });

  /** A plain form gets a 303 to the site; htmx (the confirming button) is told to go there. */
  app.post("/sites/:id/nas/:nasId/delete", manage, async (c) => {
    const found = await shownNas(c);
    await deleteNas(deps, actorOf(c), found.site.id, found.nas.id, c.get("meta"));
    const to = `/sites/${found.site.id}?done=nasDeleted`;
    if (!isHtmx(c)) return c.redirect(to, 303);
    c.header("HX-Redirect", to);
    return c.body(null, 204);
  });

  return app;
}
