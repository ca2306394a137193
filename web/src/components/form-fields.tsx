import type { Child } from "hono/jsx";

/** Field errors by field name, already localized. */
export type FieldErrors = Readonly<Record<string, string | undefined>>;

type FieldProps = {
  /** Unique on the page: the input's id and the prefix of its error's id. */
  id: string;
  name: string;
  label: string;
  value?: string;
  type?: "text" | "email" | "tel" | "password" | "date" | "number" | "url" | "datetime-local";
  autocomplete?: string;
  required?: boolean;
  hint?: string;
  error?: string | undefined;
  inputmode?: "numeric" | "decimal" | "text" | "email" | "tel";
  maxlength?: number;
  minlength?: number;
  pattern?: string;
  placeholder?: string;
  min?: string;
  max?: string;
  step?: string;
  disabled?: boolean;
  /** Focus on load (the first field of a page whose only job is this form). */
  autofocus?: boolean;
};

/** The ids a control's hint and error get, and what it is described by (aria-describedby). */
function describe(props: { id: string; hint?: string; error?: string | undefined }) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  const errorId = props.error ? `${props.id}-error` : undefined;
  return { hintId, errorId, describedBy: [hintId, errorId].filter(Boolean).join(" ") || undefined };
}

/** The label, hint and error around one control: one layout for every kind of field. */
function Labelled(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  hintId?: string;
  errorId?: string;
  children?: Child;
}) {
  return (
    <div class={props.error ? "adm-field has-error" : "adm-field"}>
      <label class="adm-label" for={props.id}>
        {props.label}
      </label>
      {props.hint ? (
        <p class="adm-hint" id={props.hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.children}
      <FieldError id={props.errorId} error={props.error} />
    </div>
  );
}

/** A labelled input whose hint and error are announced with it (aria-describedby). */
export function Field(props: FieldProps) {
  const d = describe(props);
  return (
    <Labelled id={props.id} label={props.label} hint={props.hint} error={props.error} {...d}>
      <input
        class="adm-input"
        id={props.id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.type === "password" ? undefined : props.value}
        autocomplete={props.autocomplete}
        required={props.required}
        inputmode={props.inputmode}
        maxlength={props.maxlength}
        minlength={props.minlength}
        pattern={props.pattern}
        placeholder={props.placeholder}
        min={props.min}
        max={props.max}
        step={props.step}
        disabled={props.disabled}
        autofocus={props.autofocus}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={d.describedBy}
      />
    </Labelled>
  );
}

/** A labelled multi-line text box (notes, an address, a reason). */
export function TextArea(props: {
  id: string;
  name: string;
  label: string;
  value?: string;
  hint?: string;
  error?: string | undefined;
  rows?: number;
  maxlength?: number;
  required?: boolean;
}) {
  const d = describe(props);
  return (
    <Labelled id={props.id} label={props.label} hint={props.hint} error={props.error} {...d}>
      <textarea
        class="adm-input"
        id={props.id}
        name={props.name}
        rows={props.rows ?? 3}
        maxlength={props.maxlength}
        required={props.required}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={d.describedBy}
      >
        {props.value ?? ""}
      </textarea>
    </Labelled>
  );
}

/** A labelled file input (an ID photo, a CSV). */
export function FileField(props: {
  id: string;
  name: string;
  label: string;
  accept: string;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
}) {
  const d = describe(props);
  return (
    <Labelled id={props.id} label={props.label} hint={props.hint} error={props.error} {...d}>
      <input
        class="adm-input"
        id={props.id}
        name={props.name}
        type="file"
        accept={props.accept}
        required={props.required}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={d.describedBy}
      />
    </Labelled>
  );
}

export function FieldError(props: { id: string | undefined; error: string | undefined }) {
  if (!props.error || !props.id) return null;
  return (
    <p class="adm-error" id={props.id}>
      {props.error}
    </p>
  );
}

/** A labelled select; options are `[value, label]`. */
export function Select(props: {
  id: string;
  name: string;
  label: string;
  options: readonly (readonly [string, string])[];
  value?: string;
  error?: string | undefined;
  disabled?: boolean;
  visuallyHiddenLabel?: boolean;
}) {
  const errorId = props.error ? `${props.id}-error` : undefined;
  return (
    <div class={props.error ? "adm-field has-error" : "adm-field"}>
      <label for={props.id} class={props.visuallyHiddenLabel ? "visually-hidden" : "adm-label"}>
        {props.label}
      </label>
      <select
        class="adm-input"
        id={props.id}
        name={props.name}
        disabled={props.disabled}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={errorId}
      >
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === props.value}>
            {label}
          </option>
        ))}
      </select>
      <FieldError id={errorId} error={props.error} />
    </div>
  );
}

/** A form-level error (not tied to one field) at the top of a form. */
export function FormError(props: { id: string; children?: Child }) {
  if (!props.children) return null;
  return (
    <p class="adm-error adm-form-error" id={props.id} role="alert">
      {props.children}
    </p>
  );
}

/** A labelled checkbox; the label follows the box, as people expect. */
export function Checkbox(props: {
  id: string;
  name: string;
  label: string;
  checked: boolean;
  hint?: string;
  disabled?: boolean;
}) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  return (
    <div class="adm-field adm-check">
      <input
        class="adm-checkbox"
        id={props.id}
        name={props.name}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={hintId}
      />
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="adm-hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}
