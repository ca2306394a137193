import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatMoney } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { manualClock, signUp } from "../accounts/accounts.testing.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { escaped, expectEscaped, join } from "../team/team.testing.ts";
import { vouchers } from "./vouchers.tables.ts";
import { auditOf, batchesOf, createBatchVia, seedPlan, seedSite, vouchersOf } from "./vouchers.testing.ts";

const t = translator("id");
const CODE = /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]+$/;
const clock = manualClock();
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
}, 60_000); // Bun gives only the first test file the preload's default timeout.
afterAll(() => cp.close());

/** A new ISP with one voucher plan; its owner's browser is signed in. */
async function ispWithPlan(values: Parameters<typeof seedPlan>[2] = {}) {
  const owner = await signUp(cp);
  const planId = await seedPlan(cp.database, owner.tenantId, values);
  return { ...owner, planId };
}

describe("creating a batch", () => {
  test("40 distinct codes of the prefix, length and alphabet, unique across two batches, audited", async () => {
    const isp = await ispWithPlan();
    const first = await createBatchVia(isp.browser, { planId: isp.planId, prefix: "WR-", count: "40" });
    const page = await (await isp.browser.get(`/vouchers/batches/${first}?done=created&n=40`)).text();
    expect(page).toContain(t("vouchers.notice.created", { n: "40" }));
    clock.advance(60_000);
    const second = await createBatchVia(isp.browser, { planId: isp.planId, prefix: "WR-", count: "40" });

    const a = await vouchersOf(cp.database, isp.tenantId, first);
    const b = await vouchersOf(cp.database, isp.tenantId, second);
    expect(a).toHaveLength(40);
    expect(b).toHaveLength(40);
    for (const v of [...a, ...b]) {
      expect(v.code).toStartWith("WR-");
      expect(v.code).toHaveLength(9);
      expect(v.code.slice(3)).toMatch(CODE);
      expect(v.state).toBe("new");
    }
    expect(new Set([...a, ...b].map((v) => v.code)).size).toBe(80);

    const [batch] = (await batchesOf(cp.database, isp.tenantId)).filter((row) => row.id === first);
    expect(batch).toMatchObject({ count: 40, prefix: "WR-", codeLength: 6, price: 5_000, validityDays: 1 });
    expect(batch?.validityHours).toBeNull();
    expect(batch?.createdBy).toBe(isp.user.id);
    const audits = await auditOf(cp.database, isp.tenantId, "voucher_batch.created");
    expect(audits.map((r) => r.entityId)).toEqual([first, second]);
    expect(audits[0]?.after).toMatchObject({ count: 40, prefix: "WR-", price: 5_000 });

    // The list: newest first, with the counts per state.
    const list = await (await isp.browser.get("/vouchers")).text();
    expect(list.indexOf(`batch-${second}`)).toBeLessThan(list.indexOf(`batch-${first}`));
    expect(list).toContain(isp.fields.ownerName);
    expect(list).toContain(formatMoney(5_000, "IDR", "id"));
    expect(list).toContain('<td data-label="Baru" class="num">40</td>');
  });

  test("an ISP without batches sees the empty state; the form offers only current hotspot or prepaid plans", async () => {
    const owner = await signUp(cp);
    const empty = await (await owner.browser.get("/vouchers")).text();
    expect(empty).toContain(t("vouchers.batches.empty"));
    expect(empty).toContain('href="/vouchers/new"');
    expect(await (await owner.browser.get("/vouchers/new")).text()).toContain(t("vouchers.new.noPlans"));

    const hourly = await seedPlan(cp.database, owner.tenantId, {
      name: "Voucher 3 Jam",
      validityDays: null,
      validityHours: 3,
    });
    const monthlyHotspot = await seedPlan(cp.database, owner.tenantId, {
      name: "Hotspot Bulanan",
      cycle: "monthly",
      validityDays: null,
    });
    const pppoe = await seedPlan(cp.database, owner.tenantId, {
      name: "Rumah 20M",
      type: "pppoe",
      cycle: "monthly",
      validityDays: null,
    });
    const archived = await seedPlan(cp.database, owner.tenantId, { name: "Lama", archivedAt: new Date() });
    const form = await (await owner.browser.get("/vouchers/new")).text();
    expect(form).toContain(`value="${hourly}"`);
    expect(form).toContain("Voucher 3 Jam — Rp");
    expect(form).toContain("3 jam");
    expect(form).toContain(`value="${monthlyHotspot}"`);
    expect(form).not.toContain(`value="${pppoe}"`);
    expect(form).not.toContain(`value="${archived}"`);
    expect(form).toContain(t("vouchers.site.all"));
    expect(form).toContain('value="6"');

    // The validity is copied from the plan: hours, or 30 days for a monthly hotspot plan.
    const h = await createBatchVia(owner.browser, { planId: hourly, count: "5" });
    const m = await createBatchVia(owner.browser, { planId: monthlyHotspot, count: "5" });
    const rows = await batchesOf(cp.database, owner.tenantId);
    expect(rows.find((r) => r.id === h)).toMatchObject({ validityHours: 3, validityDays: null });
    expect(rows.find((r) => r.id === m)).toMatchObject({ validityHours: null, validityDays: 30 });
  });

  test("the price defaults to the plan's, reads what people type, and a reseller price and site are kept", async () => {
    const isp = await ispWithPlan({ price: 10_000 });
    const siteId = await seedSite(cp.database, isp.tenantId, { name: "Warung Bu Sri" });
    const plain = await createBatchVia(isp.browser, { planId: isp.planId, count: "1" });
    const typed = await createBatchVia(isp.browser, {
      planId: isp.planId,
      siteId,
      count: "1.000",
      price: "Rp 7.500,-",
      resellerPrice: "6.000",
    });
    const rows = await batchesOf(cp.database, isp.tenantId);
    expect(rows.find((r) => r.id === plain)).toMatchObject({ price: 10_000, resellerPrice: null, siteId: null });
    expect(rows.find((r) => r.id === typed)).toMatchObject({ price: 7_500, resellerPrice: 6_000, siteId, count: 1000 });
    expect(await vouchersOf(cp.database, isp.tenantId, typed)).toHaveLength(1000);
    const page = await (await isp.browser.get(`/vouchers/batches/${typed}`)).text();
    expect(page).toContain("Warung Bu Sri");
    expect(page).toContain(formatMoney(7_500, "IDR", "id"));
    expect(page).toContain(formatMoney(6_000, "IDR", "id"));
  });
});

describe("bad input", () => {
  test("each bad field is explained beside it, what was typed is kept, and nothing is written", async () => {
    const isp = await ispWithPlan();
    const other = await ispWithPlan();
    const otherSite = await seedSite(cp.database, other.tenantId);
    const monthly = await seedPlan(cp.database, isp.tenantId, { type: "pppoe", cycle: "monthly", validityDays: null });
    const archived = await seedPlan(cp.database, isp.tenantId, { archivedAt: new Date() });
    const cases: [Record<string, string>, number, string, string][] = [
      [{ count: "0" }, 400, "batch-count", t("vouchers.error.count")],
      [{ count: "10001" }, 400, "batch-count", t("vouchers.error.count")],
      [{ count: "" }, 400, "batch-count", t("vouchers.error.count")],
      [{ prefix: "wr-" }, 400, "batch-prefix", t("vouchers.error.prefix")],
      [{ prefix: "TERLALU-PANJANG" }, 400, "batch-prefix", t("vouchers.error.prefix")],
      [{ codeLength: "3" }, 400, "batch-length", t("vouchers.error.codeLength")],
      [{ codeLength: "33" }, 400, "batch-length", t("vouchers.error.codeLength")],
      [{ price: "abc" }, 400, "batch-price", t("vouchers.error.price")],
      [{ price: "-5000" }, 400, "batch-price", t("vouchers.error.price")],
      [{ resellerPrice: "lima ribu" }, 400, "batch-reseller-price", t("vouchers.error.price")],
      [{ planId: "not-a-uuid" }, 400, "batch-plan", t("vouchers.error.plan")],
      [{ planId: monthly }, 422, "batch-plan", t("vouchers.error.planNotVoucher")],
      [{ planId: archived }, 422, "batch-plan", t("vouchers.error.planArchived")],
      [{ planId: other.planId }, 422, "batch-plan", t("vouchers.error.plan")],
      [{ siteId: otherSite }, 422, "batch-site", t("vouchers.error.site")],
      [{ price: "5000", resellerPrice: "6000" }, 422, "batch-reseller-price", t("vouchers.error.resellerAbovePrice")],
    ];
    for (const [fields, status, id, message] of cases) {
      const form = { planId: isp.planId, count: "40", prefix: "AB", codeLength: "6", ...fields };
      const res = await isp.browser.post("/vouchers", form);
      expect(res.status, JSON.stringify(fields)).toBe(status);
      const html = await res.text();
      expect(html, JSON.stringify(fields)).toContain(`<p class="adm-error" id="${id}-error">${escaped(message)}</p>`);
      for (const value of Object.values(fields))
        if (value && !id.endsWith("plan") && !id.endsWith("site")) expect(html).toContain(`value="${value}"`);
    }
    expect(await batchesOf(cp.database, isp.tenantId)).toHaveLength(0);
    expect(await vouchersOf(cp.database, isp.tenantId)).toHaveLength(0);
    expect(await auditOf(cp.database, isp.tenantId, "voucher_batch.created")).toHaveLength(0);
    expect(await batchesOf(cp.database, other.tenantId)).toHaveLength(0);
  });

  test("a batch the code space cannot hold says which length would", async () => {
    const isp = await ispWithPlan();
    // Four characters hold 16 codes (2^20 / 2^16); five hold 512.
    const res = await isp.browser.post("/vouchers", { planId: isp.planId, count: "20", prefix: "", codeLength: "4" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(escaped(t("vouchers.error.spaceTooSmall", { length: 4, remaining: "16", suggested: 5 })));
    expect(html).toContain('id="batch-length-error"');
    expect(await batchesOf(cp.database, isp.tenantId)).toHaveLength(0);

    // Codes already taken count: after 10 of length 4, only 6 more fit.
    await createBatchVia(isp.browser, { planId: isp.planId, count: "10", codeLength: "4" });
    const again = await isp.browser.post("/vouchers", { planId: isp.planId, count: "7", codeLength: "4" });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain(
      escaped(t("vouchers.error.spaceTooSmall", { length: 4, remaining: "6", suggested: 5 })),
    );
    expect(await vouchersOf(cp.database, isp.tenantId)).toHaveLength(10);
  });

  test("markup cannot get into a prefix: refused by the format, and shown escaped", async () => {
    const isp = await ispWithPlan();
    const payload = "<script>alert(1)</script>";
    const res = await isp.browser.post("/vouchers", { planId: isp.planId, count: "1", prefix: payload });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(t("vouchers.error.prefix"));
    expectEscaped(html, payload);
    expect(await batchesOf(cp.database, isp.tenantId)).toHaveLength(0);
  });
});

describe("codes per tenant", () => {
  test("unique within a tenant; another tenant may hold the same code", async () => {
    const a = await ispWithPlan();
    const b = await ispWithPlan();
    const batchA = await createBatchVia(a.browser, { planId: a.planId, count: "3" });
    const batchB = await createBatchVia(b.browser, { planId: b.planId, count: "1" });
    const [taken] = await vouchersOf(cp.database, a.tenantId, batchA);
    if (!taken) throw new Error("no voucher");
    const row = (tenantId: string, batchId: string) => ({
      tenantId,
      id: crypto.randomUUID(),
      batchId,
      code: taken.code,
    });

    await cp.database.withTenant(b.tenantId, (tx) => tx.insert(vouchers).values(row(b.tenantId, batchB)));
    expect((await vouchersOf(cp.database, b.tenantId)).map((v) => v.code)).toContain(taken.code);

    let refused: unknown;
    await cp.database
      .withTenant(a.tenantId, (tx) => tx.insert(vouchers).values(row(a.tenantId, batchA)))
      .catch((error: unknown) => {
        refused = error;
      });
    expect(isUniqueViolation(refused, "vouchers_code_unique")).toBe(true);
    expect(await vouchersOf(cp.database, a.tenantId)).toHaveLength(3);
  });
});

describe("who may", () => {
  test("a collector gets 404 on every voucher page and action, and nothing changes", async () => {
    const isp = await ispWithPlan();
    const batchId = await createBatchVia(isp.browser, { planId: isp.planId, count: "2" });
    const [voucher] = await vouchersOf(cp.database, isp.tenantId, batchId);
    const collector = await join(cp, isp.browser, isp.tenantId, "collector");
    for (const path of [
      "/vouchers",
      "/vouchers/new",
      `/vouchers/batches/${batchId}`,
      `/vouchers/batches/${batchId}/print`,
      `/vouchers/batches/${batchId}/vouchers.csv`,
    ]) {
      expect((await collector.browser.get(path)).status, path).toBe(404);
    }
    const posts: [string, Record<string, string>][] = [
      ["/vouchers", { planId: isp.planId, count: "1" }],
      [`/vouchers/batches/${batchId}/sell`, {}],
      [`/vouchers/batches/${batchId}/void`, { reason: "hilang" }],
      [`/vouchers/batches/${batchId}/vouchers/${voucher?.id}/sell`, {}],
    ];
    for (const [path, form] of posts) expect((await collector.browser.post(path, form)).status, path).toBe(404);
    expect(await batchesOf(cp.database, isp.tenantId)).toHaveLength(1);
    expect((await vouchersOf(cp.database, isp.tenantId)).map((v) => v.state)).toEqual(["new", "new"]);
    // The menu does not offer what the role cannot open.
    const home = await collector.browser.get("/app");
    expect(home.status).toBe(200);
    const menu = await home.text();
    expect(menu).toContain('href="/payments"');
    expect(menu).not.toContain('href="/vouchers"');
  });
});
