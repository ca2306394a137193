import { type Locale, translator } from "../../i18n/i18n.ts";

/** "Masuk" and "Daftar" in the header of the public pages. */
export function AuthLinks(props: { locale: Locale }) {
  const t = translator(props.locale);
  return (
    <nav class="auth-links" aria-label={t("accounts.menu.label")}>
      <a href="/login">{t("accounts.link.login")}</a>
      <a class="button auth-links-signup" href="/signup">
        {t("accounts.link.signup")}
      </a>
    </nav>
  );
}
