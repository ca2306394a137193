import type { AssetUrls } from "../../assets.ts";
import { Field, type FieldErrors, FormError } from "../../components/form-fields.tsx";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { Notice } from "../../layouts/framed-page.tsx";
import { PublicLayout } from "../../layouts/public-layout.tsx";
import type { RoleName } from "./format.ts";

export type InvitationPageProps = {
  locale: Locale;
  assets: AssetUrls;
  path: string;
  invitation: { ispName: string; email: string; role: RoleName };
  /**
   * accept: signed in with the invited address; signin: that address has an account, so the
   * visitor signs in first; create: no account yet, the form makes one.
   */
  mode: "accept" | "signin" | "create";
  /** The address of a different account the visitor is signed in with. */
  signedInAs?: string;
  form?: { values: { name?: string; phone?: string }; errors: FieldErrors; formError?: string };
};

export function InvitationPage(props: InvitationPageProps) {
  const t = translator(props.locale);
  const inv = props.invitation;
  const title = t("invitation.title", { isp: inv.ispName });
  const errors = props.form?.errors ?? {};
  return (
    <PublicLayout locale={props.locale} assets={props.assets} title={`${title} · ${t("app.name")}`} path={props.path}>
      <section class="container adm-narrow">
        <h1>{title}</h1>
        <p class="lead">{t("invitation.lead", { isp: inv.ispName, role: t(`team.role.${inv.role}`) })}</p>
        <p>{t("invitation.for", { email: inv.email })}</p>
        {props.signedInAs ? (
          <Notice kind="error">{t("invitation.otherAccount", { email: props.signedInAs })}</Notice>
        ) : null}
        {props.mode === "accept" ? (
          <form method="post" action={props.path}>
            <button class="button button-primary" type="submit">
              {t("invitation.accept", { isp: inv.ispName })}
            </button>
          </form>
        ) : props.mode === "signin" ? (
          <>
            <p>{t("invitation.signinFirst", { email: inv.email })}</p>
            <p>
              <a class="button button-primary" href={`/login?next=${encodeURIComponent(props.path)}`}>
                {t("invitation.signin")}
              </a>
            </p>
          </>
        ) : (
          <form class="adm-form" method="post" action={props.path} novalidate>
            <h2>{t("invitation.create.title")}</h2>
            <FormError id="invitation-form-error">{props.form?.formError}</FormError>
            <Field
              id="invitation-name"
              name="name"
              label={t("invitation.create.name")}
              value={props.form?.values.name}
              autocomplete="name"
              required
              maxlength={100}
              error={errors.name}
            />
            <Field
              id="invitation-phone"
              name="phone"
              type="tel"
              label={t("invitation.create.phone")}
              hint={t("invitation.create.phoneHint")}
              value={props.form?.values.phone}
              autocomplete="tel"
              inputmode="tel"
              error={errors.phone}
            />
            <Field
              id="invitation-password"
              name="password"
              type="password"
              label={t("invitation.create.password")}
              hint={t("team.form.password")}
              autocomplete="new-password"
              required
              minlength={12}
              maxlength={128}
              error={errors.password}
            />
            <p>
              <button class="button button-primary" type="submit">
                {t("invitation.create.submit", { isp: inv.ispName })}
              </button>
            </p>
          </form>
        )}
      </section>
    </PublicLayout>
  );
}

/** One answer for every link that does not work, whatever the reason. */
export function InvalidInvitationPage(props: { locale: Locale; assets: AssetUrls; path: string }) {
  const t = translator(props.locale);
  return (
    <PublicLayout
      locale={props.locale}
      assets={props.assets}
      title={`${t("invitation.invalid.title")} · ${t("app.name")}`}
      path={props.path}
    >
      <section class="container adm-narrow">
        <h1>{t("invitation.invalid.title")}</h1>
        <p class="lead">{t("invitation.invalid.text")}</p>
        <p>
          <a class="button button-quiet" href="/">
            {t("error.home")}
          </a>
        </p>
      </section>
    </PublicLayout>
  );
}
