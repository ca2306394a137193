import type { AssetUrls } from "../../assets.ts";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { type AppArea, AppShell, appNavItems } from "../../layouts/app-shell.tsx";
import { AccountMenu } from "../accounts/account-menu.tsx";
import type { Role } from "../accounts/tenant-picker.tsx";

// Areas that exist today, each a card on the empty home; the profile is everyone's.
const cards = [
  { key: "team", href: "/team" },
  { key: "settings", href: "/settings" },
  { key: "audit", href: "/audit" },
  { key: "profile", href: "/profile" },
] as const;

export type HomeProps = {
  locale: Locale;
  assets: AssetUrls;
  userName: string;
  tenantName: string;
  role: Role;
  /** The areas this role may open (the menu, and which cards show). */
  areas: readonly AppArea[];
};

/** The signed-in home: who and where you are, and where to go next. */
export function HomePage(props: HomeProps) {
  const t = translator(props.locale);
  const visible = cards.filter((card) => card.key === "profile" || props.areas.includes(card.key));
  return (
    <AppShell
      locale={props.locale}
      assets={props.assets}
      title={t("dashboard.title")}
      path="/app"
      homeHref="/app"
      nav={appNavItems(props.locale, "/app", props.areas)}
      tenantName={props.tenantName}
      headerActions={<AccountMenu locale={props.locale} name={props.userName} />}
    >
      <section class="home-intro">
        <p class="home-welcome">{t("dashboard.welcome", { name: props.userName })}</p>
        <p>{t("dashboard.role", { tenant: props.tenantName, role: t(`accounts.role.${props.role}`) })}</p>
      </section>
      <section aria-labelledby="next-title">
        <h2 id="next-title" class="home-heading">
          {t("dashboard.next.title")}
        </h2>
        <ul class="home-cards">
          {visible.map((card) => (
            <li class="home-card">
              <h3>{t(`dashboard.card.${card.key}.title`)}</h3>
              <p>{t(`dashboard.card.${card.key}.text`)}</p>
              <a href={card.href}>{t(`dashboard.card.${card.key}.link`)}</a>
            </li>
          ))}
        </ul>
      </section>
    </AppShell>
  );
}
