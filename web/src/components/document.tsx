import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { AssetUrls } from "../assets.ts";
import { type Locale, translator } from "../i18n/i18n.ts";

/**
 * htmx settings, read from a meta tag because the CSP forbids inline scripts. Error
 * responses (4xx/5xx) are swapped too: the server answers HTMX requests that fail with an
 * error fragment meant to be shown. See docs/adr/0002-htmx-2.md.
 */
export const htmxConfig = {
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  selfRequestsOnly: true,
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "[45]..", swap: true, error: true },
  ],
} as const;

const htmxConfigJson = JSON.stringify(htmxConfig);

// The brand mark as a data: URL (allowed by `img-src 'self' data:`) spares a favicon request.
const favicon = `data:image/svg+xml,${encodeURIComponent(
  "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><rect width='32' height='32' rx='8' fill='#0f766e'/>" +
    "<path d='M11 8v16M21 8l-7.5 8L21 24' fill='none' stroke='#fff' stroke-width='3.4' stroke-linecap='round' stroke-linejoin='round'/></svg>",
)}`;

export type DocumentProps = {
  locale: Locale;
  assets: AssetUrls;
  /** The full `<title>`. */
  title: string;
  description?: string;
  bodyClass?: string;
  children?: Child;
};

/** `<!doctype html>`, `<head>` and a body whose first focusable element is the skip link. */
export function Document(props: DocumentProps) {
  const t = translator(props.locale);
  return (
    <>
      {raw("<!doctype html>")}
      <html lang={props.locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title}</title>
          {props.description ? <meta name="description" content={props.description} /> : null}
          <meta name="color-scheme" content="light dark" />
          <meta name="htmx-config" content={htmxConfigJson} />
          <link rel="icon" href={favicon} />
          <link rel="stylesheet" href={props.assets.css} />
          <script src={props.assets.htmx} defer />
        </head>
        <body class={props.bodyClass}>
          <a class="skip-link" href="#main">
            {t("skip.toContent")}
          </a>
          {props.children}
        </body>
      </html>
    </>
  );
}
