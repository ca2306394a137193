import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatMoney } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { manualClock, signUp } from "../accounts/accounts.testing.ts";
import { billingSettings } from "../billing/billing-settings.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { escaped, expectEscaped, htmx, XSS } from "../team/team.testing.ts";
import {
  auditRows,
  createPlanVia,
  plainPlanFields,
  planFields,
  planRow,
  planRows,
  seedSubscription,
  seedVoucherBatch,
} from "./plans.testing.ts";
import { offeredPlans } from "./plans.usecases.ts";

const t = translator("id");
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, manualClock());
});
afterAll(() => cp.close());

describe("creating a plan", () => {
  test("every field is stored in the table's units, audited, and shown with its rate limit", async () => {
    const owner = await signUp(cp);
    const fields = planFields();
    const id = await createPlanVia(owner.browser, fields);
    const row = await planRow(cp, owner.tenantId, id);
    expect(row).toMatchObject({
      name: fields.name,
      type: "pppoe",
      cycle: "monthly",
      validityDays: null,
      validityHours: null,
      price: 150_000,
      installationFee: 250_000,
      taxRateBp: 1100,
      taxInclusive: false,
      downloadKbps: 20_000,
      uploadKbps: 10_000,
      burstDownloadKbps: 40_000,
      burstUploadKbps: 20_000,
      burstThresholdDownloadKbps: 16_000,
      burstThresholdUploadKbps: 8000,
      burstTimeSeconds: 16,
      addressPool: "pool-rumah",
      profileName: "rumah_20M",
      quotaBytes: 50 * 1024 ** 3,
      archivedAt: null,
    });
    const [created] = await auditRows(cp, owner.tenantId, "plan.created");
    expect(created?.entityId).toBe(id);
    expect(created?.actorUserId).toBe(owner.user.id);
    expect(created?.after).toMatchObject({ name: fields.name, price: 150_000, downloadKbps: 20_000 });

    const page = await (await owner.browser.get(`/plans/${id}?done=created`)).text();
    expect(page).toContain(t("plans.notice.created"));
    expect(page).toContain('<code class="plan-rate-limit" id="plan-rate-limit">10M/20M 20M/40M 8M/16M 16/16</code>');
    expect(page).toContain(t("plans.tax.exclusive", { rate: "11" }));
    // The edit form shows the plan as it was typed.
    expect(page).toContain('name="download" type="text" value="20"');
    expect(page).toContain('name="quotaGb" type="text" value="50"');
    expect(page).toContain('name="price" type="text" value="150000"');
    expect(page).toContain(t("plans.form.priceNote"));
  });

  test("a prepaid hotspot plan in kbps with hours of validity", async () => {
    const owner = await signUp(cp);
    const id = await createPlanVia(
      owner.browser,
      plainPlanFields({
        type: "hotspot",
        cycle: "prepaid",
        validity: "24",
        validityUnit: "hours",
        price: "5.000",
        installationFee: "",
        taxRate: "0",
        speedUnit: "kbps",
        download: "1536",
        upload: "512",
      }),
    );
    expect(await planRow(cp, owner.tenantId, id)).toMatchObject({
      type: "hotspot",
      cycle: "prepaid",
      validityHours: 24,
      validityDays: null,
      price: 5000,
      installationFee: 0,
      taxRateBp: 0,
      downloadKbps: 1536,
      uploadKbps: 512,
      burstDownloadKbps: null,
      quotaBytes: null,
      addressPool: null,
    });
    const page = await (await owner.browser.get(`/plans/${id}`)).text();
    expect(page).toContain(">512k/1536k</code>");
    expect(page).toContain(t("plans.cycle.prepaidHours", { n: 24 }));
  });

  test("a new plan's form starts from the ISP's default PPN", async () => {
    const owner = await signUp(cp);
    await cp.database.withTenant(owner.tenantId, (tx) =>
      tx
        .update(billingSettings)
        .set({ defaultTaxRateBp: 1150, defaultTaxInclusive: false })
        .where(eq(billingSettings.tenantId, owner.tenantId)),
    );
    const html = await (await owner.browser.get("/plans/new")).text();
    expect(html).toContain('name="taxRate" type="text" value="11.5"');
    expect(html).toContain('<option value="exclusive" selected="">');
  });
});

describe("bad plan forms", () => {
  const cases: [string, Record<string, string>, Record<string, string>][] = [
    ["a negative price", { price: "-5000" }, { price: t("plans.error.amount.negative") }],
    ["an unreadable price", { price: "abc" }, { price: t("plans.error.amount.invalid") }],
    ["no price", { price: "" }, { price: t("plans.error.price.required") }],
    ["a negative installation fee", { installationFee: "-1" }, { installationFee: t("plans.error.amount.negative") }],
    [
      "a burst in part",
      { burstUpload: "", burstTime: "" },
      { burstUpload: t("plans.error.burst.incomplete"), burstTime: t("plans.error.burst.incomplete") },
    ],
    ["a burst below the base", { burstDownload: "10" }, { burstDownload: t("plans.error.burst.belowBase") }],
    [
      "a threshold above the base",
      { burstThresholdUpload: "12" },
      { burstThresholdUpload: t("plans.error.burst.thresholdAboveBase") },
    ],
    ["prepaid without validity", { cycle: "prepaid", validity: "" }, { validity: t("plans.error.validity.required") }],
    ["monthly with a validity", { validity: "30" }, { validity: t("plans.error.validity.monthly") }],
    ["a validity of zero", { cycle: "prepaid", validity: "0" }, { validity: t("plans.error.validity.invalid") }],
    ["tax of 150 %", { taxRate: "150" }, { taxRate: t("plans.error.taxRate") }],
    ["tax with three decimals", { taxRate: "11,125" }, { taxRate: t("plans.error.taxRate") }],
    ["no name", { name: "   " }, { name: t("plans.error.name.required") }],
    ["a speed of zero", { download: "0" }, { download: t("plans.error.speed.invalid") }],
    [
      "a speed that is not whole kbps",
      { speedUnit: "kbps", upload: "0.5" },
      { upload: t("plans.error.speed.notWhole") },
    ],
    ["an unknown type", { type: "fiber" }, { type: t("plans.error.type") }],
    [
      "router names with spaces",
      { addressPool: "pool rumah", profileName: "a/b" },
      { addressPool: t("plans.error.routerName"), profileName: t("plans.error.routerName") },
    ],
    ["a quota of zero", { quotaGb: "0" }, { quotaGb: t("plans.error.quota") }],
  ];

  // One ISP for every case: each must leave it without a plan.
  let owner: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    owner = await signUp(cp);
  });

  test.each(cases)("%s: field errors, what was typed kept, nothing written", async (_name, overrides, expected) => {
    const fields = planFields(overrides);
    const res = await owner.browser.post("/plans", fields);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(t("plans.error.form"));
    for (const [field, message] of Object.entries(expected)) {
      expect(html).toContain(`<p class="adm-error" id="plan-${field}-error">${escaped(message)}</p>`);
      expect(html).toContain(`name="${field}"`);
    }
    expect(html).toContain(`value="${escaped(fields.name ?? "")}"`);
    expect(await planRows(cp, owner.tenantId)).toHaveLength(0);
    expect(await auditRows(cp, owner.tenantId, "plan.created")).toHaveLength(0);
  });

  test("a name in use, in any case, is refused next to the name; archived plans free their name", async () => {
    const owner = await signUp(cp);
    const id = await createPlanVia(owner.browser, plainPlanFields({ name: "Rumah 20 Mbps" }));
    const res = await owner.browser.post("/plans", plainPlanFields({ name: "  RUMAH 20 mbps " }));
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain(escaped(t("plans.error.name.taken")));
    expect(html).toContain('aria-describedby="plan-name-error"');
    expect(await planRows(cp, owner.tenantId)).toHaveLength(1);

    expect((await owner.browser.post(`/plans/${id}/archive`, {})).status).toBe(303);
    const again = await createPlanVia(owner.browser, plainPlanFields({ name: "rumah 20 mbps" }));
    // Restoring the archived one now would give two plans in use the same name.
    const restore = await owner.browser.post(`/plans/${id}/restore`, {});
    expect(restore.status).toBe(409);
    expect(await restore.text()).toContain(t("plans.error.restoreNameTaken"));
    expect((await planRow(cp, owner.tenantId, id))?.archivedAt).not.toBeNull();
    expect(again).not.toBe(id);
  });
});

describe("the plans list", () => {
  test("empty at first, with a way to make the first plan", async () => {
    const owner = await signUp(cp);
    const html = await (await owner.browser.get("/plans")).text();
    expect(html).toContain(t("plans.empty.title"));
    expect(html).toContain('href="/plans/new"');
  });

  test("each plan with its type, cycle, price and tax, speed and subscribers; archived ones apart", async () => {
    const owner = await signUp(cp);
    const home = await createPlanVia(owner.browser, plainPlanFields({ name: "Rumah 20" }));
    const old = await createPlanVia(owner.browser, plainPlanFields({ name: "Lama 5", download: "5", upload: "2" }));
    await seedSubscription(cp, owner.tenantId, home, "active");
    await seedSubscription(cp, owner.tenantId, home, "pending");
    await seedSubscription(cp, owner.tenantId, home, "terminated");
    expect((await owner.browser.post(`/plans/${old}/archive`, {})).status).toBe(303);

    const html = await (await owner.browser.get("/plans")).text();
    const row = /<tr id="plan-([^"]+)"[^>]*>([\s\S]*?)<\/tr>/.exec(html);
    expect(row?.[1]).toBe(home);
    const cells = row?.[2] ?? "";
    expect(cells).toContain(`href="/plans/${home}">Rumah 20</a>`);
    expect(cells).toContain(t("plans.type.pppoe"));
    expect(cells).toContain(t("plans.cycle.monthly"));
    expect(cells).toContain(formatMoney(150_000, "IDR", "id"));
    expect(cells).toContain(t("plans.tax.exclusive", { rate: "11" }));
    expect(cells).toContain(escaped(t("plans.speed.value", { down: "20 Mbps", up: "10 Mbps" })));
    // Terminated subscriptions are history, not subscribers.
    expect(cells).toMatch(/data-label="Pelanggan" class="num">2<\/td>/);
    expect(html).not.toContain("Lama 5");

    const archived = await (await owner.browser.get("/plans?show=archived")).text();
    expect(archived).toContain("Lama 5");
    expect(archived).not.toContain("Rumah 20");
    const search = await (await owner.browser.get("/plans?q=rum")).text();
    expect(search).toContain("Rumah 20");
    const none = await (await owner.browser.get("/plans?q=zzz")).text();
    expect(none).toContain(t("plans.empty.search"));
  });

  test("plan names are shown escaped on the list and on the plan's page", async () => {
    const owner = await signUp(cp);
    for (const payload of XSS) {
      const id = await createPlanVia(owner.browser, plainPlanFields({ name: `Paket ${payload}` }));
      expectEscaped(await (await owner.browser.get(`/plans/${id}`)).text(), `Paket ${payload}`);
    }
    const list = await (await owner.browser.get("/plans")).text();
    for (const payload of XSS) expectEscaped(list, `Paket ${payload}`);
  });
});

describe("archive, restore, delete", () => {
  test("a plan in use is archived, not deleted, and no longer offered", async () => {
    const owner = await signUp(cp);
    const fields = plainPlanFields();
    const id = await createPlanVia(owner.browser, fields);
    await seedSubscription(cp, owner.tenantId, id, "active");
    const page = await (await owner.browser.get(`/plans/${id}`)).text();
    expect(page).toContain(t("plans.actions.inUse", { subscriptions: "1", batches: "0" }));
    expect(page).not.toContain(`action="/plans/${id}/delete"`);
    expect(page).toContain(`hx-confirm="${escaped(t("plans.archiveConfirm", { name: fields.name ?? "" }))}"`);

    const refused = await owner.browser.post(`/plans/${id}/delete`, {});
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(t("plans.error.inUse", { subscriptions: "1", batches: "0" }));
    expect(await planRow(cp, owner.tenantId, id)).toBeDefined();
    expect(await auditRows(cp, owner.tenantId, "plan.deleted")).toHaveLength(0);

    const actor = { tenantId: owner.tenantId };
    expect((await offeredPlans(cp, actor)).map((p) => p.id)).toEqual([id]);
    const archived = await owner.browser.post(`/plans/${id}/archive`, {}, htmx);
    expect(archived.status).toBe(204);
    expect(archived.headers.get("hx-redirect")).toBe(`/plans/${id}?done=archived`);
    expect((await planRow(cp, owner.tenantId, id))?.archivedAt).toBeInstanceOf(Date);
    expect(await offeredPlans(cp, actor)).toEqual([]);
    const [audited] = await auditRows(cp, owner.tenantId, "plan.archived");
    expect(audited?.entityId).toBe(id);
    expect(await (await owner.browser.get(`/plans/${id}?done=archived`)).text()).toContain(t("plans.notice.archived"));

    expect((await owner.browser.post(`/plans/${id}/restore`, {})).status).toBe(303);
    expect((await planRow(cp, owner.tenantId, id))?.archivedAt).toBeNull();
    expect(await auditRows(cp, owner.tenantId, "plan.restored")).toHaveLength(1);
    expect((await offeredPlans(cp, actor)).map((p) => p.id)).toEqual([id]);
  });

  test("a voucher batch keeps its plan too; an unused plan is deleted and audited", async () => {
    const owner = await signUp(cp);
    const batched = await createPlanVia(
      owner.browser,
      plainPlanFields({ type: "hotspot", cycle: "prepaid", validity: "1" }),
    );
    await seedVoucherBatch(cp, owner.tenantId, batched);
    const refused = await owner.browser.post(`/plans/${batched}/delete`, {}, htmx);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(t("plans.error.inUse", { subscriptions: "0", batches: "1" }));

    const unused = await createPlanVia(owner.browser, plainPlanFields());
    expect(await (await owner.browser.get(`/plans/${unused}`)).text()).toContain(`action="/plans/${unused}/delete"`);
    const res = await owner.browser.post(`/plans/${unused}/delete`, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/plans?done=deleted");
    expect(await planRow(cp, owner.tenantId, unused)).toBeUndefined();
    const [deleted] = await auditRows(cp, owner.tenantId, "plan.deleted");
    expect(deleted?.entityId).toBe(unused);
    expect(deleted?.before).toMatchObject({ price: 150_000 });
    expect((await owner.browser.get(`/plans/${unused}`)).status).toBe(404);
  });

  test("offered plans filter by cycle and type, for the subscription and voucher pickers", async () => {
    const owner = await signUp(cp);
    const monthly = await createPlanVia(owner.browser, plainPlanFields({ name: "B bulanan" }));
    const prepaid = await createPlanVia(
      owner.browser,
      plainPlanFields({ name: "A harian", type: "hotspot", cycle: "prepaid", validity: "1" }),
    );
    const actor = { tenantId: owner.tenantId };
    expect((await offeredPlans(cp, actor)).map((p) => p.id)).toEqual([prepaid, monthly]);
    expect((await offeredPlans(cp, actor, { cycle: "monthly" })).map((p) => p.id)).toEqual([monthly]);
    const [hotspot] = await offeredPlans(cp, actor, { type: "hotspot" });
    expect(hotspot).toEqual({
      id: prepaid,
      name: "A harian",
      type: "hotspot",
      cycle: "prepaid",
      price: 150_000,
      validityHours: null,
      validityDays: 1,
      taxRateBp: 1100,
      taxInclusive: false,
      installationFee: 250_000,
    });
  });
});
