import type { AssetUrls } from "@kilusi/web/assets.ts";
import type { Locale } from "@kilusi/web/i18n/i18n.ts";
import { LandingPage } from "@kilusi/web/pages/landing.tsx";
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { validationFailed } from "../http/errors.ts";
import { LANG_COOKIE, localeOf } from "../http/locale.ts";
import { langForm } from "./pages.schemas.ts";

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** Public pages: the landing page and the language switch every layout posts to. */
export function pagesRoutes(deps: { assets: AssetUrls }) {
  const app = new Hono();
  // The landing page depends only on the language and the asset URLs: render it once each.
  const landing = new Map<Locale, string>();

  app.get("/", (c) => {
    const locale = localeOf(c);
    // The same URL answers in two languages: caches must key on what chose the language.
    c.header("Vary", "Cookie, Accept-Language");
    c.header("Content-Language", locale);
    let page = landing.get(locale);
    if (page === undefined) {
      page = (<LandingPage locale={locale} assets={deps.assets} path="/" />).toString();
      landing.set(locale, page);
    }
    return c.html(page);
  });

  app.post("/lang", async (c) => {
    const parsed = langForm.safeParse(await c.req.parseBody());
    if (!parsed.success) {
      throw validationFailed(parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
    }
    setCookie(c, LANG_COOKIE, parsed.data.lang, {
      path: "/",
      sameSite: "Lax",
      maxAge: ONE_YEAR_SECONDS,
      httpOnly: true,
    });
    // 303 so the browser follows with a GET whatever method brought it here.
    return c.redirect(parsed.data.next, 303);
  });

  return app;
}
