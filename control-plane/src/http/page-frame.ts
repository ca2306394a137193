import type { AssetUrls } from "@kilusi/web/assets.ts";
import { appNavItems } from "@kilusi/web/layouts/app-shell.tsx";
import type { Frame } from "@kilusi/web/layouts/framed-page.tsx";
import type { Context } from "hono";
import type { Auth } from "../auth/auth.middleware.ts";
import { navAreasFor } from "../auth/navigation.ts";
import { localeOf } from "./locale.ts";

/** The signed-in frame of a page: menu items from the role's permissions, never from the view. */
export function frameOf(c: Context, assets: AssetUrls, auth: Auth, path: string): Frame {
  const locale = localeOf(c);
  return {
    locale,
    assets,
    path,
    nav: auth.role ? appNavItems(locale, path, navAreasFor(auth.role)) : [],
    tenantName: auth.tenant?.name,
    userName: auth.user.name,
  };
}

export function isHtmx(c: Context): boolean {
  return c.req.header("hx-request") === "true";
}

/** Where links in messages point: the configured public address, else the one asked for. */
export function originOf(c: Context, publicUrl: string | undefined): string {
  return publicUrl ? new URL(publicUrl).origin : new URL(c.req.url).origin;
}
