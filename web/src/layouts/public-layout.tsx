import type { Child } from "hono/jsx";
import type { AssetUrls } from "../assets.ts";
import { Brand } from "../components/brand.tsx";
import { Document } from "../components/document.tsx";
import { LanguageSwitch } from "../components/language-switch.tsx";
import { type NavItem, NavList } from "../components/nav-list.tsx";
import { type Locale, translator } from "../i18n/i18n.ts";

export type PublicLayoutProps = {
  locale: Locale;
  assets: AssetUrls;
  /** The full `<title>`; the page renders its own single `<h1>`. */
  title: string;
  description?: string;
  /** Path of this page, where the language switch returns to. */
  path: string;
  /** Links that exist on this page or site (in-page anchors on the landing page). */
  nav?: readonly NavItem[];
  /** Header actions beside the language switch (sign in / sign up, once they exist). */
  actions?: Child;
  children?: Child;
};

/** Pages for visitors who are not signed in: brand, language switch, content, footer. */
export function PublicLayout(props: PublicLayoutProps) {
  const t = translator(props.locale);
  return (
    <Document
      locale={props.locale}
      assets={props.assets}
      title={props.title}
      description={props.description}
      bodyClass="public"
    >
      <header class="site-header">
        <div class="container site-header-row">
          <Brand href="/" />
          {props.nav && props.nav.length > 0 ? (
            <nav class="site-nav" aria-label={t("nav.page")}>
              <NavList items={props.nav} />
            </nav>
          ) : null}
          <div class="header-actions">
            {props.actions}
            <LanguageSwitch locale={props.locale} next={props.path} />
          </div>
        </div>
      </header>
      <main id="main" tabindex={-1}>
        <div id="alerts" class="container alerts" />
        {props.children}
      </main>
      <footer class="site-footer">
        <div class="container">
          <p>{t("footer.text")}</p>
        </div>
      </footer>
    </Document>
  );
}
