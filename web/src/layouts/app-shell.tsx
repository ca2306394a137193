import type { Child } from "hono/jsx";
import type { AssetUrls } from "../assets.ts";
import { Brand } from "../components/brand.tsx";
import { Document } from "../components/document.tsx";
import { MenuIcon } from "../components/icons.tsx";
import { LanguageSwitch } from "../components/language-switch.tsx";
import { type NavItem, NavList } from "../components/nav-list.tsx";
import { type Locale, type MessageKey, translator } from "../i18n/i18n.ts";

export type AppShellProps = {
  locale: Locale;
  assets: AssetUrls;
  /** The page's heading, the one `<h1>`; also the start of `<title>`. */
  title: string;
  /** Path of this page, where the language switch returns to. */
  path: string;
  nav: readonly NavItem[];
  /** Where the brand links to (the signed-in home). */
  homeHref?: string;
  tenantName?: string;
  /** Buttons beside the page heading ("New customer", …). */
  actions?: Child;
  /** Header items beside the language switch (account menu, sign out, …). */
  headerActions?: Child;
  children?: Child;
};

/**
 * The signed-in frame: header, navigation, main and footer. The navigation is rendered
 * twice, a sidebar for wide screens and a `<details>` menu for phones, so that it works
 * without JavaScript; CSS shows exactly one of them (the hidden one leaves the
 * accessibility tree too).
 */
export function AppShell(props: AppShellProps) {
  const t = translator(props.locale);
  const appName = t("app.name");
  return (
    <Document locale={props.locale} assets={props.assets} title={`${props.title} · ${appName}`} bodyClass="app">
      <header class="app-header">
        <div class="app-header-row">
          <details class="nav-menu">
            <summary>
              <MenuIcon />
              <span>{t("nav.menu")}</span>
            </summary>
            <nav class="nav-menu-panel" aria-label={t("nav.primary")}>
              <NavList items={props.nav} />
            </nav>
          </details>
          <Brand href={props.homeHref ?? "/"} />
          {props.tenantName ? <span class="tenant-name">{props.tenantName}</span> : null}
          <div class="header-actions">
            {props.headerActions}
            <LanguageSwitch locale={props.locale} next={props.path} />
          </div>
        </div>
      </header>
      <div class="app-frame">
        <nav class="app-sidebar" aria-label={t("nav.primary")}>
          <NavList items={props.nav} />
        </nav>
        <main id="main" class="app-main" tabindex={-1}>
          <div class="page-head">
            <h1>{props.title}</h1>
            {props.actions ? <div class="page-actions">{props.actions}</div> : null}
          </div>
          <div id="alerts" class="alerts" />
          {props.children}
        </main>
      </div>
      <footer class="app-footer">
        <p>{t("footer.text")}</p>
      </footer>
    </Document>
  );
}

/** The areas of the signed-in app, in menu order. Paths are placeholders until each area exists. */
export const appAreas = [
  { key: "dashboard", href: "/app", label: "nav.dashboard" },
  { key: "customers", href: "/customers", label: "nav.customers" },
  { key: "plans", href: "/plans", label: "nav.plans" },
  { key: "invoices", href: "/invoices", label: "nav.invoices" },
  { key: "payments", href: "/payments", label: "nav.payments" },
  { key: "vouchers", href: "/vouchers", label: "nav.vouchers" },
  { key: "reports", href: "/reports", label: "nav.reports" },
  { key: "network", href: "/sites", label: "nav.network" },
  { key: "sessions", href: "/sessions", label: "nav.sessions" },
  { key: "tickets", href: "/tickets", label: "nav.tickets" },
  { key: "team", href: "/team", label: "nav.team" },
  { key: "audit", href: "/audit", label: "nav.audit" },
  { key: "settings", href: "/settings", label: "nav.settings" },
] as const satisfies readonly { key: string; href: string; label: MessageKey }[];

export type AppArea = (typeof appAreas)[number]["key"];

/** Nav items for `AppShell`, localized, with the area that contains `path` marked current. */
export function appNavItems(locale: Locale, path: string, only?: readonly AppArea[]): NavItem[] {
  const t = translator(locale);
  return appAreas
    .filter((area) => !only || only.includes(area.key))
    .map((area) => ({
      href: area.href,
      label: t(area.label),
      current: path === area.href || path.startsWith(`${area.href}/`),
    }));
}
