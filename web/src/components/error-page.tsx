import type { AssetUrls } from "../assets.ts";
import { type Locale, translator } from "../i18n/i18n.ts";
import { PublicLayout } from "../layouts/public-layout.tsx";
import { type ErrorDetails, errorCopy, RequestId } from "./error-fragment.tsx";

export type ErrorPageProps = {
  locale: Locale;
  assets: AssetUrls;
  error: ErrorDetails;
  /** Where the language switch returns to; the home page when the failed path is not a page. */
  path?: string;
  /** A stack trace, only ever passed outside production. */
  debug?: string;
};

/** A whole page for a failed normal (non-HTMX) browser request. */
export function ErrorPage(props: ErrorPageProps) {
  const t = translator(props.locale);
  const copy = errorCopy(t, props.error);
  return (
    <PublicLayout
      locale={props.locale}
      assets={props.assets}
      title={`${copy.title} · ${t("app.name")}`}
      path={props.path ?? "/"}
    >
      <section class="container error-page">
        <p class="error-status">{t("error.status", { status: props.error.status })}</p>
        <h1>{copy.title}</h1>
        <p class="lead">{copy.message}</p>
        <RequestId t={t} requestId={props.error.requestId} />
        <p>
          <a class="button button-primary" href="/">
            {t("error.home")}
          </a>
        </p>
        {props.debug ? (
          <details class="error-debug">
            <summary>Stack</summary>
            <pre>{props.debug}</pre>
          </details>
        ) : null}
      </section>
    </PublicLayout>
  );
}
