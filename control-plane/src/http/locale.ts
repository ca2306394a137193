import { type Locale, pickLocale } from "@kilusi/web/i18n/i18n.ts";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";

/** Cookie that remembers the language a user picked (see `POST /lang`). */
export const LANG_COOKIE = "lang";

/** The request's locale: the `lang` cookie, then Accept-Language, then Indonesian. */
export function localeOf(c: Context): Locale {
  return pickLocale(getCookie(c, LANG_COOKIE), c.req.header("accept-language"));
}
