import type { Child } from "hono/jsx";
import type { AssetUrls } from "../../assets.ts";
import type { Locale, Translate } from "../../i18n/i18n.ts";
import { PublicLayout } from "../../layouts/public-layout.tsx";
import { AuthLinks } from "./auth-links.tsx";

/** What can be wrong with one field; each has a message `accounts.error.<code>`. */
export type FieldErrorCode =
  | "required"
  | "tooShort"
  | "tooLong"
  | "invalidEmail"
  | "invalidPhone"
  | "invalidSlug"
  | "passwordTooShort"
  | "passwordTooLong"
  | "slugTaken"
  | "emailTaken";

/** What can be wrong with a whole form. `minutes` goes with `rateLimited`. */
export type FormError =
  | { code: "summary" | "invalidCredentials" | "invalidCode" }
  | { code: "rateLimited"; minutes: number };

export type FormState<F extends string> = {
  values?: Partial<Record<F, string>>;
  errors?: Partial<Record<F, FieldErrorCode>>;
  formError?: FormError;
};

export function formErrorText(t: Translate, error: FormError): string {
  return error.code === "rateLimited"
    ? t("accounts.error.rateLimited", { minutes: error.minutes })
    : t(`accounts.error.${error.code}`);
}

/** The form's own alert, announced when the page loads with it. */
export function FormAlert(props: { t: Translate; error?: FormError }) {
  if (!props.error) return null;
  return (
    <div class="form-alert" role="alert" id="form-error">
      {formErrorText(props.t, props.error)}
    </div>
  );
}

export function Notice(props: { children: Child }) {
  return (
    <div class="notice" role="status">
      {props.children}
    </div>
  );
}

export type FieldProps = {
  t: Translate;
  name: string;
  label: string;
  type?: "text" | "email" | "tel" | "password";
  value?: string;
  error?: FieldErrorCode;
  hint?: string;
  autocomplete?: string;
  inputmode?: "numeric" | "text" | "email" | "tel";
  required?: boolean;
  maxlength?: number;
  minlength?: number;
  autofocus?: boolean;
};

/**
 * A labelled input with its hint and error tied to it by aria-describedby, so a screen reader
 * reads the problem with the field. Passwords are never echoed back into the page.
 */
export function Field(props: FieldProps) {
  const id = `field-${props.name}`;
  const hintId = props.hint ? `${id}-hint` : null;
  const errorId = props.error ? `${id}-error` : null;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div class={props.error ? "field has-error" : "field"}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <p class="field-hint" id={hintId ?? undefined}>
          {props.hint}
        </p>
      ) : null}
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.type === "password" ? undefined : props.value}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        required={props.required ?? true}
        maxlength={props.maxlength}
        minlength={props.minlength}
        autofocus={props.autofocus}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy}
      />
      {props.error ? (
        <p class="field-error" id={errorId ?? undefined}>
          {props.t(`accounts.error.${props.error}`)}
        </p>
      ) : null}
    </div>
  );
}

/** The frame of every signed-out account page: one narrow card with the page's heading. */
export function AuthPage(props: {
  locale: Locale;
  assets: AssetUrls;
  t: Translate;
  title: string;
  lead?: string;
  path: string;
  /** Header actions; the sign-in and sign-up links by default. */
  actions?: Child;
  /** False hides the sign-in and sign-up links (a half-signed-in page, the picker). */
  links?: boolean;
  children?: Child;
}) {
  return (
    <PublicLayout
      locale={props.locale}
      assets={props.assets}
      title={`${props.title} · ${props.t("app.name")}`}
      path={props.path}
      actions={props.actions ?? (props.links === false ? null : <AuthLinks locale={props.locale} />)}
    >
      <section class="container auth">
        <div class="auth-card">
          <h1>{props.title}</h1>
          {props.lead ? <p class="auth-lead">{props.lead}</p> : null}
          {props.children}
        </div>
      </section>
    </PublicLayout>
  );
}
