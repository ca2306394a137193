import { translator } from "@kilusi/web/i18n/i18n.ts";
import { InvalidInvitationPage, InvitationPage } from "@kilusi/web/pages/team/invitation-page.tsx";
import { type Context, Hono } from "hono";
import { AppError } from "../http/errors.ts";
import { fieldErrors, formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { writeSessionCookie } from "../sessions/session-cookie.ts";
import { acceptAsSignedIn, acceptWithNewAccount, type InvitationView, viewInvitation } from "./invitations.usecases.ts";
import { newAccountInput } from "./team.schemas.ts";

/** The signed-in visitor, counted only once past the second factor. */
function visitorOf(c: Context<AppEnv>) {
  const auth = c.get("auth");
  if (!auth || (auth.user.totpEnabled && !auth.session.twoFactorVerified)) return null;
  return { userId: auth.user.id, email: auth.user.email, sessionId: auth.session.id };
}

function modeOf(view: InvitationView, visitor: ReturnType<typeof visitorOf>) {
  if (visitor?.email === view.email) return "accept" as const;
  return view.accountExists ? ("signin" as const) : ("create" as const);
}

/** The public pages behind an invitation link: see who invites you, then join. */
export function invitationRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const secure = deps.config.auth.secureCookies;

  const invalid = (c: Context<AppEnv>) =>
    c.html(<InvalidInvitationPage locale={localeOf(c)} assets={deps.assets} path={c.req.path} />, 404);

  const show = (
    c: Context<AppEnv>,
    view: InvitationView,
    mode: ReturnType<typeof modeOf>,
    form?: Parameters<typeof InvitationPage>[0]["form"],
    status: 200 | 400 | 409 = 200,
  ) => {
    const visitor = visitorOf(c);
    // The link is personal: no cache keeps the page. (The app-wide Referrer-Policy already
    // keeps its path, and so the token, from other sites.)
    c.header("Cache-Control", "no-store");
    return c.html(
      <InvitationPage
        locale={localeOf(c)}
        assets={deps.assets}
        path={c.req.path}
        invitation={view}
        mode={mode}
        signedInAs={visitor && visitor.email !== view.email ? visitor.email : undefined}
        form={form}
      />,
      status,
    );
  };

  app.get("/invitations/:tenantId/:token", async (c) => {
    const view = await viewInvitation(deps, c.req.param("tenantId"), c.req.param("token"));
    if (!view) return invalid(c);
    return show(c, view, modeOf(view, visitorOf(c)));
  });

  app.post("/invitations/:tenantId/:token", async (c) => {
    const input = { tenantId: c.req.param("tenantId"), token: c.req.param("token") };
    const view = await viewInvitation(deps, input.tenantId, input.token);
    if (!view) return invalid(c);
    const visitor = visitorOf(c);
    const mode = modeOf(view, visitor);
    try {
      if (mode === "signin") return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
      if (mode === "accept" && visitor) {
        await acceptAsSignedIn(deps, visitor, input, c.get("meta"));
        return c.redirect("/app", 303);
      }
      const body = formStrings(await c.req.parseBody());
      const values = { name: body.name, phone: body.phone };
      const parsed = newAccountInput.safeParse(body);
      if (!parsed.success) {
        const t = translator(localeOf(c));
        const keys = { name: "team.form.name", phone: "team.form.phone", password: "team.form.password" } as const;
        return show(c, view, mode, { values, errors: fieldErrors(t, parsed.error, keys) }, 400);
      }
      const signedIn = await acceptWithNewAccount(deps, { ...input, ...parsed.data }, c.get("meta"));
      writeSessionCookie(c, secure, signedIn.token, signedIn.expires);
      return c.redirect("/app", 303);
    } catch (error) {
      if (error instanceof AppError && error.code === "not_found") return invalid(c);
      // Someone made an account for this address in the meantime: they sign in instead.
      if (error instanceof AppError && error.code === "email_taken") return show(c, view, "signin", undefined, 409);
      throw error;
    }
  });

  return app;
}
