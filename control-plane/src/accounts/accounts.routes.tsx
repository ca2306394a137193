import { LoginPage, TwoFactorPage } from "@kilusi/web/pages/accounts/login.tsx";
import { ForgotPage, ForgotSentPage, ResetInvalidPage, ResetPage } from "@kilusi/web/pages/accounts/reset.tsx";
import { SignupPage } from "@kilusi/web/pages/accounts/signup.tsx";
import { TenantPickerPage } from "@kilusi/web/pages/accounts/tenant-picker.tsx";
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { requireSignedIn } from "../auth/auth.middleware.ts";
import { dashboardRoutes } from "../dashboard/dashboard.routes.tsx";
import { AppError, notFound } from "../http/errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { clearSessionCookie, writeSessionCookie } from "../sessions/session-cookie.ts";
import {
  afterSignIn,
  echo,
  fieldErrors,
  forgotForm,
  formBody,
  formFailure,
  loginFields,
  loginForm,
  resetForm,
  safeNext,
  secondFactorForm,
  signupFields,
  signupForm,
} from "./accounts.forms.ts";
import { chooseTenant, listPlaces, login, logout, signup, verifySecondFactor } from "./accounts.usecases.ts";
import { requestPasswordReset, resetPassword, resetTokenUsable } from "./password-reset.usecases.ts";

type Ctx = Context<AppEnv>;

/** Who passed `requireSignedIn` (auth.middleware's `authOf` wants a narrower context type). */
function authOf(c: Ctx) {
  const auth = c.get("auth");
  if (!auth) throw new AppError("unauthenticated", 401, "Sign in first.");
  return auth;
}

/** Every page here carries a form, a token or a person's data: never stored by a cache. */
function page(c: Ctx, node: unknown, status: ContentfulStatusCode = 200) {
  c.header("Cache-Control", "no-store");
  return c.html(node as string, status);
}

/** Pages and actions for sign-up, sign-in (with the second factor), sign-out, password reset, the ISP picker. */
export function accountsRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const secure = deps.config.auth.secureCookies;
  const view = (c: Ctx) => ({ locale: localeOf(c), assets: deps.assets });

  app.get("/signup", (c) => page(c, <SignupPage {...view(c)} />));

  app.post("/signup", async (c) => {
    const body = await formBody(c);
    const values = echo(body, signupFields);
    const parsed = signupForm.safeParse(body);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error, body, signupFields);
      return page(c, <SignupPage {...view(c)} state={{ values, errors, formError: { code: "summary" } }} />, 400);
    }
    try {
      const replacesSessionId = c.get("auth")?.session.id;
      const s = await signup(deps, { ...parsed.data, replacesSessionId }, c.get("meta"));
      writeSessionCookie(c, secure, s.token, s.expires);
      return c.redirect("/app", 303);
    } catch (error) {
      const f = formFailure(c, error);
      const errors = f.field ? { [f.field.name]: f.field.code } : {};
      return page(c, <SignupPage {...view(c)} state={{ values, errors, formError: f.formError }} />, f.status);
    }
  });

  app.get("/login", (c) => {
    const next = safeNext(c.req.query("next"));
    return page(c, <LoginPage {...view(c)} next={next} resetDone={c.req.query("reset") === "1"} />);
  });

  app.post("/login", async (c) => {
    const next = safeNext(c.req.query("next"));
    const body = await formBody(c);
    const values = echo(body, loginFields);
    const parsed = loginForm.safeParse(body);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error, body, loginFields);
      return page(c, <LoginPage {...view(c)} next={next} state={{ values, errors }} />, 400);
    }
    try {
      const replacesSessionId = c.get("auth")?.session.id;
      const s = await login(deps, { ...parsed.data, replacesSessionId }, c.get("meta"));
      writeSessionCookie(c, secure, s.token, s.expires);
      return c.redirect(afterSignIn(s, next), 303);
    } catch (error) {
      const f = formFailure(c, error);
      return page(c, <LoginPage {...view(c)} next={next} state={{ values, formError: f.formError }} />, f.status);
    }
  });

  // Between the password and the second factor: a session exists but opens nothing else.
  const pendingSecondFactor = (c: Ctx) => {
    const auth = c.get("auth");
    const next = safeNext(c.req.query("next"));
    if (!auth) return c.redirect("/login", 303);
    if (!auth.user.totpEnabled || auth.session.twoFactorVerified) {
      const tenantId = auth.session.selectedTenantId;
      return c.redirect(afterSignIn({ needsSecondFactor: false, tenantId }, next), 303);
    }
    return { auth, next };
  };

  app.get("/login/2fa", (c) => {
    const p = pendingSecondFactor(c);
    if (p instanceof Response) return p;
    return page(c, <TwoFactorPage {...view(c)} next={p.next} />);
  });

  app.post("/login/2fa", async (c) => {
    const p = pendingSecondFactor(c);
    if (p instanceof Response) return p;
    const body = await formBody(c);
    const parsed = secondFactorForm.safeParse(body);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error, body, ["code"] as const);
      return page(c, <TwoFactorPage {...view(c)} next={p.next} state={{ errors }} />, 400);
    }
    const { auth, next } = p;
    try {
      const who = { userId: auth.user.id, sessionId: auth.session.id, email: auth.user.email };
      await verifySecondFactor(deps, who, parsed.data, c.get("meta"));
    } catch (error) {
      const f = formFailure(c, error);
      return page(c, <TwoFactorPage {...view(c)} next={next} state={{ formError: f.formError }} />, f.status);
    }
    const tenantId = auth.session.selectedTenantId;
    return c.redirect(afterSignIn({ needsSecondFactor: false, tenantId }, next), 303);
  });

  app.post("/logout", async (c) => {
    const auth = c.get("auth");
    if (auth) await logout(deps, { userId: auth.user.id, sessionId: auth.session.id }, c.get("meta"));
    clearSessionCookie(c, secure);
    return c.redirect("/login", 303);
  });

  app.get("/forgot", (c) => page(c, <ForgotPage {...view(c)} />));

  app.post("/forgot", async (c) => {
    const body = await formBody(c);
    const values = echo(body, ["email"] as const);
    const parsed = forgotForm.safeParse(body);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error, body, ["email"] as const);
      return page(c, <ForgotPage {...view(c)} state={{ values, errors }} />, 400);
    }
    const publicUrl = deps.config.http.publicUrl;
    const origin = new URL(publicUrl ?? c.req.url).origin;
    try {
      await requestPasswordReset(deps, { email: parsed.data.email, origin }, c.get("meta"));
    } catch (error) {
      const f = formFailure(c, error);
      return page(c, <ForgotPage {...view(c)} state={{ values, formError: f.formError }} />, f.status);
    }
    return page(c, <ForgotSentPage {...view(c)} />);
  });

  // The token is in the path; the app-wide Referrer-Policy (strict-origin-when-cross-origin)
  // keeps it from other sites, and every link on these pages stays on ours. A link that does
  // not work is "not found", like any identifier that is not yours.
  app.get("/reset/:token", async (c) => {
    const token = c.req.param("token");
    if (!(await resetTokenUsable(deps, token))) return page(c, <ResetInvalidPage {...view(c)} />, 404);
    return page(c, <ResetPage {...view(c)} path={`/reset/${token}`} />);
  });

  app.post("/reset/:token", async (c) => {
    const token = c.req.param("token");
    // A dead link is said first: a password typed for it would be lost anyway.
    if (!(await resetTokenUsable(deps, token))) return page(c, <ResetInvalidPage {...view(c)} />, 404);
    const body = await formBody(c);
    const parsed = resetForm.safeParse(body);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error, body, ["password"] as const);
      return page(c, <ResetPage {...view(c)} path={`/reset/${token}`} state={{ errors }} />, 400);
    }
    try {
      await resetPassword(deps, { token, password: parsed.data.password }, c.get("meta"));
    } catch (error) {
      if (error instanceof AppError && error.code === "invalid_token") {
        return page(c, <ResetInvalidPage {...view(c)} />, 404);
      }
      throw error;
    }
    clearSessionCookie(c, secure);
    return c.redirect("/login?reset=1", 303);
  });

  app.get("/tenants", requireSignedIn(), async (c) => {
    const auth = authOf(c);
    const places = await listPlaces(deps, auth.user.id);
    return page(
      c,
      <TenantPickerPage
        {...view(c)}
        userName={auth.user.name}
        places={places}
        currentTenantId={auth.session.selectedTenantId}
      />,
    );
  });

  app.post("/tenants/:tenantId/choose", requireSignedIn(), async (c) => {
    const auth = authOf(c);
    const tenantId = z.uuid().safeParse(c.req.param("tenantId"));
    if (!tenantId.success) throw notFound("ISP");
    await chooseTenant(deps, { userId: auth.user.id, sessionId: auth.session.id }, tenantId.data, c.get("meta"));
    return c.redirect("/app", 303);
  });

  app.route("/", dashboardRoutes(deps));
  return app;
}
