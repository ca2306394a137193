import { beforeAll, describe, expect, test } from "bun:test";
import { ErrorFragment } from "@kilusi/web/components/error-fragment.tsx";
import { ErrorPage } from "@kilusi/web/components/error-page.tsx";
import { en } from "@kilusi/web/i18n/en.ts";
import { type MessageKey, pickLocale, translator } from "@kilusi/web/i18n/i18n.ts";
import { id } from "@kilusi/web/i18n/id.ts";
import { AppShell, appNavItems } from "@kilusi/web/layouts/app-shell.tsx";
import { Hono } from "hono";
import { loadAssets } from "../http/assets.ts";
import { AppError } from "../http/errors.ts";
import { pagesRoutes } from "./pages.routes.tsx";

let app: Hono;
let urls: { css: string; htmx: string };

beforeAll(async () => {
  const assets = await loadAssets();
  urls = assets.urls;
  app = new Hono();
  app.route("/", assets.routes);
  app.route("/", pagesRoutes({ assets: assets.urls }));
  // Stands in for the app's error handler: typed errors become their status.
  app.onError((error, c) => (error instanceof AppError ? c.text(error.code, error.status) : c.text("boom", 500)));
});

const h1Of = (html: string) => [...html.matchAll(/<h1[^>]*>([\s\S]*?)<\/h1>/g)].map((m) => m[1]);
const langOf = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];
// Components are plain functions; their result stringifies (possibly via a promise) to HTML.
const render = async (node: unknown) => String(await node);

async function landing(headers: Record<string, string> = {}) {
  const res = await app.request("/", { headers });
  expect(res.status).toBe(200);
  return { res, html: await res.text() };
}

describe("GET /", () => {
  test("renders in Indonesian by default", async () => {
    const { res, html } = await landing();
    expect(langOf(html)).toBe("id");
    expect(h1Of(html)).toEqual([translator("id")("landing.hero.title")]);
    expect(res.headers.get("content-language")).toBe("id");
    expect(res.headers.get("vary")).toContain("Accept-Language");
    expect(res.headers.get("vary")).toContain("Cookie");
  });

  test("follows Accept-Language when there is no cookie", async () => {
    const { html } = await landing({ "accept-language": "en-US,en;q=0.9,id;q=0.5" });
    expect(langOf(html)).toBe("en");
    expect(h1Of(html)).toEqual([translator("en")("landing.hero.title")]);
  });

  test("the lang cookie wins over Accept-Language", async () => {
    const en = await landing({ cookie: "lang=en", "accept-language": "id-ID,id" });
    expect(langOf(en.html)).toBe("en");
    const id = await landing({ cookie: "lang=id", "accept-language": "en" });
    expect(langOf(id.html)).toBe("id");
  });

  test("an unknown cookie value is ignored", async () => {
    const { html } = await landing({ cookie: "lang=xx", "accept-language": "en" });
    expect(langOf(html)).toBe("en");
  });

  test("links only the hashed assets", async () => {
    const { html } = await landing();
    expect(html).toContain(`<link rel="stylesheet" href="${urls.css}"/>`);
    expect(html).toContain(`<script src="${urls.htmx}" defer=""></script>`);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  test("says what Kilusi does, in both languages", async () => {
    for (const locale of ["id", "en"] as const) {
      const t = translator(locale);
      const { html } = await landing({ cookie: `lang=${locale}` });
      for (const key of ["billing", "isolation", "agent", "vouchers", "whatsapp", "tenancy"] as const) {
        expect(html).toContain(t(`landing.feature.${key}.title`));
      }
    }
  });

  test("is keyboard- and screen-reader-friendly: skip link first, landmarks, one h1", async () => {
    const { html } = await landing();
    const body = html.slice(html.indexOf("<body"));
    expect(body).toMatch(/^<body[^>]*><a class="skip-link" href="#main">/);
    expect(html).toContain('<main id="main" tabindex="-1">');
    for (const tag of ["header", "nav", "main", "footer"]) expect(html).toContain(`<${tag} `);
    expect(h1Of(html)).toHaveLength(1);
  });

  test("obeys the strict CSP: no inline script, handler or style", async () => {
    const { html } = await landing();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toContain("src=");
      expect(body).toBe("");
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  test("configures htmx to swap error fragments and to stay eval-free", async () => {
    const { html } = await landing();
    const raw = /<meta name="htmx-config" content="([^"]*)"/.exec(html)?.[1] ?? "";
    const config = JSON.parse(raw.replaceAll("&quot;", '"'));
    expect(config).toMatchObject({
      allowEval: false,
      allowScriptTags: false,
      includeIndicatorStyles: false,
      selfRequestsOnly: true,
    });
    expect(config.responseHandling).toContainEqual({ code: "[45]..", swap: true, error: true });
  });
});

async function postLang(fields: Record<string, string>) {
  return app.request("/lang", { method: "POST", body: new URLSearchParams(fields) });
}

describe("POST /lang", () => {
  test("sets the lang cookie and redirects back with 303", async () => {
    const res = await postLang({ lang: "en", next: "/plans?page=2#top" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/plans?page=2#top");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toStartWith("lang=en;");
    expect(cookie).toContain("Path=/");
    expect(cookie).toContain("Max-Age=31536000");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
  });

  test("the cookie it sets switches the next page's language", async () => {
    const res = await postLang({ lang: "en", next: "/" });
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const { html } = await landing({ cookie, "accept-language": "id" });
    expect(langOf(html)).toBe("en");
  });

  test.each([
    ["//evil.example"],
    ["https://evil.example"],
    ["http://evil.example/"],
    ["/\\evil.example"],
    ["\\\\evil.example"],
    ["/\t/evil.example"],
    ["/\n/evil.example"],
    [" /evil"],
    ["javascript:alert(1)"],
    ["evil.example"],
    [""],
  ])("sends an off-site or odd next %j home", async (next) => {
    const res = await postLang({ lang: "id", next });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
  });

  test("a missing next goes home", async () => {
    const res = await postLang({ lang: "id" });
    expect(res.headers.get("location")).toBe("/");
  });

  test("rejects an unknown language without setting a cookie", async () => {
    const res = await postLang({ lang: "fr", next: "/" });
    expect(res.status).toBe(400);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});

describe("i18n", () => {
  test.each([
    [undefined, undefined, "id"],
    ["en", "id-ID", "en"],
    ["id", "en-US", "id"],
    ["xx", "en-GB,en;q=0.9", "en"],
    [undefined, "fr-FR, en;q=0.5", "en"],
    [undefined, "en;q=0.5, id;q=0.8", "id"],
    [undefined, "in-ID", "id"],
    [undefined, "en;q=0", "id"],
    [undefined, "*", "id"],
    [undefined, "en;q=abc", "id"],
  ] as const)("pickLocale(%j, %j) is %j", (cookie, acceptLanguage, expected) => {
    expect(pickLocale(cookie, acceptLanguage)).toBe(expected);
  });

  test("every English message has the same placeholders as the Indonesian one", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(en).sort()).toEqual(Object.keys(id).sort());
    for (const key of Object.keys(id) as MessageKey[]) {
      expect(en[key].trim()).not.toBe("");
      expect({ key, placeholders: placeholders(en[key]) }).toEqual({ key, placeholders: placeholders(id[key]) });
    }
  });

  test("translator fills parameters", () => {
    expect(translator("en")("error.status", { status: 404 })).toBe("Status 404");
    expect(translator("id")("error.status", { status: 404 })).toBe("Kode 404");
  });
});

describe("error views", () => {
  const error = { status: 404, code: "not_found", requestId: "req-12345678" };

  test("the fragment is a localized alert carrying the request id", async () => {
    const html = await render(ErrorFragment({ locale: "en", error }));
    expect(html).toContain('role="alert"');
    expect(html).toContain(translator("en")("error.not_found.title"));
    expect(html).toContain("<code>req-12345678</code>");
    expect(html).not.toContain("<html");
  });

  test("the page is a whole localized document with one h1", async () => {
    const html = await render(ErrorPage({ locale: "id", assets: urls, error, path: "/nope" }));
    expect(html).toStartWith("<!doctype html>");
    expect(langOf(html)).toBe("id");
    expect(h1Of(html)).toEqual([translator("id")("error.not_found.title")]);
    expect(html).toContain("<code>req-12345678</code>");
    expect(html).toContain('name="next" value="/nope"');
  });

  test("an unknown 5xx code reads as our fault, an unknown 4xx as generic", async () => {
    const t = translator("en");
    const crash = await render(
      ErrorFragment({ locale: "en", error: { status: 503, code: "db_down", requestId: "r" } }),
    );
    expect(crash).toContain(t("error.internal_error.title"));
    const odd = await render(ErrorFragment({ locale: "en", error: { status: 418, code: "teapot", requestId: "r" } }));
    expect(odd).toContain(t("error.generic.title"));
  });
});

describe("AppShell", () => {
  test("renders the nav it is given, marks the current area, and works without JS", async () => {
    const nav = appNavItems("en", "/customers/42");
    expect(nav.map((item) => item.label)).toEqual([
      "Dashboard",
      "Customers",
      "Plans",
      "Invoices",
      "Payments",
      "Vouchers",
      "Reports",
      "Network & sites",
      "Online sessions",
      "Tickets",
      "Team",
      "Audit log",
      "Settings",
    ]);
    const html = await render(
      AppShell({ locale: "en", assets: urls, title: "Customers", path: "/customers/42", nav, tenantName: "Net Desa" }),
    );
    expect(h1Of(html)).toEqual(["Customers"]);
    expect(html).toContain('<details class="nav-menu">');
    expect(html.match(/<a href="\/customers" aria-current="page">/g)).toHaveLength(2);
    expect(html).not.toMatch(/\sstyle\s*=|\son[a-z]+\s*=/i);
  });
});
