import type { Child } from "hono/jsx";
import type { AssetUrls } from "../assets.ts";
import type { NavItem } from "../components/nav-list.tsx";
import type { Locale } from "../i18n/i18n.ts";
import { AccountMenu } from "../pages/accounts/account-menu.tsx";
import { AppShell } from "./app-shell.tsx";

/**
 * What every signed-in page of the team, profile, settings and audit areas needs from the
 * server besides its own data: built once per request from the session, so that views never
 * decide who may see which menu item.
 */
export type Frame = {
  locale: Locale;
  assets: AssetUrls;
  /** Path of this page, for the language switch and the current nav item. */
  path: string;
  nav: readonly NavItem[];
  tenantName?: string;
  userName: string;
};

/** AppShell with the signed-in person's menu (profile, ISP picker, sign out). */
export function FramedPage(props: { frame: Frame; title: string; actions?: Child; children?: Child }) {
  const { frame } = props;
  return (
    <AppShell
      locale={frame.locale}
      assets={frame.assets}
      title={props.title}
      path={frame.path}
      nav={frame.nav}
      homeHref="/app"
      tenantName={frame.tenantName}
      actions={props.actions}
      headerActions={<AccountMenu locale={frame.locale} name={frame.userName} />}
    >
      {props.children}
    </AppShell>
  );
}

/** A short message above the content: a done action, or a refusal explained. */
export function Notice(props: { kind: "ok" | "error"; children?: Child }) {
  return (
    <div class={`adm-notice adm-notice-${props.kind}`} role={props.kind === "error" ? "alert" : "status"}>
      {props.children}
    </div>
  );
}
