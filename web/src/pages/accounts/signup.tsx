import type { AssetUrls } from "../../assets.ts";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { AuthPage, Field, FormAlert, type FormState } from "./form.tsx";

export type SignupField = "ispName" | "slug" | "ownerName" | "email" | "phone" | "password";

/** Sign-up of a new ISP and its owner. Works without JavaScript; errors sit under their fields. */
export function SignupPage(props: { locale: Locale; assets: AssetUrls; state?: FormState<SignupField> }) {
  const t = translator(props.locale);
  const { values = {}, errors = {}, formError } = props.state ?? {};
  return (
    <AuthPage
      locale={props.locale}
      assets={props.assets}
      t={t}
      title={t("accounts.signup.title")}
      lead={t("accounts.signup.lead")}
      path="/signup"
    >
      <FormAlert t={t} error={formError} />
      <form class="form" method="post" action="/signup" novalidate>
        <fieldset class="form-group">
          <legend>{t("accounts.signup.isp")}</legend>
          <Field
            t={t}
            name="ispName"
            label={t("accounts.field.ispName")}
            value={values.ispName}
            error={errors.ispName}
            autocomplete="organization"
            maxlength={100}
          />
          <Field
            t={t}
            name="slug"
            label={t("accounts.field.slug")}
            hint={t("accounts.field.slug.hint")}
            value={values.slug}
            error={errors.slug}
            autocomplete="off"
            maxlength={48}
          />
        </fieldset>
        <fieldset class="form-group">
          <legend>{t("accounts.signup.owner")}</legend>
          <Field
            t={t}
            name="ownerName"
            label={t("accounts.field.ownerName")}
            value={values.ownerName}
            error={errors.ownerName}
            autocomplete="name"
            maxlength={100}
          />
          <Field
            t={t}
            name="email"
            type="email"
            label={t("accounts.field.email")}
            value={values.email}
            error={errors.email}
            autocomplete="email"
            maxlength={254}
          />
          <Field
            t={t}
            name="phone"
            type="tel"
            label={t("accounts.field.phone")}
            hint={t("accounts.field.phone.hint")}
            value={values.phone}
            error={errors.phone}
            autocomplete="tel"
            maxlength={32}
          />
          <Field
            t={t}
            name="password"
            type="password"
            label={t("accounts.field.password")}
            hint={t("accounts.field.password.hint")}
            error={errors.password}
            autocomplete="new-password"
            maxlength={128}
          />
        </fieldset>
        <button class="button button-primary auth-submit" type="submit">
          {t("accounts.signup.submit")}
        </button>
      </form>
      <p class="auth-alt">
        {t("accounts.signup.haveAccount")} <a href="/login">{t("accounts.link.login")}</a>
      </p>
    </AuthPage>
  );
}
