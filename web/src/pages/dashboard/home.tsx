import type { AssetUrls } from "../../assets.ts";
import { type Locale, type MessageKey, translator } from "../../i18n/i18n.ts";
import { type AppArea, AppShell, appNavItems } from "../../layouts/app-shell.tsx";
import { AccountMenu } from "../accounts/account-menu.tsx";
import type { Role } from "../accounts/tenant-picker.tsx";
import { RevenueChart } from "../reports/report-charts.tsx";
import type { ReportsOverview } from "../reports/report-data.ts";
import { HeadlineTiles } from "../reports/report-tiles.tsx";

type Card = { area: AppArea | "profile"; href: string; title: MessageKey; text: MessageKey; link: MessageKey };

// Areas that exist today, each a card on the home; the profile is everyone's.
const cards = [
  {
    area: "payments",
    href: "/payments",
    title: "reports.card.payments.title",
    text: "reports.card.payments.text",
    link: "reports.card.payments.link",
  },
  {
    area: "team",
    href: "/team",
    title: "dashboard.card.team.title",
    text: "dashboard.card.team.text",
    link: "dashboard.card.team.link",
  },
  {
    area: "settings",
    href: "/settings",
    title: "dashboard.card.settings.title",
    text: "dashboard.card.settings.text",
    link: "dashboard.card.settings.link",
  },
  {
    area: "audit",
    href: "/audit",
    title: "dashboard.card.audit.title",
    text: "dashboard.card.audit.text",
    link: "dashboard.card.audit.link",
  },
  {
    area: "profile",
    href: "/profile",
    title: "dashboard.card.profile.title",
    text: "dashboard.card.profile.text",
    link: "dashboard.card.profile.link",
  },
] as const satisfies readonly Card[];

export type HomeProps = {
  locale: Locale;
  assets: AssetUrls;
  userName: string;
  tenantName: string;
  role: Role;
  /** The areas this role may open (the menu, and which cards show). */
  areas: readonly AppArea[];
  /** The headline figures, for a role that may see reports; absent for the others. */
  overview?: ReportsOverview;
};

/** The signed-in home: who and where you are, this month's figures if you may see them, where to go next. */
export function HomePage(props: HomeProps) {
  const t = translator(props.locale);
  const visible = cards.filter((card) => card.area === "profile" || props.areas.includes(card.area));
  const { overview } = props;
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
      {overview ? (
        <section aria-labelledby="figures-title" class="home-figures">
          <h2 id="figures-title" class="home-heading">
            {t("reports.home.figures")}
          </h2>
          <HeadlineTiles overview={overview} locale={props.locale} />
          <div class="home-chart">
            <RevenueChart
              overview={overview}
              locale={props.locale}
              id="chart-home-revenue"
              title={t("reports.home.chart", { months: overview.months.length })}
            />
          </div>
          <p>
            <a class="button button-quiet" href="/reports">
              {t("reports.home.more")}
            </a>
          </p>
        </section>
      ) : null}
      <section aria-labelledby="next-title">
        <h2 id="next-title" class="home-heading">
          {t("dashboard.next.title")}
        </h2>
        <ul class="home-cards">
          {visible.map((card) => (
            <li class="home-card">
              <h3>{t(card.title)}</h3>
              <p>{t(card.text)}</p>
              <a href={card.href}>{t(card.link)}</a>
            </li>
          ))}
        </ul>
      </section>
    </AppShell>
  );
}
