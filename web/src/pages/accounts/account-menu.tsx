import { type Locale, translator } from "../../i18n/i18n.ts";

/**
 * The signed-in person's menu for the header (`AppShell`'s `headerActions`): their name, a
 * link to the profile, the ISP picker and a sign-out button. A `<details>`, so it opens
 * without JavaScript and takes little room on a phone; signing out is a POST form.
 */
export function AccountMenu(props: { locale: Locale; name: string; canSwitch?: boolean }) {
  const t = translator(props.locale);
  return (
    <details class="account-menu">
      <summary>
        <svg
          class="icon"
          viewBox="0 0 24 24"
          width="24"
          height="24"
          fill="none"
          stroke="currentColor"
          stroke-width="1.8"
          stroke-linecap="round"
          aria-hidden="true"
          focusable="false"
        >
          <circle cx="12" cy="8" r="4" />
          <path d="M4 21c1.2-4 4.3-6 8-6s6.8 2 8 6" />
        </svg>
        <span class="visually-hidden">{t("accounts.menu.label")}: </span>
        <span class="account-name">{props.name}</span>
      </summary>
      <div class="account-menu-panel">
        <ul class="nav-list">
          <li>
            <a href="/profile">{t("accounts.menu.profile")}</a>
          </li>
          {props.canSwitch === false ? null : (
            <li>
              <a href="/tenants">{t("accounts.menu.switch")}</a>
            </li>
          )}
        </ul>
        <form method="post" action="/logout">
          <button class="button button-quiet account-logout" type="submit">
            {t("accounts.menu.logout")}
          </button>
        </form>
      </div>
    </details>
  );
}
