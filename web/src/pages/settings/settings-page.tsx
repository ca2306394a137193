import { Checkbox, Field, FieldError, type FieldErrors, Select } from "../../components/form-fields.tsx";
import { localeNames, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";

export type SettingsValues = {
  name: string;
  timeZone: string;
  currency: string;
  locale: string;
  require2fa: boolean;
};

export type SettingsPageProps = {
  frame: Frame;
  values: SettingsValues;
  errors?: FieldErrors;
  /** The time zones the server accepts (IANA names). */
  timeZones: readonly string[];
  /** Only an owner may require two-factor of everyone. */
  isOwner: boolean;
  /** Where the current logo is served, when there is one. */
  logoSrc: string | null;
  logoError?: string;
  notice?: "saved" | "logo";
};

export function SettingsPage(props: SettingsPageProps) {
  const t = translator(props.frame.locale);
  const v = props.values;
  const errors = props.errors ?? {};
  const logoErrorId = props.logoError ? "settings-logo-error" : undefined;
  return (
    <FramedPage frame={props.frame} title={t("settings.title")}>
      {props.notice ? <Notice kind="ok">{t(`settings.notice.${props.notice}`)}</Notice> : null}
      <p>
        <a href="/settings/billing">{t("billing.link")}</a>
      </p>
      <section class="adm-section" aria-labelledby="general-title">
        <h2 id="general-title">{t("settings.general.title")}</h2>
        <form class="adm-form" method="post" action="/settings" novalidate>
          <Field
            id="settings-name"
            name="name"
            label={t("settings.name")}
            value={v.name}
            required
            maxlength={100}
            error={errors.name}
          />
          <Select
            id="settings-timezone"
            name="timeZone"
            label={t("settings.timeZone")}
            value={v.timeZone}
            options={props.timeZones.map((z) => [z, z.replaceAll("_", " ")] as const)}
            error={errors.timeZone}
          />
          <Field
            id="settings-currency"
            name="currency"
            label={t("settings.currency")}
            hint={t("settings.currency.hint")}
            value={v.currency}
            required
            maxlength={3}
            error={errors.currency}
          />
          <Select
            id="settings-locale"
            name="locale"
            label={t("settings.locale")}
            value={v.locale}
            options={[
              ["id", localeNames.id],
              ["en", localeNames.en],
            ]}
            error={errors.locale}
          />
          <Checkbox
            id="settings-require2fa"
            name="require2fa"
            label={t("settings.require2fa")}
            hint={props.isOwner ? t("settings.require2fa.hint") : t("settings.require2fa.ownerOnly")}
            checked={v.require2fa}
            disabled={!props.isOwner}
          />
          <p>
            <button class="button button-primary" type="submit">
              {t("settings.save")}
            </button>
          </p>
        </form>
      </section>

      <section class="adm-section" aria-labelledby="logo-title">
        <h2 id="logo-title">{t("settings.logo.title")}</h2>
        {props.logoSrc ? (
          <img class="adm-logo" src={props.logoSrc} alt={t("settings.logo.current")} />
        ) : (
          <p class="adm-muted">{t("settings.logo.none")}</p>
        )}
        <form class="adm-form" method="post" action="/settings/logo" enctype="multipart/form-data">
          <div class={props.logoError ? "adm-field has-error" : "adm-field"}>
            <label class="adm-label" for="settings-logo">
              {t("settings.logo.file")}
            </label>
            <p class="adm-hint" id="settings-logo-hint">
              {t("settings.logo.hint")}
            </p>
            <input
              class="adm-input"
              id="settings-logo"
              name="logo"
              type="file"
              accept="image/png,image/jpeg,image/webp"
              required
              aria-invalid={props.logoError ? "true" : undefined}
              aria-describedby={["settings-logo-hint", logoErrorId].filter(Boolean).join(" ")}
            />
            <FieldError id={logoErrorId} error={props.logoError} />
          </div>
          <p>
            <button class="button button-quiet" type="submit">
              {t("settings.logo.upload")}
            </button>
          </p>
        </form>
      </section>
    </FramedPage>
  );
}
