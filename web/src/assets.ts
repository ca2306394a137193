/**
 * The static files the UI needs, as data. The server reads each once at start, names it by
 * the hash of its bytes and serves it with a long, immutable cache lifetime; the layouts
 * only ever see the resulting URLs (`AssetUrls`).
 */

/** Public URLs of the hashed assets, e.g. `{ css: "/assets/app.3f9a1c2b7d.css", … }`. */
export type AssetUrls = { css: string; htmx: string };

/** Pinned in web/package.json; a test checks that the served file says the same. */
export const htmxVersion = "2.0.11";

export type AssetSource = {
  /**
   * Paths relative to the web package (`./…`) or module specifiers resolved from it, served as
   * one file in this order: each area keeps its stylesheet, the browser loads one.
   */
  sources: readonly string[];
  /** The served file name before the hash: `<stem>.<hash>.<ext>`. */
  stem: string;
  ext: "css" | "js";
};

export const assetSources: { readonly [K in keyof AssetUrls]: AssetSource } = {
  css: {
    sources: [
      "./assets/app.css",
      "./assets/billing.css",
      "./assets/plans.css",
      "./assets/customers.css",
      "./assets/subscriptions.css",
      "./assets/invoices.css",
      "./assets/payments.css",
      "./assets/vouchers.css",
      "./assets/reports.css",
      "./assets/sites.css",
      "./assets/print.css",
    ],
    stem: "app",
    ext: "css",
  },
  // The version in the name is for people reading logs; the hash is what busts caches.
  htmx: { sources: ["htmx.org/dist/htmx.min.js"], stem: `htmx-${htmxVersion}`, ext: "js" },
};
