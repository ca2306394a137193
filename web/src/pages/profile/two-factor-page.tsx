import { Field, type FieldErrors, FormError } from "../../components/form-fields.tsx";
import { translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";

export type TwoFactorView =
  | { kind: "off" }
  /** A key made but not yet confirmed: the QR (a data: URL of an SVG) and the key for typing. */
  | { kind: "pending"; qrSrc: string; key: string }
  | { kind: "on"; recoveryLeft: number; requiredBy: readonly string[] };

export type TwoFactorPageProps = {
  frame: Frame;
  state: TwoFactorView;
  /** Sent here because an ISP requires two-factor of all staff. */
  required?: boolean;
  /** Codes made just now: shown this once, never again. */
  recoveryCodes?: readonly string[];
  notice?: "enabled" | "disabled" | "regenerated";
  /** Which form the errors belong to. */
  form?: { name: "confirm" | "regenerate" | "disable"; errors: FieldErrors; formError?: string };
};

export function TwoFactorPage(props: TwoFactorPageProps) {
  const t = translator(props.frame.locale);
  const s = props.state;
  const errorsOf = (name: "confirm" | "regenerate" | "disable") =>
    props.form?.name === name ? props.form : { errors: {} as FieldErrors, formError: undefined };
  return (
    <FramedPage frame={props.frame} title={t("profile.2fa.title")}>
      {props.required ? <Notice kind="error">{t("profile.2fa.required")}</Notice> : null}
      {props.notice ? <Notice kind="ok">{t(`profile.2fa.notice.${props.notice}`)}</Notice> : null}
      {props.recoveryCodes ? (
        <section class="adm-section" aria-labelledby="codes-title">
          <h2 id="codes-title">{t("profile.2fa.codes.title")}</h2>
          <p>{t("profile.2fa.codes.lead")}</p>
          <ol class="adm-codes">
            {props.recoveryCodes.map((code) => (
              <li>
                <code>{code}</code>
              </li>
            ))}
          </ol>
          <p>
            <a class="button button-primary" href="/profile">
              {t("profile.2fa.codes.done")}
            </a>
          </p>
        </section>
      ) : null}

      {s.kind === "off" ? (
        <section class="adm-section" aria-labelledby="start-title">
          <h2 id="start-title">{t("profile.2fa.off.title")}</h2>
          <p>{t("profile.2fa.off.lead")}</p>
          <form method="post" action="/profile/2fa/setup">
            <button class="button button-primary" type="submit">
              {t("profile.2fa.setup")}
            </button>
          </form>
        </section>
      ) : null}

      {s.kind === "pending" ? (
        <section class="adm-section" aria-labelledby="scan-title">
          <h2 id="scan-title">{t("profile.2fa.scan.title")}</h2>
          <ol class="adm-steps">
            <li>{t("profile.2fa.scan.step1")}</li>
            <li>
              {t("profile.2fa.scan.step2")}
              <img class="adm-qr" src={s.qrSrc} alt={t("profile.2fa.scan.qrAlt")} width="240" height="240" />
              <p>
                {t("profile.2fa.scan.manual")} <code class="adm-key">{s.key}</code>
              </p>
            </li>
            <li>{t("profile.2fa.scan.step3")}</li>
          </ol>
          <form class="adm-form" method="post" action="/profile/2fa/confirm" novalidate>
            <FormError id="confirm-form-error">{errorsOf("confirm").formError}</FormError>
            <CodeField id="confirm-code" label={t("profile.2fa.code")} error={errorsOf("confirm").errors.code} />
            <p>
              <button class="button button-primary" type="submit">
                {t("profile.2fa.confirm")}
              </button>
            </p>
          </form>
          <form method="post" action="/profile/2fa/setup">
            <button class="button button-quiet" type="submit">
              {t("profile.2fa.restart")}
            </button>
          </form>
        </section>
      ) : null}

      {s.kind === "on" ? (
        <>
          <section class="adm-section" aria-labelledby="on-title">
            <h2 id="on-title">{t("profile.2fa.on.title")}</h2>
            <p>{t("profile.2fa.summaryOn", { count: s.recoveryLeft })}</p>
            <h3>{t("profile.2fa.regenerate.title")}</h3>
            <p class="adm-muted">{t("profile.2fa.regenerate.lead")}</p>
            <form class="adm-form" method="post" action="/profile/2fa/recovery-codes" novalidate>
              <FormError id="regenerate-form-error">{errorsOf("regenerate").formError}</FormError>
              <CodeField
                id="regenerate-code"
                label={t("profile.2fa.code")}
                error={errorsOf("regenerate").errors.code}
              />
              <p>
                <button class="button button-quiet" type="submit">
                  {t("profile.2fa.regenerate.submit")}
                </button>
              </p>
            </form>
          </section>
          <section class="adm-section" aria-labelledby="off-title">
            <h2 id="off-title">{t("profile.2fa.disable.title")}</h2>
            {s.requiredBy.length > 0 ? (
              <p>{t("profile.2fa.disable.requiredBy", { names: s.requiredBy.join(", ") })}</p>
            ) : (
              <form class="adm-form" method="post" action="/profile/2fa/disable" novalidate>
                <FormError id="disable-form-error">{errorsOf("disable").formError}</FormError>
                <Field
                  id="disable-password"
                  name="password"
                  type="password"
                  label={t("profile.password.current")}
                  autocomplete="current-password"
                  required
                  error={errorsOf("disable").errors.password}
                />
                <CodeField id="disable-code" label={t("profile.2fa.code")} error={errorsOf("disable").errors.code} />
                <p>
                  <button class="button button-danger" type="submit">
                    {t("profile.2fa.disable.submit")}
                  </button>
                </p>
              </form>
            )}
          </section>
        </>
      ) : null}
    </FramedPage>
  );
}

function CodeField(props: { id: string; label: string; error?: string }) {
  return (
    <Field
      id={props.id}
      name="code"
      label={props.label}
      autocomplete="one-time-code"
      inputmode="numeric"
      required
      maxlength={7}
      error={props.error}
    />
  );
}
