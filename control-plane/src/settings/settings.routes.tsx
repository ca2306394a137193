import { translator } from "@kilusi/web/i18n/i18n.ts";
import { SettingsPage, type SettingsPageProps } from "@kilusi/web/pages/settings/settings-page.tsx";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { AppError, notFound } from "../http/errors.ts";
import { fieldErrors, formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { LOGO_MAX_BYTES } from "./logo.ts";
import { settingsInput, timeZones } from "./settings.schemas.ts";
import { loadSettings, readLogo, replaceLogo, type SettingsActor, updateSettings } from "./settings.usecases.ts";

// Room for the multipart framing around a logo at the limit; anything larger is cut off unread.
const UPLOAD_LIMIT_BYTES = LOGO_MAX_BYTES + 64 * 1024;

const actorOf = (c: Context<AppEnv>): SettingsActor => {
  const auth = tenantAuthOf(c);
  return { userId: auth.user.id, tenantId: auth.tenant.id, role: auth.role };
};

/** Pages and actions for the tenant's settings. */
export function settingsRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();

  async function page(
    c: Context<AppEnv>,
    extra: Partial<SettingsPageProps> = {},
    status: 200 | 400 | 409 | 413 | 415 = 200,
  ) {
    const auth = tenantAuthOf(c);
    const current = await loadSettings(deps, auth.tenant.id);
    return c.html(
      <SettingsPage
        frame={frameOf(c, deps.assets, auth, "/settings")}
        values={current}
        timeZones={timeZones}
        isOwner={auth.role === "owner"}
        // The key changes with every upload, so a cached old logo is never shown for a new one.
        logoSrc={current.logoKey ? `/settings/logo?v=${encodeURIComponent(current.logoKey.slice(-20))}` : null}
        {...extra}
      />,
      status,
    );
  }

  app.get("/settings", requireTenant("settings.manage"), (c) => {
    const done = c.req.query("done");
    return page(c, { notice: done === "saved" || done === "logo" ? done : undefined });
  });

  app.post("/settings", requireTenant("settings.manage"), async (c) => {
    const body = formStrings(await c.req.parseBody());
    const parsed = settingsInput.safeParse(body);
    if (!parsed.success) {
      const t = translator(localeOf(c));
      const errors = fieldErrors(t, parsed.error, {
        name: "settings.error.name",
        timeZone: "settings.error.timeZone",
        currency: "settings.error.currency",
        locale: "settings.error.locale",
      });
      const auth = tenantAuthOf(c);
      const values = {
        name: body.name ?? "",
        timeZone: body.timeZone ?? "",
        currency: body.currency ?? "",
        locale: body.locale ?? "",
        require2fa: auth.role === "owner" ? body.require2fa === "on" : auth.tenant.require2fa,
      };
      return page(c, { values, errors }, 400);
    }
    try {
      await updateSettings(deps, actorOf(c), parsed.data, c.get("meta"));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "currency_in_use") throw error;
      const auth = tenantAuthOf(c);
      const t = translator(localeOf(c));
      return page(
        c,
        {
          values: {
            ...parsed.data,
            require2fa: auth.role === "owner" ? parsed.data.require2fa : auth.tenant.require2fa,
          },
          errors: { currency: t("settings.error.currencyInUse") },
        },
        409,
      );
    }
    return c.redirect("/settings?done=saved", 303);
  });

  app.post(
    "/settings/logo",
    requireTenant("settings.manage"),
    bodyLimit({
      maxSize: UPLOAD_LIMIT_BYTES,
      onError: (c) =>
        page(c as Context<AppEnv>, { logoError: translator(localeOf(c))("settings.logo.error.size") }, 413),
    }),
    async (c) => {
      const t = translator(localeOf(c));
      const body = await c.req.parseBody();
      const file = body.logo;
      if (!(file instanceof File) || file.size === 0)
        return page(c, { logoError: t("settings.logo.error.missing") }, 400);
      try {
        await replaceLogo(deps, actorOf(c), new Uint8Array(await file.arrayBuffer()), c.get("meta"));
      } catch (error) {
        if (error instanceof AppError && error.code === "logo_too_large") {
          return page(c, { logoError: t("settings.logo.error.size") }, 413);
        }
        if (error instanceof AppError && error.code === "logo_type") {
          return page(c, { logoError: t("settings.logo.error.type") }, 415);
        }
        throw error;
      }
      return c.redirect("/settings?done=logo", 303);
    },
  );

  // Any member may see their ISP's logo (it belongs on their pages); nobody else may.
  app.get("/settings/logo", requireTenant(), async (c) => {
    const logo = await readLogo(deps, tenantAuthOf(c).tenant.id);
    if (!logo) throw notFound("logo");
    return c.body(logo.body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": logo.contentType,
      "Content-Length": String(logo.size),
      "X-Content-Type-Options": "nosniff",
      "Content-Disposition": "inline",
      "Cache-Control": "private, max-age=300",
    });
  });

  return app;
}
