import { type Locale, localeNames, locales, translator } from "../i18n/i18n.ts";

/**
 * A plain POST form, so switching works without JavaScript. The server sets the `lang`
 * cookie and sends the browser back to `next`, the page it came from.
 */
export function LanguageSwitch(props: { locale: Locale; next: string }) {
  const t = translator(props.locale);
  return (
    <form class="lang-switch" method="post" action="/lang">
      <input type="hidden" name="next" value={props.next} />
      <fieldset class="lang-options">
        <legend class="visually-hidden">{t("lang.label")}</legend>
        {locales.map((locale) => (
          <button
            type="submit"
            name="lang"
            value={locale}
            lang={locale}
            aria-label={localeNames[locale]}
            aria-current={locale === props.locale ? "true" : undefined}
          >
            {locale.toUpperCase()}
          </button>
        ))}
      </fieldset>
    </form>
  );
}
