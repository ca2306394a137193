import { type Locale, type Translate, translator } from "../i18n/i18n.ts";

/** Error codes with their own localized title and text (the codes of the server's error handler). */
export const localizedErrorCodes = [
  "bad_request",
  "validation_failed",
  "unauthenticated",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "unprocessable",
  "rate_limited",
  "internal_error",
] as const;
export type LocalizedErrorCode = (typeof localizedErrorCodes)[number];

export type ErrorDetails = {
  status: number;
  /** Stable machine-readable code, e.g. `not_found`. */
  code: string;
  /** Shown so the user can quote it to support. */
  requestId: string;
  /** Already-localized overrides; by default the text comes from the code, then the status. */
  title?: string;
  message?: string;
};

function isLocalized(code: string): code is LocalizedErrorCode {
  return (localizedErrorCodes as readonly string[]).includes(code);
}

/** The title and text a user sees for an error, in their language. */
export function errorCopy(t: Translate, error: ErrorDetails): { title: string; message: string } {
  const known = isLocalized(error.code) ? error.code : error.status >= 500 ? "internal_error" : null;
  return {
    title: error.title ?? (known ? t(`error.${known}.title`) : t("error.generic.title")),
    message: error.message ?? (known ? t(`error.${known}.text`) : t("error.generic.text")),
  };
}

/** The request id, selectable, with a hint that support will ask for it. */
export function RequestId(props: { t: Translate; requestId: string }) {
  if (!props.requestId) return null;
  return (
    <p class="request-id">
      {props.t("error.requestId")}: <code>{props.requestId}</code>
      <span class="request-id-hint"> {props.t("error.quote")}</span>
    </p>
  );
}

/**
 * What an HTMX request gets back when it fails. htmx swaps 4xx/5xx answers (see the
 * htmx-config meta tag), so this lands where the requested content would have gone, or
 * in `#alerts` when the server retargets it there.
 */
export function ErrorFragment(props: { locale: Locale; error: ErrorDetails }) {
  const t = translator(props.locale);
  const copy = errorCopy(t, props.error);
  return (
    <div class="error-fragment" role="alert" data-code={props.error.code} data-status={String(props.error.status)}>
      <p class="error-fragment-title">{copy.title}</p>
      <p>{copy.message}</p>
      <RequestId t={t} requestId={props.error.requestId} />
    </div>
  );
}
