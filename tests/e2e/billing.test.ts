import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatMoney } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import type { Server } from "bun";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { manualClock, sessionCookie } from "../../control-plane/src/accounts/accounts.testing.ts";
import { testIsp, testMeta } from "../../control-plane/src/billing/money-flow.testing.ts";
import { firstInvoiceProration } from "../../control-plane/src/billing/proration.models.ts";
import { invoices } from "../../control-plane/src/invoices/invoices.tables.ts";
import { recordPayment } from "../../control-plane/src/payments/payments.usecases.ts";
import { plans } from "../../control-plane/src/plans/plans.tables.ts";
import type { AssembledControlPlane } from "../../control-plane/src/runtime.ts";
import { addMonths, localDateOf, zonedInstant } from "../../control-plane/src/time/zoned.ts";
import { assembleTestControlPlane } from "../support/app.ts";
import { chromiumHint, chromiumPath, launchBrowser, screenshotPath, watchForProblems } from "../support/browser.ts";
import { requirePeer } from "../support/peers.ts";

// Issue 4's browser acceptance: an ISP creates a plan, a customer and a subscription, runs
// billing, records a partial and then a full payment; the invoice shows paid and the dashboard's
// numbers match. Real Chromium on the real app, with a clock the test moves from today (the
// activation) to 09:00 WIB on the first of next month (the next cycle). The clock starts at the
// real time: the browser judges cookie expiry by its own.

const hasChromium = requirePeer("Chromium", chromiumPath() !== null, chromiumHint);
const t = translator("id");
const ZONE = "Asia/Jakarta";
const PRICE = 150_000;
const today = localDateOf(new Date(), ZONE);
const firstOfThisMonth = `${today.slice(0, 8)}01`;
const nextCycle = zonedInstant(addMonths(firstOfThisMonth, 1), { hour: 9, minute: 0 }, ZONE);
const firstInvoice = firstInvoiceProration(today, 1, PRICE).amountMinor;
const owed = firstInvoice + PRICE;
const rupiah = (minor: number) => formatMoney(minor, "IDR", "id").replace(/^Rp\s*/, "");

describe.skipIf(!hasChromium)("billing in Chromium", () => {
  const clock = manualClock();
  let cp: AssembledControlPlane;
  let server: Server<undefined>;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    cp = await assembleTestControlPlane({}, clock);
    server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (request, srv) => cp.app.fetch(request, srv) });
    base = `http://127.0.0.1:${server.port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop(true);
    await cp?.close();
  });

  const submit = async (page: Page, name: string, url?: RegExp) => {
    await Promise.all([
      url ? page.waitForURL(url, { timeout: 10_000 }) : page.waitForLoadState("load"),
      page.getByRole("button", { name, exact: true }).click(),
    ]).catch(async (error) => {
      throw new Error(
        `${error.message}\nat ${page.url()}:\n${(await page.locator("main").textContent())?.slice(0, 600)}`,
      );
    });
  };
  const tile = (page: Page, id: string) => page.locator(`#${id} data`).first().getAttribute("value");

  test("plan, customer, subscription; run billing; a partial then a full payment; paid, and the dashboard agrees", async () => {
    const context = await browser.newContext({ locale: "id-ID", viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = await watchForProblems(page);
    const id = Date.now().toString(36);
    const email = `owner-${id}@example.test`;
    const password = "kuda benar baterai staples";

    await page.goto(`${base}/signup`);
    await page.getByLabel(t("accounts.field.ispName")).fill(`Net Desa ${id}`);
    await page.getByLabel(t("accounts.field.slug")).fill(`net-desa-${id}`);
    await page.getByLabel(t("accounts.field.ownerName")).fill("Budi Pemilik");
    await page.getByLabel(t("accounts.field.email")).fill(email);
    await page.getByLabel(t("accounts.field.phone")).fill("0812 0000 1111");
    await page.getByLabel(t("accounts.field.password")).fill(password);
    await submit(page, t("accounts.signup.submit"), /\/app$/);

    // A plan of Rp150.000 a month, 20/10 Mbps.
    await page.goto(`${base}/plans/new`);
    await page.getByLabel(t("plans.field.name"), { exact: true }).fill("Rumah 20 Mbps");
    await page.getByLabel(t("plans.field.price", { currency: "IDR" }), { exact: true }).fill("Rp 150.000");
    await page.getByLabel(t("plans.field.download"), { exact: true }).fill("20");
    await page.getByLabel(t("plans.field.upload"), { exact: true }).fill("10");
    await submit(page, t("plans.create"), /\/plans\/[0-9a-f-]{36}/);
    expect(await page.locator("#plan-rate-limit").textContent()).toBe("10M/20M");

    // A customer, typed as people type a phone number.
    await page.goto(`${base}/customers/new`);
    await page.getByLabel(t("customers.field.name"), { exact: true }).fill("Siti Rahayu");
    await page.getByLabel(t("customers.field.phone"), { exact: true }).fill("0813-2222-3333");
    await submit(page, t("customers.new.submit"), /\/customers\/[0-9a-f-]{36}/);
    const customerId = /\/customers\/([0-9a-f-]{36})/.exec(page.url())?.[1] as string;

    // Their subscription, from their page, activated at once today (billing day 1).
    await Promise.all([
      page.waitForURL(/\/subscriptions\/new\?customer=/),
      page.getByRole("link", { name: t("subscriptions.section.add") }).click(),
    ]);
    await page.getByLabel(t("subscriptions.form.username"), { exact: true }).fill(`siti-${id}`);
    await page.getByLabel(t("subscriptions.form.billingDay"), { exact: true }).selectOption("1");
    await submit(page, t("subscriptions.form.submit"), /\/subscriptions\/[0-9a-f-]{36}\?done=activated/);
    expect(await page.locator("main").textContent()).toContain(t("subscriptions.status.active"));

    // The first of next month, 09:00 WIB: the next cycle. The session ran out meanwhile; sign in again.
    clock.advance(nextCycle.getTime() - clock.now().getTime());
    await page.goto(`${base}/login`);
    await page.getByLabel(t("accounts.field.email")).fill(email);
    await page.getByLabel(t("accounts.field.password")).fill(password);
    await submit(page, t("accounts.login.submit"), /\/app$/);

    await page.goto(`${base}/invoices`);
    await submit(page, t("invoices.run.button"));
    // Numbers are gap-free per year: the next cycle's is 000002, or 000001 of a new year.
    const nextYear = nextCycle.getUTCFullYear() !== Number(today.slice(0, 4));
    expect(await page.locator("main").textContent()).toContain(
      `1 tagihan terbit, INV/${addMonths(firstOfThisMonth, 1).slice(0, 4)}/${nextYear ? "000001" : "000002"}`,
    );
    // The rest of this month since today, and next month in full, are owed.
    await page.goto(`${base}/customers/${customerId}`);
    expect(await page.locator("#customer-balance").textContent()).toContain(rupiah(owed));

    // A partial payment in cash, then the rest.
    await page.goto(`${base}/payments/new?customer=${customerId}`);
    await page.getByLabel(t("payments.form.amount"), { exact: true }).fill("100.000");
    await submit(page, t("payments.form.submit"), /\/payments\/[0-9a-f-]{36}\/receipt/);
    await page.goto(`${base}/invoices?customer=${customerId}`);
    const rows = page.locator("#invoice-results tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await page.locator("#invoice-results").textContent()).toContain(t("invoices.status.partially_paid"));

    await page.goto(`${base}/payments/new?customer=${customerId}`);
    const rest = await page.getByLabel(t("payments.form.amount"), { exact: true }).inputValue();
    expect(rest.replace(/\D/g, "")).toBe(String(owed - 100_000));
    await submit(page, t("payments.form.submit"), /\/payments\/[0-9a-f-]{36}\/receipt/);

    await page.goto(`${base}/invoices?customer=${customerId}`);
    const statuses = await page.locator("#invoice-results tbody tr .badge").allTextContents();
    expect(statuses).toEqual([t("invoices.status.paid"), t("invoices.status.paid")]);
    await page.screenshot({ path: screenshotPath("billing-invoices-paid") });

    // The dashboard says the same: nothing unpaid, this month's money in, this month's invoice out.
    await page.goto(`${base}/app`);
    expect({
      unpaid: await tile(page, "stat-unpaid"),
      overdue: await tile(page, "stat-overdue"),
      collected: await tile(page, "stat-collected"),
      invoiced: await tile(page, "stat-invoiced"),
      mrr: await tile(page, "stat-mrr"),
      rate: await tile(page, "stat-collection-rate"),
      active: await tile(page, "stat-active"),
    }).toEqual({
      unpaid: "0",
      overdue: "0",
      collected: String(owed),
      invoiced: String(PRICE),
      mrr: String(PRICE),
      rate: "10000",
      active: "1",
    });
    await page.screenshot({ path: screenshotPath("billing-dashboard") });
    expect(problems).toEqual([]);
    await context.close();
  });

  test("every billing page fits a 375 px phone, with data on it, and nothing complains", async () => {
    const isp = await testIsp(cp, "Asia/Jakarta", clock);
    const deps = { database: cp.database, clock, secretBox: cp.secretBox };
    const planId = await isp.addPlan({ name: "Paket Rumahan Keluarga Besar 50 Mbps", price: 350_000, taxRateBp: 1100 });
    await isp.addPlan({ name: "Voucher Harian", type: "hotspot", cycle: "prepaid", price: 5_000, validityHours: 24 });
    const customerId = await isp.addCustomer("Siti Rahayu Kusumawardani binti Sastrowardoyo", "+6281234567890");
    const { id: subscriptionId } = await isp.subscribe(customerId, planId, {
      monthlyDiscount: 10_000,
      access: { access: "pppoe", pppoeUsername: "siti.rahayu.kusumawardani@rt03-rw11", pppoePassword: null },
    });
    const payment = await recordPayment(
      deps,
      isp.actor,
      {
        customerId,
        invoiceId: null,
        amountMinor: 50_000,
        method: "bank_transfer",
        reference: "BCA 1234567890",
        receivedAt: null,
      },
      testMeta,
    );
    const [invoice] = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx.select({ id: invoices.id }).from(invoices).where(eq(invoices.customerId, customerId)),
    );
    const batch = await isp.browser.post("/vouchers", {
      planId: (
        await cp.database.withTenant(isp.actor.tenantId, (tx) =>
          tx.select({ id: plans.id }).from(plans).where(eq(plans.name, "Voucher Harian")),
        )
      )[0]?.id as string,
      siteId: "",
      count: "8",
      prefix: "HR",
      codeLength: "6",
      price: "5.000",
      resellerPrice: "",
    });
    expect(batch.status).toBe(303);
    const batchPath = batch.headers.get("location")?.split("?")[0] as string;

    const context = await browser.newContext({ locale: "id-ID", viewport: { width: 375, height: 800 } });
    await context.addCookies([{ name: "kilusi_session", value: sessionCookie(isp.browser) ?? "", url: base }]);
    const page = await context.newPage();
    const problems = await watchForProblems(page);
    const wide: string[] = [];
    for (const path of [
      "/app",
      "/plans",
      "/plans/new",
      `/plans/${planId}`,
      "/customers",
      "/customers/new",
      `/customers/${customerId}`,
      "/customers/import",
      "/subscriptions",
      `/subscriptions/new?customer=${customerId}`,
      `/subscriptions/${subscriptionId}`,
      "/invoices",
      `/invoices/${invoice?.id}`,
      `/invoices/${invoice?.id}/print`,
      "/payments",
      `/payments/new?customer=${customerId}`,
      `/payments/${payment.id}/receipt`,
      "/payments/day",
      "/vouchers",
      "/vouchers/new",
      batchPath,
      "/reports",
      "/settings/billing",
    ]) {
      const res = await page.goto(base + path);
      if (res?.status() !== 200) wide.push(`${path}: HTTP ${res?.status()}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 375) wide.push(`${path}: ${width}px`);
      await page.screenshot({
        path: screenshotPath(`billing-375${path.replace(/[0-9a-f-]{36}/g, "id")}`),
        fullPage: true,
      });
    }
    expect(wide).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
