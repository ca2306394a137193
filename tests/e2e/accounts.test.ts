import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import type { Server } from "bun";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { systemClock } from "../../control-plane/src/clock.ts";
import { createOperator } from "../../control-plane/src/platform/platform.usecases.ts";
import type { AssembledControlPlane } from "../../control-plane/src/runtime.ts";
import { assembleTestControlPlane } from "../support/app.ts";
import { chromiumHint, chromiumPath, launchBrowser, screenshotPath, watchForProblems } from "../support/browser.ts";
import { requirePeer } from "../support/peers.ts";

const hasChromium = requirePeer("Chromium", chromiumPath() !== null, chromiumHint);
const t = translator("id");
const cliMeta = { ip: null, requestId: "e2e", userAgent: null };

describe.skipIf(!hasChromium)("accounts in Chromium", () => {
  let cp: AssembledControlPlane;
  let server: Server<undefined>;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    cp = await assembleTestControlPlane();
    // The Bun server is passed on so the app sees the real client address, as in production.
    server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (request, srv) => cp.app.fetch(request, srv) });
    base = `http://127.0.0.1:${server.port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop(true);
    await cp?.close();
  });

  async function open(path: string, options: BrowserContextOptions = {}) {
    const context = await browser.newContext({ colorScheme: "light", locale: "id-ID", ...options });
    const page = await context.newPage();
    const problems = await watchForProblems(page);
    await page.goto(base + path);
    return { page, problems, close: () => context.close() };
  }

  const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
  const unique = () => Date.now().toString(36);

  test("sign up a new ISP, sign out, sign in, invite a technician who joins and sees only their menu", async () => {
    const { page, problems, close } = await open("/", { viewport: { width: 1280, height: 900 } });
    const id = unique();
    const isp = `Net Desa ${id}`;
    const email = `owner-${id}@example.test`;
    const password = "kuda benar baterai staples";

    await Promise.all([page.waitForURL(`${base}/signup`), page.getByRole("link", { name: "Daftar" }).click()]);
    await page.getByLabel(t("accounts.field.ispName")).fill(isp);
    await page.getByLabel(t("accounts.field.slug")).fill(`net-desa-${id}`);
    await page.getByLabel(t("accounts.field.ownerName")).fill("Budi Santoso");
    await page.getByLabel(t("accounts.field.email")).fill(email);
    await page.getByLabel(t("accounts.field.phone")).fill("0812 3456 7890");
    await page.getByLabel(t("accounts.field.password")).fill(password);
    await Promise.all([
      page.waitForURL(`${base}/app`),
      page.getByRole("button", { name: t("accounts.signup.submit") }).click(),
    ]);

    expect(await page.locator("h1").textContent()).toBe(t("dashboard.title"));
    expect(await page.locator(".tenant-name").textContent()).toBe(isp);
    expect(await page.locator(".home-intro").textContent()).toContain("Budi Santoso");
    await page.screenshot({ path: screenshotPath("accounts-home-desktop") });

    await page.locator(".account-menu summary").click();
    await Promise.all([
      page.waitForURL(`${base}/login`),
      page.getByRole("button", { name: t("accounts.menu.logout") }).click(),
    ]);
    // Signed out for real: the home sends us back to sign in.
    await page.goto(`${base}/app`);
    expect(new URL(page.url()).pathname).toBe("/login");

    await page.getByLabel(t("accounts.field.email")).fill(email);
    await page.getByLabel(t("accounts.field.password")).fill(password);
    await Promise.all([
      page.waitForURL(`${base}/app`),
      page.getByRole("button", { name: t("accounts.login.submit") }).click(),
    ]);
    expect(await page.locator(".tenant-name").textContent()).toBe(isp);
    const menuOf = (p: Page) => p.locator(".app-sidebar a").allTextContents();
    expect(await menuOf(page)).toContain(t("nav.settings"));

    // The owner invites a technician from the team page.
    const techEmail = `teknisi-${id}@example.test`;
    await page
      .getByRole("link", { name: t("nav.team"), exact: true })
      .first()
      .click();
    await page.getByLabel(t("team.invite.email"), { exact: true }).fill(techEmail);
    await page.getByLabel(t("team.invite.role"), { exact: true }).selectOption("technician");
    await Promise.all([
      page.waitForURL(/\/team\?done=invited$/),
      page.getByRole("button", { name: t("team.invite.submit") }).click(),
    ]);
    expect(await page.locator("main").textContent()).toContain(techEmail);

    // The message goes out through the outbox; in development its log is a page.
    await page.goto(`${base}/dev/notifications`);
    const link = await page
      .locator(`tr[data-template="invitation"]:has(td:text-is("${techEmail}")) a[href*="/invitations/"]`)
      .getAttribute("href");
    expect(link).toStartWith(`${base}/invitations/`);
    expect(problems).toEqual([]);
    await close();

    // The technician opens the link in their own browser and creates their account.
    const tech = await open(new URL(link as string).pathname, { viewport: { width: 1280, height: 900 } });
    expect(await tech.page.locator("h1").textContent()).toBe(t("invitation.title", { isp }));
    await tech.page.getByLabel(t("invitation.create.name")).fill("Agus Teknisi");
    await tech.page.getByLabel(t("invitation.create.password")).fill("teknisi kuat sekali 2026");
    await Promise.all([
      tech.page.waitForURL(`${base}/app`),
      tech.page.getByRole("button", { name: t("invitation.create.submit", { isp }) }).click(),
    ]);
    expect(await tech.page.locator(".tenant-name").textContent()).toBe(isp);
    expect(await menuOf(tech.page)).toEqual([
      t("nav.dashboard"),
      t("nav.customers"),
      t("nav.network"),
      t("nav.sessions"),
      t("nav.tickets"),
    ]);
    // An admin page is not there for a technician: 404, the same as a page that does not exist.
    const settings = await tech.page.goto(`${base}/settings`);
    expect(settings?.status()).toBe(404);
    expect(await tech.page.locator("h1").textContent()).toBe(t("error.not_found.title"));
    await tech.page.screenshot({ path: screenshotPath("accounts-technician-404") });
    expect(tech.problems.filter((p) => !p.includes("HTTP 404") && !p.includes("404 (Not Found)"))).toEqual([]);
    await tech.close();
  });

  test("on a 375 px phone the sign-up form fits, shows its errors by the fields, and keeps what was typed", async () => {
    const { page, problems, close } = await open("/signup", { viewport: { width: 375, height: 800 } });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.getByLabel(t("accounts.field.ispName")).fill("Net Kampung");
    await page.getByLabel(t("accounts.field.slug")).fill("Bukan Alamat!");
    await page.getByRole("button", { name: t("accounts.signup.submit") }).click();
    await page.waitForSelector(".form-alert");

    const slug = page.getByLabel(t("accounts.field.slug"));
    expect(await slug.getAttribute("aria-invalid")).toBe("true");
    expect(await slug.inputValue()).toBe("Bukan Alamat!");
    expect(await page.getByLabel(t("accounts.field.ispName")).inputValue()).toBe("Net Kampung");
    expect(await page.locator("#field-slug-error").textContent()).toBe(t("accounts.error.invalidSlug"));
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: screenshotPath("accounts-signup-375-errors"), fullPage: true });
    // The 400 of the re-rendered form is expected; nothing else may complain.
    expect(problems.filter((p) => !p.includes("400"))).toEqual([]);
    await close();
  });

  test("every signed-in page and the account menu fit a 375 px phone", async () => {
    const id = unique();
    const { page, problems, close } = await open("/signup", { viewport: { width: 375, height: 800 } });
    await page.getByLabel(t("accounts.field.ispName")).fill(`Wifi RT ${id} dengan nama yang cukup panjang sekali`);
    await page.getByLabel(t("accounts.field.slug")).fill(`wifi-rt-${id}`);
    await page.getByLabel(t("accounts.field.ownerName")).fill("Siti Rahayu Kusumawardani");
    await page.getByLabel(t("accounts.field.email")).fill(`siti-${id}@example.test`);
    await page.getByLabel(t("accounts.field.phone")).fill("+62 812 3456 7890");
    await page.getByLabel(t("accounts.field.password")).fill("kata sandi panjang sekali");
    await Promise.all([
      page.waitForURL(`${base}/app`),
      page.getByRole("button", { name: t("accounts.signup.submit") }).click(),
    ]);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.locator(".account-menu summary").click();
    const menu = page.locator(".account-menu-panel");
    expect(await menu.getByRole("link", { name: t("accounts.menu.profile"), exact: true }).isVisible()).toBe(true);
    expect(await menu.getByRole("button", { name: t("accounts.menu.logout") }).isVisible()).toBe(true);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: screenshotPath("accounts-home-375-menu") });
    const wide: string[] = [];
    for (const path of ["/team", "/profile", "/profile/2fa", "/settings", "/audit", "/tenants"]) {
      await page.goto(base + path);
      const width = await scrollWidth(page);
      if (width > 375) wide.push(`${path}: ${width}px`);
      await page.screenshot({ path: screenshotPath(`accounts-375${path}`), fullPage: true });
    }
    expect(wide).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  test("the platform operator's tenants page fits a 375 px phone", async () => {
    const email = `ops-${unique()}@example.test`;
    const password = "operator password long enough";
    await createOperator(
      { database: cp.database, clock: systemClock },
      { email, name: "Operator Platform Kilusi", password },
      cliMeta,
    );
    const { page, problems, close } = await open("/login", { viewport: { width: 375, height: 800 } });
    await page.getByLabel(t("accounts.field.email")).fill(email);
    await page.getByLabel(t("accounts.field.password")).fill(password);
    await Promise.all([
      page.waitForURL(`${base}/tenants`),
      page.getByRole("button", { name: t("accounts.login.submit") }).click(),
    ]);
    await page.goto(`${base}/platform`);
    expect(await page.locator("h1").textContent()).toBe(t("platform.tenants.title"));
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: screenshotPath("platform-375"), fullPage: true });
    expect(problems).toEqual([]);
    await close();
  });
});
