// The online sessions page and a subscription's network sections in Chromium on a 375 px phone:
// they fit without sideways scrolling, break no CSP rule (the chart is SVG with classes only),
// and a kick goes through htmx's confirmation to the agent and shows the router's answer in
// place of the button.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import type { Server } from "bun";
import type { Browser, Page } from "playwright-core";
import { sessionCookie } from "../../control-plane/src/accounts/accounts.testing.ts";
import { type TestIsp, testIsp } from "../../control-plane/src/billing/money-flow.testing.ts";
import {
  accounting,
  accountingRecord,
  connectedAgent,
  enforcementOutcome,
  ingest,
  outcome,
} from "../../control-plane/src/radius/radius.testing.ts";
import type { AssembledControlPlane } from "../../control-plane/src/runtime.ts";
import { assembleTestControlPlane } from "../support/app.ts";
import { chromiumHint, chromiumPath, launchBrowser, screenshotPath, watchForProblems } from "../support/browser.ts";
import { requirePeer } from "../support/peers.ts";
import { seedNas } from "../support/radius-cloud.ts";

const hasChromium = requirePeer("Chromium", chromiumPath() !== null, chromiumHint);
const t = translator("id");
const GiB = 2 ** 30;

describe.skipIf(!hasChromium)("RADIUS pages in Chromium", () => {
  let cp: AssembledControlPlane;
  let server: Server<undefined>;
  let browser: Browser;
  let base: string;
  let isp: TestIsp;
  let agent: Awaited<ReturnType<typeof connectedAgent>>;
  let subscriptionId: string;

  beforeAll(async () => {
    cp = await assembleTestControlPlane();
    server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (request, srv) => cp.app.fetch(request, srv) });
    base = `http://127.0.0.1:${server.port}`;
    browser = await launchBrowser();
    isp = await testIsp(cp);
    agent = await connectedAgent(cp, isp.actor, isp.siteId);
    const nasId = await seedNas(cp.database, cp, isp.actor.tenantId, isp.siteId, {
      secret: "s".repeat(24),
      name: "CCR1036 Menara Utama Desa Sukamaju",
    });
    ({ id: subscriptionId } = await isp.subscribe(await isp.addCustomer(), await isp.addPlan()));
    const now = Date.now();
    for (let i = 0; i < 3; i++) {
      const base = {
        nasId,
        sessionId: `e2e-${i}`,
        subscriptionId: i === 0 ? subscriptionId : null,
        userName: i === 1 ? "pelanggan.dengan.nama.pengguna.yang.panjang@desa-sukamaju.net.id" : `user${i}`,
        framedIp: `10.10.${i}.254`,
        callingStationId: `AA:BB:CC:DD:EE:0${i}`,
      };
      await ingest(cp, agent.ctx, [
        accountingRecord(
          accounting({ ...base, statusType: "Start", eventAt: new Date(now - 3 * 86_400_000).toISOString() }),
        ),
        accountingRecord(
          accounting({
            ...base,
            eventAt: new Date(now - 86_400_000).toISOString(),
            sessionTime: 2 * 86_400,
            outputOctets: (i + 1) * 37 * GiB,
            inputOctets: (i + 1) * 3 * GiB,
          }),
        ),
      ]);
    }
    await ingest(cp, agent.ctx, [
      enforcementOutcome(
        outcome({ subscriptionId, outcome: "timeout", attempts: 3, completedAt: new Date(now).toISOString() }),
      ),
    ]);
  });

  afterAll(async () => {
    await agent?.close();
    await browser?.close();
    await server?.stop(true);
    await cp?.close();
  });

  async function phone(path: string) {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 }, locale: "id-ID" });
    await context.addCookies([{ name: "kilusi_session", value: sessionCookie(isp.browser) as string, url: base }]);
    const page = await context.newPage();
    const problems = await watchForProblems(page);
    await page.goto(base + path);
    return { page, problems, close: () => context.close() };
  }
  const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

  test("the sessions list fits a phone; a kick asks first, then shows the router's answer", async () => {
    const { page, problems, close } = await phone("/sessions");
    expect(await page.locator("h1").textContent()).toBe(t("sessions.title"));
    expect(await page.locator("#sessions tbody tr").count()).toBe(3);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: screenshotPath("radius-sessions-375"), fullPage: true });

    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: t("sessions.kick.label", { user: "user0" }) }).click();
    await page.getByText(t("sessions.kick.waiting")).waitFor({ timeout: 5_000 });
    const sent = await agent.nextCommand();
    expect(sent.name).toBe("kick");
    await agent.answer(sent.cmdId, { outcome: "ack", errorCause: null, errorCauseName: null, attempts: 1 });
    await page.locator(".kick-status .badge-tone-ok").waitFor({ timeout: 10_000 });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    expect(problems).toEqual([]);
    await close();
  });

  test("a subscription's enforcement, history and usage chart fit a phone without breaking the CSP", async () => {
    const { page, problems, close } = await phone(`/subscriptions/${subscriptionId}`);
    const status = await page.locator("#sub-enforcement").textContent();
    expect(status).toContain(t("radius.enforce.badge.not_enforced"));
    expect(await page.locator("#sub-usage-chart rect.chart-bar").count()).toBe(2);
    expect(await page.locator("#sub-sessions tbody tr").count()).toBe(1);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: screenshotPath("radius-subscription-375"), fullPage: true });
    for (const section of ["enforcement", "history"]) {
      await page
        .locator(`section[aria-labelledby="sub-${section}-title"]`)
        .screenshot({ path: screenshotPath(`radius-subscription-${section}-375`) });
    }
    expect(problems).toEqual([]);
    await close();
  });
});
