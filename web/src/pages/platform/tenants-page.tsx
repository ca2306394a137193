import type { AssetUrls } from "../../assets.ts";
import type { NavItem } from "../../components/nav-list.tsx";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { AppShell } from "../../layouts/app-shell.tsx";
import { AccountMenu } from "../accounts/account-menu.tsx";
import { PlatformNotice, type PlatformNoticeData, type PlatformTenant, TenantRow } from "./tenant-row.tsx";

export type PlatformTenantsPageProps = {
  locale: Locale;
  assets: AssetUrls;
  operatorName: string;
  tenants: readonly PlatformTenant[];
  /** After a suspend/resume without JavaScript. */
  notice?: PlatformNoticeData | null;
};

/** The platform area's navigation: its own pages only, never a tenant's. */
export function platformNav(locale: Locale, path: string): NavItem[] {
  const t = translator(locale);
  return [{ href: "/platform", label: t("platform.nav.tenants"), current: path === "/platform" }];
}

/** Every ISP on the platform, with suspend/resume. */
export function PlatformTenantsPage(props: PlatformTenantsPageProps) {
  const t = translator(props.locale);
  return (
    <AppShell
      locale={props.locale}
      assets={props.assets}
      title={t("platform.tenants.title")}
      path="/platform"
      nav={platformNav(props.locale, "/platform")}
      homeHref="/platform"
      tenantName={t("platform.area")}
      headerActions={<AccountMenu locale={props.locale} name={props.operatorName} />}
    >
      {props.notice ? <PlatformNotice locale={props.locale} notice={props.notice} /> : null}
      <p class="platform-lead">{t("platform.tenants.lead")}</p>
      {props.tenants.length === 0 ? (
        <p class="platform-empty">{t("platform.tenants.empty")}</p>
      ) : (
        <>
          <p class="platform-summary">{t("platform.tenants.summary", { total: props.tenants.length })}</p>
          <table class="platform-table">
            <caption class="visually-hidden">{t("platform.tenants.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("platform.col.name")}</th>
                <th scope="col">{t("platform.col.slug")}</th>
                <th scope="col">{t("platform.col.status")}</th>
                <th scope="col">{t("platform.col.created")}</th>
                <th scope="col" class="num">
                  {t("platform.col.members")}
                </th>
                <th scope="col">{t("platform.col.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {props.tenants.map((tenant) => (
                <TenantRow locale={props.locale} tenant={tenant} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </AppShell>
  );
}
