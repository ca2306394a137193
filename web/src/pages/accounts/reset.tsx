import type { AssetUrls } from "../../assets.ts";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { AuthPage, Field, FormAlert, type FormState } from "./form.tsx";

/** Asks for the address; the same answer follows whether or not it has an account. */
export function ForgotPage(props: { locale: Locale; assets: AssetUrls; state?: FormState<"email"> }) {
  const t = translator(props.locale);
  const { values = {}, errors = {}, formError } = props.state ?? {};
  return (
    <AuthPage
      locale={props.locale}
      assets={props.assets}
      t={t}
      title={t("accounts.forgot.title")}
      lead={t("accounts.forgot.lead")}
      path="/forgot"
    >
      <FormAlert t={t} error={formError} />
      <form class="form" method="post" action="/forgot" novalidate>
        <Field
          t={t}
          name="email"
          type="email"
          label={t("accounts.field.email")}
          value={values.email}
          error={errors.email}
          autocomplete="email"
          maxlength={254}
          autofocus
        />
        <button class="button button-primary auth-submit" type="submit">
          {t("accounts.forgot.submit")}
        </button>
      </form>
      <p class="auth-alt">
        <a href="/login">{t("accounts.forgot.backToLogin")}</a>
      </p>
    </AuthPage>
  );
}

/** The one answer to a reset request, whatever the address. */
export function ForgotSentPage(props: { locale: Locale; assets: AssetUrls }) {
  const t = translator(props.locale);
  return (
    <AuthPage locale={props.locale} assets={props.assets} t={t} title={t("accounts.forgot.sent.title")} path="/forgot">
      <p class="auth-lead" role="status">
        {t("accounts.forgot.sent.text")}
      </p>
      <p class="auth-alt">
        <a href="/login">{t("accounts.forgot.backToLogin")}</a>
      </p>
    </AuthPage>
  );
}

export function ResetPage(props: {
  locale: Locale;
  assets: AssetUrls;
  /** This page's own path, `/reset/<token>`: the form posts back to it. */
  path: string;
  state?: FormState<"password">;
}) {
  const t = translator(props.locale);
  const { errors = {}, formError } = props.state ?? {};
  return (
    <AuthPage
      locale={props.locale}
      assets={props.assets}
      t={t}
      title={t("accounts.reset.title")}
      lead={t("accounts.reset.lead")}
      path={props.path}
    >
      <FormAlert t={t} error={formError} />
      <form class="form" method="post" action={props.path} novalidate>
        <Field
          t={t}
          name="password"
          type="password"
          label={t("accounts.field.newPassword")}
          hint={t("accounts.field.password.hint")}
          error={errors.password}
          autocomplete="new-password"
          maxlength={128}
          autofocus
        />
        <button class="button button-primary auth-submit" type="submit">
          {t("accounts.reset.submit")}
        </button>
      </form>
    </AuthPage>
  );
}

/** A used, expired or mangled link: say so plainly and offer a new one. */
export function ResetInvalidPage(props: { locale: Locale; assets: AssetUrls }) {
  const t = translator(props.locale);
  return (
    <AuthPage
      locale={props.locale}
      assets={props.assets}
      t={t}
      title={t("accounts.reset.invalid.title")}
      path="/forgot"
    >
      <p class="auth-lead">{t("accounts.reset.invalid.text")}</p>
      <p>
        <a class="button button-primary" href="/forgot">
          {t("accounts.reset.invalid.again")}
        </a>
      </p>
    </AuthPage>
  );
}
