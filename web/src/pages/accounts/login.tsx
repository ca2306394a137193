import type { AssetUrls } from "../../assets.ts";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { AuthPage, Field, FormAlert, type FormState, Notice } from "./form.tsx";

export type LoginField = "email" | "password";

/** `?next=` kept through the form, so a bookmarked page opens after signing in. */
function withNext(path: string, next: string | undefined): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

export function LoginPage(props: {
  locale: Locale;
  assets: AssetUrls;
  next?: string;
  /** Shown above the form after a password reset. */
  resetDone?: boolean;
  state?: FormState<LoginField>;
}) {
  const t = translator(props.locale);
  const { values = {}, errors = {}, formError } = props.state ?? {};
  const action = withNext("/login", props.next);
  return (
    <AuthPage
      locale={props.locale}
      assets={props.assets}
      t={t}
      title={t("accounts.login.title")}
      lead={t("accounts.login.lead")}
      path={action}
    >
      {props.resetDone ? <Notice>{t("accounts.login.resetDone")}</Notice> : null}
      <FormAlert t={t} error={formError} />
      <form class="form" method="post" action={action} novalidate>
        <Field
          t={t}
          name="email"
          type="email"
          label={t("accounts.field.email")}
          value={values.email}
          error={errors.email}
          autocomplete="username"
          maxlength={254}
          autofocus={!values.email}
        />
        <Field
          t={t}
          name="password"
          type="password"
          label={t("accounts.field.password")}
          error={errors.password}
          autocomplete="current-password"
          maxlength={128}
          autofocus={Boolean(values.email)}
        />
        <button class="button button-primary auth-submit" type="submit">
          {t("accounts.login.submit")}
        </button>
      </form>
      <p class="auth-alt">
        <a href="/forgot">{t("accounts.login.forgot")}</a>
      </p>
      <p class="auth-alt">
        {t("accounts.login.noAccount")} <a href="/signup">{t("accounts.signup.title")}</a>
      </p>
    </AuthPage>
  );
}

/** The second step for people with an authenticator app: a TOTP code or a recovery code. */
export function TwoFactorPage(props: { locale: Locale; assets: AssetUrls; next?: string; state?: FormState<"code"> }) {
  const t = translator(props.locale);
  const { errors = {}, formError } = props.state ?? {};
  const action = withNext("/login/2fa", props.next);
  return (
    <AuthPage
      locale={props.locale}
      assets={props.assets}
      t={t}
      title={t("accounts.twoFactor.title")}
      lead={t("accounts.twoFactor.lead")}
      path={action}
      links={false}
    >
      <FormAlert t={t} error={formError} />
      <form class="form" method="post" action={action} novalidate>
        <Field
          t={t}
          name="code"
          label={t("accounts.field.code")}
          hint={t("accounts.field.code.hint")}
          error={errors.code}
          autocomplete="one-time-code"
          maxlength={32}
          autofocus
        />
        <button class="button button-primary auth-submit" type="submit">
          {t("accounts.twoFactor.submit")}
        </button>
      </form>
      <form class="auth-alt" method="post" action="/logout">
        <button class="auth-link-button" type="submit">
          {t("accounts.twoFactor.cancel")}
        </button>
      </form>
    </AuthPage>
  );
}
