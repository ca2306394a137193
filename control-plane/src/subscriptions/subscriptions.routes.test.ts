import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { and, eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { signUp } from "../accounts/accounts.testing.ts";
import { auditLog } from "../audit/audit.tables.ts";
import { type TestIsp, testIsp } from "../billing/money-flow.testing.ts";
import { invoices } from "../invoices/invoices.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { siteChanges } from "../sites/sites.tables.ts";
import { memberships } from "../tenants/tenants.tables.ts";
import { subscriptions } from "./subscriptions.tables.ts";

const t = translator("id");
const XSS = "<script>alert(1)</script>";

describe("subscription pages", () => {
  let cp: AssembledControlPlane;
  let isp: TestIsp;
  let planId: string;
  let bigPlanId: string;
  let customerId: string;

  beforeAll(async () => {
    cp = await assembleTestControlPlane();
    isp = await testIsp(cp);
    planId = await isp.addPlan({ name: "Home 20", price: 150_000 });
    bigPlanId = await isp.addPlan({ name: "Home 50", price: 250_000 });
    customerId = await isp.addCustomer(`Budi ${XSS}`);
  });
  afterAll(() => cp.close());

  const rows = () =>
    cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx.select().from(subscriptions).where(eq(subscriptions.tenantId, isp.actor.tenantId)),
    );
  const form = (values: Record<string, string> = {}) => ({
    customerId,
    planId,
    siteId: isp.siteId,
    access: "pppoe",
    pppoeUsername: `budi-${crypto.randomUUID().slice(0, 6)}`,
    pppoePassword: "",
    staticIp: "",
    mac: "",
    billingDay: "1",
    monthlyDiscount: "",
    activate: "on",
    ...values,
  });
  const create = async (values: Record<string, string> = {}) => {
    const res = await isp.browser.post("/subscriptions", form(values));
    expect(res.status).toBe(303);
    const location = res.headers.get("location") ?? "";
    return { id: /\/subscriptions\/([0-9a-f-]{36})/.exec(location)?.[1] as string, location };
  };

  test("a new subscription activated at once: first invoice, the site told, shown on its page", async () => {
    const { id, location } = await create({ monthlyDiscount: "Rp 10.000" });
    expect(location).toMatch(/done=activated&inv=INV%2F\d{4}%2F\d{6}/);
    const page = await (await isp.browser.get(location)).text();
    expect(page).toContain(t("subscriptions.status.active"));
    expect(page).toContain("Langganan aktif. Tagihan pertama: INV/");
    expect(page).toContain(t("subscriptions.reason.activated"));
    expect(page).not.toContain(XSS);
    expect(page).toContain("Budi &lt;script&gt;alert(1)&lt;/script&gt;");
    const [row] = (await rows()).filter((r) => r.id === id);
    expect(row).toMatchObject({ status: "active", monthlyDiscount: 10_000 });
    const billed = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx.select().from(invoices).where(eq(invoices.subscriptionId, id)),
    );
    expect(billed).toHaveLength(1);
  });

  test("the customer's page shows the subscriptions, what is owed and the way to pay", async () => {
    const name = `Rina ${crypto.randomUUID().slice(0, 4)}`;
    const rina = await isp.addCustomer(name);
    const empty = await (await isp.browser.get(`/customers/${rina}`)).text();
    expect(empty).toContain(t("subscriptions.section.none"));
    expect(empty).toContain(t("invoices.customer.settled"));
    const res = await isp.browser.post("/subscriptions", form({ customerId: rina }));
    expect(res.status).toBe(303);
    const page = await (await isp.browser.get(`/customers/${rina}`)).text();
    expect(page).toContain("Home 20");
    expect(page).toContain(t("invoices.customer.owes"));
    expect(page).toContain(`href="/payments/new?customer=${rina}"`);
    expect(page).toContain(`href="/subscriptions/new?customer=${rina}"`);
  });

  test("the form without activation leaves it pending: no invoice, nothing sent to the site", async () => {
    const { id } = await create({ activate: "" });
    const [row] = (await rows()).filter((r) => r.id === id);
    expect(row?.status).toBe("pending");
    const sent = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx.select().from(siteChanges).where(eq(siteChanges.entityId, id)),
    );
    expect(sent).toEqual([]);
  });

  test.each([
    ["no username", { pppoeUsername: "" }, "pppoeUsername", "subscriptions.error.pppoeUsername"],
    [
      "a username with a space",
      { pppoeUsername: "budi santoso" },
      "pppoeUsername",
      "subscriptions.error.pppoeUsername",
    ],
    ["a short password", { pppoePassword: "abc" }, "pppoePassword", "subscriptions.error.pppoePassword"],
    ["a bad static IP", { access: "static", staticIp: "10.0.0.256" }, "staticIp", "subscriptions.error.staticIp"],
    ["a bad MAC", { access: "mac", mac: "00:11:22" }, "mac", "subscriptions.error.mac"],
    ["billing day 31", { billingDay: "31" }, "billingDay", "subscriptions.error.billingDay"],
    ["a negative discount", { monthlyDiscount: "-5000" }, "monthlyDiscount", "subscriptions.error.monthlyDiscount"],
    ["an unknown plan", { planId: crypto.randomUUID() }, "planId", "subscriptions.error.planId"],
    ["a made-up site", { siteId: crypto.randomUUID() }, "siteId", "subscriptions.error.siteId"],
  ] as const)(
    "bad input (%s): the field's error, what was typed kept, nothing written",
    async (_, values, field, key) => {
      const before = (await rows()).length;
      const res = await isp.browser.post("/subscriptions", form(values));
      expect([400, 409, 422]).toContain(res.status);
      const page = await res.text();
      expect(page).toContain(t(key));
      expect(page).toContain('aria-invalid="true"');
      expect(page).toContain(t("subscriptions.form.invalid"));
      const typed = (values as Record<string, string>).pppoeUsername;
      if (field === "pppoeUsername" && typed) expect(page).toContain(`value="${typed}"`);
      expect((await rows()).length).toBe(before);
    },
  );

  test("a PPPoE username already used in the ISP is refused on the field; another ISP may use it", async () => {
    const username = `dupe-${crypto.randomUUID().slice(0, 6)}`;
    await create({ pppoeUsername: username });
    const before = (await rows()).length;
    const res = await isp.browser.post("/subscriptions", form({ pppoeUsername: username }));
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(t("subscriptions.error.usernameTaken"));
    expect((await rows()).length).toBe(before);

    const other = await testIsp(cp);
    const theirs = await other.browser.post("/subscriptions", {
      ...form({ pppoeUsername: username }),
      customerId: await other.addCustomer(),
      planId: await other.addPlan(),
      siteId: other.siteId,
    });
    expect(theirs.status).toBe(303);
  });

  test("another ISP's plan or customer cannot be used", async () => {
    const other = await testIsp(cp);
    const theirPlan = await other.addPlan();
    const theirCustomer = await other.addCustomer();
    const before = (await rows()).length;
    expect(await (await isp.browser.post("/subscriptions", form({ planId: theirPlan }))).text()).toContain(
      t("subscriptions.error.planId"),
    );
    const res = await isp.browser.post("/subscriptions", form({ customerId: theirCustomer }));
    expect(await res.text()).toContain(t("subscriptions.error.customerId"));
    expect((await rows()).length).toBe(before);
  });

  test("state changes follow the state machine; one it does not allow is refused and changes nothing", async () => {
    const { id } = await create();
    const page = await (await isp.browser.get(`/subscriptions/${id}`)).text();
    // Offered: what an active subscription may do, destructive ones asking first.
    expect(page).toContain('value="isolate"');
    expect(page).toContain('value="terminate"');
    expect(page).not.toContain('value="activate"');
    expect(page).toContain('hx-confirm="Berhentikan langganan Budi');
    const isolate = await isp.browser.post(`/subscriptions/${id}/status`, { event: "isolate" });
    expect(isolate.headers.get("location")).toBe(`/subscriptions/${id}?done=status&s=isolated`);
    expect((await rows()).find((r) => r.id === id)).toMatchObject({ status: "isolated", isolatedBy: "staff" });
    const refused = await isp.browser.post(`/subscriptions/${id}/status`, { event: "resume" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(t("subscriptions.error.transition"));
    expect((await rows()).find((r) => r.id === id)?.status).toBe("isolated");
    await isp.browser.post(`/subscriptions/${id}/status`, { event: "restore" });
    expect((await rows()).find((r) => r.id === id)).toMatchObject({ status: "active", isolatedBy: null });
  });

  test("a plan change shows its prorated invoice; the same plan is refused on the field", async () => {
    const { id } = await create();
    const res = await isp.browser.post(`/subscriptions/${id}/plan`, { planId: bigPlanId });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/done=plan(&inv=INV%2F|$)/);
    const same = await isp.browser.post(`/subscriptions/${id}/plan`, { planId: bigPlanId });
    expect(same.status).toBe(409);
    expect(await same.text()).toContain(t("subscriptions.error.samePlan"));
  });

  test("the override: a bad date is refused; a date is saved and audited", async () => {
    const { id } = await create();
    const bad = await isp.browser.post(`/subscriptions/${id}/keep-active`, { until: "2026-02-30" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(t("subscriptions.error.until"));
    const ok = await isp.browser.post(`/subscriptions/${id}/keep-active`, { until: "2026-12-31" });
    expect(ok.status).toBe(303);
    expect((await rows()).find((r) => r.id === id)?.keepActiveUntil).toBe("2026-12-31");
  });

  test("the PPPoE password is shown on request only, and every look is audited", async () => {
    const { id } = await create({ pppoePassword: "rahasia-budi-1" });
    const page = await (await isp.browser.get(`/subscriptions/${id}`)).text();
    expect(page).not.toContain("rahasia-budi-1");
    const shown = await isp.browser.post(`/subscriptions/${id}/password`, {}, { "hx-request": "true" });
    expect(await shown.text()).toContain("rahasia-budi-1");
    const audited = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "subscription.password_revealed"), eq(auditLog.entityId, id))),
    );
    expect(audited).toHaveLength(1);
    expect(JSON.stringify(audited)).not.toContain("rahasia");
  });

  test("another ISP's subscription answers 404 on every page and action, and stays as it was", async () => {
    const { id } = await create();
    const stranger = await signUp(cp);
    const before = (await rows()).find((r) => r.id === id);
    expect((await stranger.browser.get(`/subscriptions/${id}`)).status).toBe(404);
    for (const [path, body] of [
      [`/subscriptions/${id}`, form()],
      [`/subscriptions/${id}/status`, { event: "isolate" }],
      [`/subscriptions/${id}/plan`, { planId: bigPlanId }],
      [`/subscriptions/${id}/keep-active`, { until: "2026-12-31" }],
      [`/subscriptions/${id}/password`, {}],
      [`/subscriptions/${id}/renew`, {}],
    ] as const) {
      expect((await stranger.browser.post(path, body)).status).toBe(404);
    }
    expect((await stranger.browser.get("/subscriptions/not-a-uuid")).status).toBe(404);
    expect((await rows()).find((r) => r.id === id)).toEqual(before);
  });

  test("a collector sees subscriptions but may not create or change them, nor see a password", async () => {
    const { id } = await create();
    const collector = await signUp(cp);
    await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx.insert(memberships).values({ tenantId: isp.actor.tenantId, userId: collector.user.id, role: "collector" }),
    );
    expect((await collector.browser.post(`/tenants/${isp.actor.tenantId}/choose`, {})).status).toBe(303);
    expect((await collector.browser.get("/subscriptions")).status).toBe(200);
    expect((await collector.browser.get(`/subscriptions/${id}`)).status).toBe(200);
    expect((await collector.browser.post("/subscriptions", form())).status).toBe(404);
    expect((await collector.browser.post(`/subscriptions/${id}/status`, { event: "isolate" })).status).toBe(404);
    expect((await collector.browser.post(`/subscriptions/${id}/password`, {})).status).toBe(404);
  });

  test("the list searches by username and filters by status; it speaks English when asked", async () => {
    const username = `cari-${crypto.randomUUID().slice(0, 6)}`;
    await create({ pppoeUsername: username });
    const found = await (await isp.browser.get(`/subscriptions?q=${username}`)).text();
    expect(found).toContain(username);
    const none = await (await isp.browser.get(`/subscriptions?q=${username}&status=suspended`)).text();
    expect(none).toContain(t("subscriptions.empty.filtered"));
    const english = await (await isp.browser.get("/subscriptions", { "accept-language": "en" })).text();
    expect(english).toContain(translator("en")("subscriptions.title"));
  });
});
