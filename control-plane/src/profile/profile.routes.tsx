import { translator } from "@kilusi/web/i18n/i18n.ts";
import { type ProfileNotice, ProfilePage, type ProfilePageProps } from "@kilusi/web/pages/profile/profile-page.tsx";
import { type Context, Hono } from "hono";
import { authOf, requireSignedIn } from "../auth/auth.middleware.ts";
import { AppError } from "../http/errors.ts";
import { fieldErrors, formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { clearSessionCookie } from "../sessions/session-cookie.ts";
import { detailsInput, passwordInput } from "./profile.schemas.ts";
import {
  changeOwnPassword,
  loadProfile,
  revokeOtherSessions,
  revokeSession,
  updateDetails,
} from "./profile.usecases.ts";
import { selfOf } from "./self.ts";
import { twoFactorRoutes } from "./two-factor.routes.tsx";

const DEFAULT_TIME_ZONE = "Asia/Jakarta";

/** `?done=…&ended=N` after a redirect, read back into what the page says. */
function noticeOf(c: Context): ProfileNotice | undefined {
  const done = c.req.query("done");
  const ended = Math.max(0, Math.min(10_000, Number.parseInt(c.req.query("ended") ?? "0", 10) || 0));
  if (done === "details" || done === "revoked") return { kind: done };
  if (done === "password" || done === "others") return { kind: done, ended };
  return undefined;
}

/**
 * Pages and actions for the signed-in person's profile, password, sessions and two-factor.
 * They work with or without a chosen ISP: a person's account is theirs, not the ISP's.
 */
export function profileRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  app.use("/profile", requireSignedIn());
  app.use("/profile/*", requireSignedIn());

  async function page(c: Context<AppEnv>, extra: Partial<ProfilePageProps> = {}) {
    const auth = authOf(c);
    const profile = await loadProfile(deps, selfOf(c));
    return (
      <ProfilePage
        frame={frameOf(c, deps.assets, auth, "/profile")}
        timeZone={auth.tenant?.timeZone ?? DEFAULT_TIME_ZONE}
        profile={profile}
        sessions={profile.sessions}
        {...extra}
      />
    );
  }

  app.get("/profile", async (c) => c.html(await page(c, { notice: noticeOf(c) })));

  app.post("/profile", async (c) => {
    const body = formStrings(await c.req.parseBody());
    const parsed = detailsInput.safeParse(body);
    if (!parsed.success) {
      const t = translator(localeOf(c));
      const errors = fieldErrors(t, parsed.error, { name: "team.form.name", phone: "team.form.phone" });
      return c.html(await page(c, { details: { values: { name: body.name, phone: body.phone }, errors } }), 400);
    }
    await updateDetails(deps, selfOf(c), parsed.data, c.get("meta"));
    return c.redirect("/profile?done=details", 303);
  });

  app.post("/profile/password", async (c) => {
    const t = translator(localeOf(c));
    const parsed = passwordInput.safeParse(formStrings(await c.req.parseBody()));
    if (!parsed.success) {
      const errors = fieldErrors(t, parsed.error, {
        current: "profile.password.error.current",
        next: "team.form.password",
      });
      return c.html(await page(c, { password: { errors } }), 400);
    }
    try {
      const { otherSessionsEnded } = await changeOwnPassword(deps, selfOf(c), parsed.data, c.get("meta"));
      return c.redirect(`/profile?done=password&ended=${otherSessionsEnded}`, 303);
    } catch (error) {
      if (error instanceof AppError && error.code === "invalid_credentials") {
        return c.html(await page(c, { password: { errors: { current: t("profile.password.error.current") } } }), 400);
      }
      if (error instanceof AppError && error.code === "rate_limited") {
        return c.html(await page(c, { password: { errors: {}, formError: t("team.form.rateLimited") } }), 429);
      }
      throw error;
    }
  });

  app.post("/profile/sessions/revoke-others", async (c) => {
    const { ended } = await revokeOtherSessions(deps, selfOf(c), c.get("meta"));
    return c.redirect(`/profile?done=others&ended=${ended}`, 303);
  });

  app.post("/profile/sessions/:sessionId/revoke", async (c) => {
    const { current } = await revokeSession(deps, selfOf(c), c.req.param("sessionId"), c.get("meta"));
    if (current) {
      // Ending the session in use is signing out.
      clearSessionCookie(c, deps.config.auth.secureCookies);
      if (isHtmx(c)) {
        c.header("HX-Redirect", "/");
        return c.body(null, 204);
      }
      return c.redirect("/", 303);
    }
    if (isHtmx(c)) return c.html("");
    return c.redirect("/profile?done=revoked", 303);
  });

  app.route("/", twoFactorRoutes(deps));
  return app;
}
