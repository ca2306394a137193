import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { eq, sql } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { signUp } from "../accounts/accounts.testing.ts";
import { auditLog } from "../audit/audit.tables.ts";
import { planRow } from "../billing/billing.testing.ts";
import { billingSettings } from "../billing/billing-settings.tables.ts";
import { rowsOf } from "../db/rows.ts";
import { plans } from "../plans/plans.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { memberships, tenants } from "../tenants/tenants.tables.ts";

const t = translator("id");

describe("billing settings", () => {
  let cp: AssembledControlPlane;
  beforeAll(async () => {
    cp = await assembleTestControlPlane();
  });
  afterAll(() => cp.close());

  const fields = (values: Record<string, string> = {}) => ({
    invoiceDueDays: "10",
    invoicePrefix: "TGH",
    reminderOffsets: "1, -5, 0, -5",
    graceDays: "2",
    isolateAfterDays: "5",
    isolationProfile: "isolir",
    isolationAddressList: "isolir",
    isolationRateLimit: "256k/256k",
    isolationPool: "",
    defaultTaxRate: "11",
    defaultTaxInclusive: "on",
    hotspotLoginUrl: "http://hotspot.desa.net/login?username={code}&password={code}",
    invoiceFooter: "BCA 123 a.n. Net Desa\nDANA 0812",
    ...values,
  });

  test("saved as the model wants it (offsets sorted, unique), audited, shown again", async () => {
    const owner = await signUp(cp);
    const res = await owner.browser.post("/settings/billing", fields());
    expect(res.status).toBe(303);
    const [row] = await cp.database.withTenant(owner.tenantId, (tx) =>
      tx.select().from(billingSettings).where(eq(billingSettings.tenantId, owner.tenantId)),
    );
    expect(row).toMatchObject({
      invoiceDueDays: 10,
      invoicePrefix: "TGH",
      reminderOffsets: [-5, 0, 1],
      graceDays: 2,
      isolateAfterDays: 5,
      defaultTaxRateBp: 1100,
      defaultTaxInclusive: true,
      invoiceFooter: "BCA 123 a.n. Net Desa\nDANA 0812",
    });
    const page = await (await owner.browser.get("/settings/billing?done=saved")).text();
    expect(page).toContain(t("billing.saved"));
    expect(page).toContain('value="-5, 0, 1"');
    const audited = await cp.database.withTenant(owner.tenantId, (tx) =>
      tx.select().from(auditLog).where(eq(auditLog.action, "billing.settings_changed")),
    );
    expect(audited).toHaveLength(1);
    expect(audited[0]?.after).toMatchObject({ invoicePrefix: "TGH", reminderOffsets: [-5, 0, 1] });
  });

  test.each([
    [
      "isolation within grace",
      { graceDays: "5", isolateAfterDays: "5" },
      "isolateAfterDays",
      "billing.error.isolateAfterDays",
    ],
    ["an offset too early", { reminderOffsets: "-31" }, "reminderOffsets", "billing.error.reminderOffsets"],
    [
      "offsets that are not numbers",
      { reminderOffsets: "tiga hari" },
      "reminderOffsets",
      "billing.error.reminderOffsets",
    ],
    ["a prefix with a slash", { invoicePrefix: "INV/X" }, "invoicePrefix", "billing.error.invoicePrefix"],
    ["due in 100 days", { invoiceDueDays: "100" }, "invoiceDueDays", "billing.error.invoiceDueDays"],
    ["PPN 150 %", { defaultTaxRate: "150" }, "defaultTaxRate", "billing.error.defaultTaxRate"],
    [
      "a javascript: login URL",
      { hotspotLoginUrl: "javascript:alert(1)" },
      "hotspotLoginUrl",
      "billing.error.hotspotLoginUrl",
    ],
    ["a router name with a space", { isolationProfile: "isolir saja" }, "isolationProfile", "billing.error.routerName"],
  ] as const)("bad input (%s): the field's error, nothing saved", async (_, values, field, key) => {
    const owner = await signUp(cp);
    const res = await owner.browser.post("/settings/billing", fields(values));
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain(`id="billing-${field}-error"`);
    expect(page).toContain(t(key));
    const [row] = await cp.database.withTenant(owner.tenantId, (tx) =>
      tx.select().from(billingSettings).where(eq(billingSettings.tenantId, owner.tenantId)),
    );
    expect(row?.invoicePrefix).toBe("INV");
  });

  test("the isolation rate limit and pool: saved, empty is none, and every site's policy follows", async () => {
    const owner = await signUp(cp);
    const second = await owner.browser.post("/sites", {
      name: "Menara Dua",
      location: "",
      timeZone: "",
      hotspotLoginUrl: "",
    });
    expect(second.status).toBe(303);
    const policies = async () =>
      rowsOf<{ site_id: string; payload: Record<string, unknown> }>(
        await cp.database.withTenant(owner.tenantId, (tx) =>
          tx.execute(sql`select distinct on (site_id) site_id, payload from site_changes
            where tenant_id = ${owner.tenantId} and kind = 'policy' order by site_id, revision desc`),
        ),
      ).map((r) => r.payload);
    expect(await policies()).toEqual([
      { addressList: "isolir", profile: "isolir", rateLimit: "256k/256k", pool: null },
      { addressList: "isolir", profile: "isolir", rateLimit: "256k/256k", pool: null },
    ]);
    const form = await (await owner.browser.get("/settings/billing")).text();
    expect(form).toContain('name="isolationRateLimit" type="text" value="256k/256k"');

    const saved = fields({
      isolationRateLimit: " 1M/2M 2M/4M 768k/1536k 16/16 8 512k/1M ",
      isolationPool: "pool-isolir",
    });
    expect((await owner.browser.post("/settings/billing", saved)).status).toBe(303);
    const [row] = await cp.database.withTenant(owner.tenantId, (tx) =>
      tx.select().from(billingSettings).where(eq(billingSettings.tenantId, owner.tenantId)),
    );
    expect(row).toMatchObject({
      isolationRateLimit: "1M/2M 2M/4M 768k/1536k 16/16 8 512k/1M",
      isolationPool: "pool-isolir",
    });
    const policy = {
      addressList: "isolir",
      profile: "isolir",
      rateLimit: row?.isolationRateLimit,
      pool: "pool-isolir",
    };
    expect(await policies()).toEqual([policy, policy]);
    const page = await (await owner.browser.get("/settings/billing")).text();
    expect(page).toContain('value="pool-isolir"');

    expect(
      (await owner.browser.post("/settings/billing", fields({ isolationRateLimit: "", isolationPool: "" }))).status,
    ).toBe(303);
    const none = { addressList: "isolir", profile: "isolir", rateLimit: null, pool: null };
    expect(await policies()).toEqual([none, none]);
  });

  test.each([
    ["a rate in words", { isolationRateLimit: "pelan" }, "isolationRateLimit", "billing.error.rateLimit"],
    [
      "a rate with a space inside a pair",
      { isolationRateLimit: "256k / 256k" },
      "isolationRateLimit",
      "billing.error.rateLimit",
    ],
    ["a decimal rate", { isolationRateLimit: "1.5M/1.5M" }, "isolationRateLimit", "billing.error.rateLimit"],
    [
      "a priority of 9",
      { isolationRateLimit: "1M/1M 2M/2M 1M/1M 8/8 9" },
      "isolationRateLimit",
      "billing.error.rateLimit",
    ],
    ["a pool with a space", { isolationPool: "pool isolir" }, "isolationPool", "billing.error.routerName"],
  ] as const)("bad isolation input (%s): the field's error, nothing saved", async (_, values, field, key) => {
    const owner = await signUp(cp);
    const res = await owner.browser.post("/settings/billing", fields(values));
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain(`id="billing-${field}-error"`);
    expect(page).toContain(t(key));
    const [row] = await cp.database.withTenant(owner.tenantId, (tx) =>
      tx.select().from(billingSettings).where(eq(billingSettings.tenantId, owner.tenantId)),
    );
    expect(row).toMatchObject({ invoicePrefix: "INV", isolationRateLimit: "256k/256k", isolationPool: null });
  });

  test("linked from the settings page; a technician gets 404 and changes nothing", async () => {
    const owner = await signUp(cp);
    expect(await (await owner.browser.get("/settings")).text()).toContain('href="/settings/billing"');
    const technician = await signUp(cp);
    await cp.database.withTenant(owner.tenantId, (tx) =>
      tx.insert(memberships).values({ tenantId: owner.tenantId, userId: technician.user.id, role: "technician" }),
    );
    expect((await technician.browser.post(`/tenants/${owner.tenantId}/choose`, {})).status).toBe(303);
    expect((await technician.browser.get("/settings/billing")).status).toBe(404);
    expect((await technician.browser.post("/settings/billing", fields())).status).toBe(404);
    const [row] = await cp.database.withTenant(owner.tenantId, (tx) =>
      tx.select().from(billingSettings).where(eq(billingSettings.tenantId, owner.tenantId)),
    );
    expect(row?.invoicePrefix).toBe("INV");
  });
});

describe("the ISP's currency", () => {
  let cp: AssembledControlPlane;
  beforeAll(async () => {
    cp = await assembleTestControlPlane();
  });
  afterAll(() => cp.close());

  const general = (currency: string) => ({
    name: "Net Desa",
    timeZone: "Asia/Jakarta",
    currency,
    locale: "id",
  });

  test("may change while nothing is priced; not once a plan exists (every amount would read wrong)", async () => {
    const owner = await signUp(cp);
    expect((await owner.browser.post("/settings", general("USD"))).status).toBe(303);
    expect((await owner.browser.post("/settings", general("IDR"))).status).toBe(303);
    await cp.database.withTenant(owner.tenantId, (tx) => tx.insert(plans).values(planRow(owner.tenantId)));
    const refused = await owner.browser.post("/settings", general("USD"));
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(t("settings.error.currencyInUse"));
    const [tenant] = await cp.database.withTenant(owner.tenantId, (tx) =>
      tx.select().from(tenants).where(eq(tenants.id, owner.tenantId)),
    );
    expect(tenant?.currency).toBe("IDR");
  });
});
