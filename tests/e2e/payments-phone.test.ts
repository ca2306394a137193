import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import type { Server } from "bun";
import { sessionCookie } from "../../control-plane/src/accounts/accounts.testing.ts";
import { systemClock } from "../../control-plane/src/clock.ts";
import { type IspWithDebtors, ispWithDebtors, paymentsOf } from "../../control-plane/src/payments/payments.testing.ts";
import type { AssembledControlPlane } from "../../control-plane/src/runtime.ts";
import { assembleTestControlPlane } from "../support/app.ts";
import { chromiumHint, chromiumPath, launchBrowser, screenshotPath, watchForProblems } from "../support/browser.ts";
import { requirePeer } from "../support/peers.ts";

// A collector's round on a 375 px phone in Chromium: search as you type, the form, the receipt,
// the day — nothing wider than the screen, no CSP complaint — and the receipt printed on 58 mm paper.

// playwright-core is the tests' dependency, not the control plane's: its types come through the helper.
type Browser = Awaited<ReturnType<typeof launchBrowser>>;
type Page = Awaited<ReturnType<Browser["newPage"]>>;

const hasChromium = requirePeer("Chromium", chromiumPath() !== null, chromiumHint);
const t = translator("id");
const MM_IN_PT = 72 / 25.4;

describe.skipIf(!hasChromium)("the payments pages on a phone", () => {
  let cp: AssembledControlPlane;
  let server: Server<undefined>;
  let browser: Browser;
  let base: string;
  let isp: IspWithDebtors;

  beforeAll(async () => {
    cp = await assembleTestControlPlane();
    server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (request, srv) => cp.app.fetch(request, srv) });
    base = `http://127.0.0.1:${server.port}`;
    browser = await launchBrowser();
    isp = await ispWithDebtors(cp, systemClock);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop(true);
    await cp?.close();
  });

  /** A phone signed in as the ISP's owner (the session of the in-process sign-up). */
  async function phone() {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: "id-ID" });
    await context.addCookies([{ name: "kilusi_session", value: sessionCookie(isp.browser) ?? "", url: base }]);
    const page = await context.newPage();
    const problems = await watchForProblems(page);
    return { page, problems, close: () => context.close() };
  }
  const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

  test("search, pay, receipt and the day fit 375 px; the receipt prints on 58 mm paper", async () => {
    const name = "Ni Luh Putu Ayu Sekar Kusumawardhani Pratiwi";
    const debtor = await isp.addDebtor(name, "+6281234509876", "niluh-putu-ayu-sekar-kusumawardhani");
    const { page, problems, close } = await phone();

    await page.goto(`${base}/payments`);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.getByLabel(t("payments.search.label")).fill("0812 3450");
    const hit = page.getByRole("link", { name: t("payments.search.pay", { name }) });
    await hit.waitFor(); // htmx brought the results without a page load
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: screenshotPath("payments-search-375") });
    await Promise.all([page.waitForURL(/\/payments\/new\?customer=/), hit.click()]);

    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    const amount = page.getByLabel(t("payments.form.amount"));
    expect(await amount.inputValue()).not.toBe("");
    await amount.fill("Rp 50.000,-");
    await page.getByLabel(t("payments.method.bank_transfer")).check();
    await page.getByLabel(t("payments.form.reference")).fill("TRF-BCA-20260315-0000123456789-ABCDEFGHIJ");
    const submit = page.getByRole("button", { name: t("payments.form.submit") });
    const box = await submit.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(44); // a thumb-sized target
    await page.screenshot({ path: screenshotPath("payments-new-375"), fullPage: true });
    await Promise.all([page.waitForURL(/\/receipt\?done=recorded/), submit.click()]);

    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    expect(await page.locator(".receipt").textContent()).toContain("TRF-BCA-20260315");
    await page.screenshot({ path: screenshotPath("payments-receipt-375"), fullPage: true });
    const [payment] = await paymentsOf(cp, isp.actor.tenantId, debtor.customerId);
    expect(payment).toMatchObject({ amount: 50_000, method: "bank_transfer" });

    // On paper: only the receipt, 48 mm of print on a 58 mm page.
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".receipt-screen").first().isVisible()).toBe(false);
    const width = await page.locator(".receipt").evaluate((el: Element) => el.getBoundingClientRect().width);
    expect(Math.abs(width - (48 * 96) / 25.4)).toBeLessThan(1);
    const pdf = Buffer.from(await page.pdf({ preferCSSPageSize: true })).toString("latin1");
    const [, w] = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf) ?? [];
    expect(Math.abs(Number(w) - 58 * MM_IN_PT)).toBeLessThan(1);
    await page.emulateMedia({ media: "screen" });

    await page.goto(`${base}/payments/day`);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    expect(await page.locator("#day-methods").textContent()).toContain(t("payments.method.bank_transfer"));
    await page.screenshot({ path: screenshotPath("payments-day-375"), fullPage: true });
    // Leaving the search box fires its `change` search, which the click's navigation may abort: harmless.
    expect(problems.filter((p) => !p.startsWith(`request failed: ${base}/payments?q=`))).toEqual([]);
    await close();
  });
});
