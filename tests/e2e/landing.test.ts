import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ErrorFragment } from "@kilusi/web/components/error-fragment.tsx";
import { ErrorPage } from "@kilusi/web/components/error-page.tsx";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { AppShell, appNavItems } from "@kilusi/web/layouts/app-shell.tsx";
import type { Server } from "bun";
import { html } from "hono/html";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { loadAssets } from "../../control-plane/src/http/assets.ts";
import { localeOf } from "../../control-plane/src/http/locale.ts";
import { assembleTestControlPlane } from "../support/app.ts";
import { chromiumHint, chromiumPath, launchBrowser, screenshotPath, watchForProblems } from "../support/browser.ts";
import { requirePeer } from "../support/peers.ts";

const hasChromium = requirePeer("Chromium", chromiumPath() !== null, chromiumHint);

/** The real app on its embedded defaults, plus test-only pages: the signed-in shell and an error page. */
async function createTestApp() {
  const cp = await assembleTestControlPlane();
  const assets = await loadAssets();
  const app = cp.app;
  app.get("/__test/shell", (c) => {
    const locale = localeOf(c);
    return c.html(
      AppShell({
        locale,
        assets: assets.urls,
        title: translator(locale)("nav.customers"),
        path: "/customers",
        nav: appNavItems(locale, "/customers"),
        tenantName: "Net Desa Sukamaju",
        children: ErrorSwapProbe(),
      }),
    );
  });
  // Stands in for the app's error handler answering an HTMX request that failed.
  app.get("/__test/fail", (c) =>
    c.html(
      ErrorFragment({ locale: localeOf(c), error: { status: 500, code: "internal_error", requestId: "req-e2e-1" } }),
      500,
    ),
  );
  app.get("/__test/error", (c) =>
    c.html(
      ErrorPage({
        locale: localeOf(c),
        assets: assets.urls,
        error: { status: 404, code: "not_found", requestId: "0c3f1b9e-5d2a-4c1e-9a7b-2f6d8e4a1c3b" },
      }),
      404,
    ),
  );
  return { app, close: () => cp.close() };
}

const ErrorSwapProbe = () =>
  html`<p><button type="button" class="button button-quiet" hx-get="/__test/fail" hx-target="#alerts">Probe</button></p>`;

describe.skipIf(!hasChromium)("landing page in Chromium", () => {
  let server: Server<undefined>;
  let browser: Browser;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const { app, close: closeApp } = await createTestApp();
    close = closeApp;
    server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
    base = `http://127.0.0.1:${server.port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop(true);
    await close?.();
  });

  async function open(path: string, options: BrowserContextOptions = {}) {
    // An Indonesian phone, the typical visitor, unless a test says otherwise.
    const context = await browser.newContext({ colorScheme: "light", locale: "id-ID", ...options });
    const page = await context.newPage();
    const problems = await watchForProblems(page);
    await page.goto(base + path);
    return { page, problems, close: () => context.close() };
  }

  const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

  test("loads in Indonesian with the stylesheet and htmx, and nothing complains", async () => {
    const { page, problems, close } = await open("/", { viewport: { width: 1280, height: 800 } });
    expect(await page.locator("h1").textContent()).toBe(translator("id")("landing.hero.title"));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("id");

    await page.waitForFunction(() => "htmx" in window);
    const htmx = await page.evaluate(() => {
      const { version, config } = (window as unknown as { htmx: { version: string; config: Record<string, unknown> } })
        .htmx;
      return { version, allowEval: config.allowEval, responseHandling: config.responseHandling };
    });
    expect(htmx.version).toBe("2.0.11");
    expect(htmx.allowEval).toBe(false);
    expect(htmx.responseHandling).toContainEqual({ code: "[45]..", swap: true, error: true });

    // #0f766e from app.css: the stylesheet loaded and applied.
    const primary = await page.locator(".button-primary").evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(primary).toBe("rgb(15, 118, 110)");

    await page.screenshot({ path: screenshotPath("landing-desktop"), fullPage: true });
    expect(problems).toEqual([]);
    await close();
  });

  test("Tab reaches the skip link first, and it leads to the content", async () => {
    const { page, problems, close } = await open("/");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => ({
      className: document.activeElement?.className,
      top: document.activeElement?.getBoundingClientRect().top ?? -1,
    }));
    expect(focused.className).toBe("skip-link");
    expect(focused.top).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: screenshotPath("landing-skip-link") });
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.id === "main");
    expect(problems).toEqual([]);
    await close();
  });

  test("the language switch turns the page into English and it stays so", async () => {
    const { page, problems, close } = await open("/");
    await Promise.all([page.waitForURL(`${base}/`), page.locator('button[name="lang"][value="en"]').click()]);
    await page.waitForFunction(() => document.documentElement.lang === "en");
    expect(await page.locator("h1").textContent()).toBe(translator("en")("landing.hero.title"));
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    expect(problems).toEqual([]);
    await close();
  });

  test("fits a 375 px phone without horizontal scrolling", async () => {
    const { page, problems, close } = await open("/", { viewport: { width: 375, height: 800 } });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: screenshotPath("landing-375"), fullPage: true });
    expect(problems).toEqual([]);
    await close();
  });

  test("reads well in the dark colour scheme", async () => {
    const { page, problems, close } = await open("/", {
      viewport: { width: 1280, height: 800 },
      colorScheme: "dark",
      locale: "en-US",
    });
    await page.screenshot({ path: screenshotPath("landing-dark") });
    expect(problems).toEqual([]);
    await close();
  });

  test("the app shell's menu opens on a phone with JavaScript off", async () => {
    const { page, problems, close } = await open("/__test/shell", {
      viewport: { width: 375, height: 800 },
      javaScriptEnabled: false,
    });
    expect(await page.locator(".app-sidebar").isVisible()).toBe(false);
    const customers = page.locator('.nav-menu-panel a[aria-current="page"]');
    expect(await customers.isVisible()).toBe(false);
    await page.locator(".nav-menu summary").click();
    expect(await customers.isVisible()).toBe(true);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: screenshotPath("shell-375-menu") });
    expect(problems).toEqual([]);
    await close();
  });

  test("the app shell shows a sidebar on a wide screen", async () => {
    const { page, problems, close } = await open("/__test/shell", { viewport: { width: 1280, height: 720 } });
    expect(await page.locator(".app-sidebar").isVisible()).toBe(true);
    expect(await page.locator(".nav-menu").isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.screenshot({ path: screenshotPath("shell-desktop") });
    await close();
  });

  test("htmx swaps a 500 error fragment into the page (ADR 0002)", async () => {
    const { page, problems, close } = await open("/__test/shell", { viewport: { width: 1280, height: 720 } });
    await page.waitForFunction(() => "htmx" in window);
    await page.locator("button", { hasText: "Probe" }).click();
    const fragment = page.locator("#alerts .error-fragment");
    await fragment.waitFor();
    expect(await fragment.textContent()).toContain("req-e2e-1");
    await page.screenshot({ path: screenshotPath("shell-error-fragment") });
    // The browser and htmx both log the 500; nothing else may show up.
    const expected = ["/__test/fail", "htmx:responseError", "status of 500"];
    const unexpected = problems.filter((p) => !expected.some((e) => p.includes(e)));
    expect(unexpected).toEqual([]);
    await close();
  });

  test("the error page shows the request id and fits a phone", async () => {
    const { page, close } = await open("/__test/error", { viewport: { width: 375, height: 800 } });
    expect(await page.locator("h1").textContent()).toBe(translator("id")("error.not_found.title"));
    expect(await page.locator(".request-id code").textContent()).toBe("0c3f1b9e-5d2a-4c1e-9a7b-2f6d8e4a1c3b");
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: screenshotPath("error-375") });
    await close();
  });
});
