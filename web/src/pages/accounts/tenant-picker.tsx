import type { AssetUrls } from "../../assets.ts";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { AccountMenu } from "./account-menu.tsx";
import { AuthPage } from "./form.tsx";

export type Role = "owner" | "admin" | "technician" | "collector" | "viewer";
export type Place = { tenantId: string; name: string; role: Role };

/** The ISPs a person belongs to, each with their role there, or what to do when there are none. */
export function TenantPickerPage(props: {
  locale: Locale;
  assets: AssetUrls;
  userName: string;
  places: readonly Place[];
  currentTenantId?: string | null;
}) {
  const t = translator(props.locale);
  const empty = props.places.length === 0;
  return (
    <AuthPage
      locale={props.locale}
      assets={props.assets}
      t={t}
      title={t(empty ? "accounts.tenants.empty.title" : "accounts.tenants.title")}
      lead={t(empty ? "accounts.tenants.empty.text" : "accounts.tenants.lead")}
      path="/tenants"
      actions={<AccountMenu locale={props.locale} name={props.userName} canSwitch={false} />}
    >
      {empty ? null : (
        <ul class="place-list">
          {props.places.map((place) => (
            <li class="place">
              <div class="place-text">
                <p class="place-name">{place.name}</p>
                <p class="place-role">
                  {t(`accounts.role.${place.role}`)}
                  {place.tenantId === props.currentTenantId ? (
                    <span class="badge badge-ok">{t("accounts.tenants.current")}</span>
                  ) : null}
                </p>
              </div>
              <form method="post" action={`/tenants/${place.tenantId}/choose`}>
                <button class="button button-primary" type="submit">
                  {t("accounts.tenants.open", { name: place.name })}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </AuthPage>
  );
}
