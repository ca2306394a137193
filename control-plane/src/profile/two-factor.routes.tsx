import { translator } from "@kilusi/web/i18n/i18n.ts";
import {
  TwoFactorPage,
  type TwoFactorPageProps,
  type TwoFactorView,
} from "@kilusi/web/pages/profile/two-factor-page.tsx";
import { type Context, Hono } from "hono";
import { authOf } from "../auth/auth.middleware.ts";
import { AppError } from "../http/errors.ts";
import { formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { codeInput, disableInput } from "./profile.schemas.ts";
import { selfOf } from "./self.ts";
import {
  confirmTwoFactor,
  disableTwoFactor,
  regenerateRecoveryCodes,
  startTwoFactor,
  type TwoFactorState,
  twoFactorState,
} from "./two-factor.usecases.ts";

function viewOf(state: TwoFactorState): TwoFactorView {
  if (state.kind !== "pending") return state;
  return { kind: "pending", key: state.key, qrSrc: `data:image/svg+xml;base64,${btoa(state.qrSvg)}` };
}

/** Two-factor sign-in: set up with a QR code, confirm with a code, recovery codes, turn off. Guarded by profileRoutes. */
export function twoFactorRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();

  async function page(
    c: Context<AppEnv>,
    extra: Partial<TwoFactorPageProps> = {},
    status: 200 | 400 | 409 | 429 = 200,
  ) {
    const state = viewOf(await twoFactorState(deps, selfOf(c)));
    // The key and recovery codes are on this page: no cache may keep a copy.
    c.header("Cache-Control", "no-store");
    return c.html(
      <TwoFactorPage frame={frameOf(c, deps.assets, authOf(c), "/profile/2fa")} state={state} {...extra} />,
      status,
    );
  }

  /** A refused code or password is the form again, with the reason next to the field. */
  async function refused(c: Context<AppEnv>, form: "confirm" | "regenerate" | "disable", error: unknown) {
    if (!(error instanceof AppError)) throw error;
    const t = translator(localeOf(c));
    if (error.code === "invalid_code")
      return page(c, { form: { name: form, errors: { code: t("profile.2fa.error.code") } } }, 400);
    if (error.code === "invalid_credentials") {
      return page(c, { form: { name: form, errors: { password: t("profile.password.error.current") } } }, 400);
    }
    if (error.code === "rate_limited") {
      return page(c, { form: { name: form, errors: {}, formError: t("team.form.rateLimited") } }, 429);
    }
    if (error.code === "2fa_required") return page(c, {}, 409);
    if (error.code === "2fa_enabled" || error.code === "2fa_disabled") return page(c, {}, 409);
    throw error;
  }

  app.get("/profile/2fa", async (c) => {
    const done = c.req.query("done");
    const notice = done === "disabled" ? done : undefined;
    return page(c, { required: c.req.query("required") === "1", notice });
  });

  app.post("/profile/2fa/setup", async (c) => {
    try {
      await startTwoFactor(deps, selfOf(c), c.get("meta"));
    } catch (error) {
      return refused(c, "confirm", error);
    }
    return c.redirect("/profile/2fa", 303);
  });

  app.post("/profile/2fa/confirm", async (c) => {
    const parsed = codeInput.safeParse(formStrings(await c.req.parseBody()));
    try {
      const { recoveryCodes } = await confirmTwoFactor(deps, selfOf(c), parsed.data?.code ?? "", c.get("meta"));
      // Shown in this answer only: a redirect would need to keep them somewhere.
      return page(c, { recoveryCodes, notice: "enabled" });
    } catch (error) {
      return refused(c, "confirm", error);
    }
  });

  app.post("/profile/2fa/recovery-codes", async (c) => {
    const parsed = codeInput.safeParse(formStrings(await c.req.parseBody()));
    try {
      const { recoveryCodes } = await regenerateRecoveryCodes(deps, selfOf(c), parsed.data?.code ?? "", c.get("meta"));
      return page(c, { recoveryCodes, notice: "regenerated" });
    } catch (error) {
      return refused(c, "regenerate", error);
    }
  });

  app.post("/profile/2fa/disable", async (c) => {
    const parsed = disableInput.safeParse(formStrings(await c.req.parseBody()));
    try {
      await disableTwoFactor(deps, selfOf(c), parsed.data ?? { password: "", code: "" }, c.get("meta"));
    } catch (error) {
      return refused(c, "disable", error);
    }
    return c.redirect("/profile/2fa?done=disabled", 303);
  });

  return app;
}
