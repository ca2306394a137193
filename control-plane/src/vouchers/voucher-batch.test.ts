import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { eq } from "drizzle-orm";
import { renderSVG } from "uqr";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { manualClock, signUp } from "../accounts/accounts.testing.ts";
import { billingSettings } from "../billing/billing-settings.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { escaped, expectEscaped, XSS } from "../team/team.testing.ts";
import {
  auditOf,
  createBatchVia,
  htmx,
  qrImagesOf,
  seedPlan,
  seedSite,
  setState,
  vouchersOf,
} from "./vouchers.testing.ts";

const t = translator("id");
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, manualClock());
}, 60_000); // Bun gives only the first test file the preload's default timeout.
afterAll(() => cp.close());

/** A new ISP with a batch of `count` vouchers; the owner's browser is signed in. */
async function ispWithBatch(count = 10, extra: Record<string, string> = {}) {
  const owner = await signUp(cp);
  const planId = await seedPlan(cp.database, owner.tenantId, { name: "Harian 5K" });
  const batchId = await createBatchVia(owner.browser, { planId, count: String(count), ...extra });
  const vouchers = await vouchersOf(cp.database, owner.tenantId, batchId);
  return { ...owner, planId, batchId, vouchers, base: `/vouchers/batches/${batchId}` };
}

const stateOf = async (tenantId: string, id: string) =>
  (await vouchersOf(cp.database, tenantId)).find((v) => v.id === id);

describe("selling and voiding one voucher", () => {
  test("follows the state machine: sell once, void an unsold or sold one, never an active one", async () => {
    const isp = await ispWithBatch(4);
    const [a, b, c, d] = isp.vouchers;
    if (!a || !b || !c || !d) throw new Error("batch too small");

    // htmx gets the row back, sold, with who bought it.
    const sold = await isp.browser.post(`${isp.base}/vouchers/${a.id}/sell`, { soldTo: "Warung Pak Joko" }, htmx);
    expect(sold.status).toBe(200);
    const row = await sold.text();
    expect(row).toStartWith(`<tr id="voucher-${a.id}"`);
    expect(row).toContain(t("vouchers.state.sold"));
    expect(row).toContain("Warung Pak Joko");
    expect(await stateOf(isp.tenantId, a.id)).toMatchObject({ state: "sold", soldTo: "Warung Pak Joko" });
    expect((await stateOf(isp.tenantId, a.id))?.soldAt).toBeInstanceOf(Date);
    const [audit] = await auditOf(cp.database, isp.tenantId, "voucher.sold");
    expect(audit).toMatchObject({ entityId: a.id, actorUserId: isp.user.id });
    expect(audit?.after).toMatchObject({ state: "sold", soldTo: "Warung Pak Joko" });

    // Selling it again is refused and explained; nothing changes.
    const again = await isp.browser.post(`${isp.base}/vouchers/${a.id}/sell`, { soldTo: "Orang lain" }, htmx);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(t("vouchers.refused.sold", { code: a.code }));
    expect(await stateOf(isp.tenantId, a.id)).toMatchObject({ soldTo: "Warung Pak Joko" });

    // Without JavaScript: a 303 back to the batch, filtered to that voucher.
    const plain = await isp.browser.post(`${isp.base}/vouchers/${b.id}/void`, { reason: "Lembar rusak" });
    expect(plain.status).toBe(303);
    expect(plain.headers.get("location")).toBe(`${isp.base}?q=${b.code}&done=voidedOne`);
    expect(await (await isp.browser.get(plain.headers.get("location") ?? "")).text()).toContain(
      t("vouchers.notice.voidedOne"),
    );
    expect(await stateOf(isp.tenantId, b.id)).toMatchObject({ state: "void" });
    const [voided] = await auditOf(cp.database, isp.tenantId, "voucher.voided");
    expect(voided?.before).toMatchObject({ state: "new", code: b.code });
    expect(voided?.after).toMatchObject({ state: "void", reason: "Lembar rusak" });

    // A sold voucher may still be voided (a refund); a reason is required.
    const noReason = await isp.browser.post(`${isp.base}/vouchers/${a.id}/void`, { reason: " " }, htmx);
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain(t("vouchers.error.reason"));
    expect(await stateOf(isp.tenantId, a.id)).toMatchObject({ state: "sold" });
    expect((await isp.browser.post(`${isp.base}/vouchers/${a.id}/void`, { reason: "Uang kembali" }, htmx)).status).toBe(
      200,
    );
    expect(await stateOf(isp.tenantId, a.id)).toMatchObject({ state: "void" });

    // Active and expired vouchers have been used: voiding them is refused, and the page says why.
    await setState(cp, isp.tenantId, c.id, "active");
    await setState(cp, isp.tenantId, d.id, "expired");
    for (const v of [c, d]) {
      const res = await isp.browser.post(`${isp.base}/vouchers/${v.id}/void`, { reason: "Coba batalkan" });
      expect(res.status).toBe(409);
      expect(await res.text()).toContain(escaped(t("vouchers.refused.usedNoVoid", { code: v.code })));
      const sell = await isp.browser.post(`${isp.base}/vouchers/${v.id}/sell`, {}, htmx);
      expect(sell.status).toBe(409);
      expect(await sell.text()).toContain(t("vouchers.refused.used", { code: v.code }));
    }
    expect(await stateOf(isp.tenantId, c.id)).toMatchObject({ state: "active" });
    expect(await stateOf(isp.tenantId, d.id)).toMatchObject({ state: "expired" });
    const page = await (await isp.browser.get(`${isp.base}?state=active`)).text();
    expect(page).toContain(t("vouchers.voucher.usedNoVoid"));
    expect(page).not.toContain(`${isp.base}/vouchers/${c.id}/void`);
    expect(await auditOf(cp.database, isp.tenantId, "voucher.voided")).toHaveLength(2);
  });

  test("what a buyer's name holds is shown escaped", async () => {
    const isp = await ispWithBatch(XSS.length);
    for (const [i, payload] of XSS.entries()) {
      const v = isp.vouchers[i];
      if (!v) throw new Error("batch too small");
      const res = await isp.browser.post(`${isp.base}/vouchers/${v.id}/sell`, { soldTo: payload }, htmx);
      expect(res.status).toBe(200);
      expectEscaped(await res.text(), payload);
    }
    const page = await (await isp.browser.get(isp.base)).text();
    for (const payload of XSS) expectEscaped(page, payload);
  });
});

describe("selling and voiding in bulk", () => {
  test("the first N new vouchers in code order, then all the rest; never more than there are", async () => {
    const isp = await ispWithBatch(10);
    const codes = isp.vouchers.map((v) => v.code);
    const first = await isp.browser.post(`${isp.base}/sell`, { count: "3", soldTo: "Reseller Ani" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe(`${isp.base}?done=sold&n=3`);
    let rows = await vouchersOf(cp.database, isp.tenantId, isp.batchId);
    expect(rows.filter((v) => v.state === "sold").map((v) => v.code)).toEqual(codes.slice(0, 3));
    expect(rows.filter((v) => v.state === "sold").every((v) => v.soldTo === "Reseller Ani")).toBe(true);
    const [audit] = await auditOf(cp.database, isp.tenantId, "voucher_batch.sold");
    expect(audit?.after).toMatchObject({ count: 3, soldTo: "Reseller Ani", codes: codes.slice(0, 3) });

    const tooMany = await isp.browser.post(`${isp.base}/sell`, { count: "8" }, htmx);
    expect(tooMany.status).toBe(409);
    const fragment = await tooMany.text();
    expect(fragment).toStartWith('<div id="bulk-sell"');
    expect(fragment).toContain(t("vouchers.error.notEnough", { n: "7" }));
    expect(fragment).toContain('value="8"');
    const bad = await isp.browser.post(`${isp.base}/sell`, { count: "0" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(t("vouchers.error.sellCount"));
    rows = await vouchersOf(cp.database, isp.tenantId, isp.batchId);
    expect(rows.filter((v) => v.state === "new")).toHaveLength(7);

    const rest = await isp.browser.post(`${isp.base}/sell`, { count: "" }, htmx);
    expect(rest.status).toBe(200);
    expect(rest.headers.get("hx-redirect")).toBe(`${isp.base}?done=sold&n=7`);
    expect(await (await isp.browser.get(`${isp.base}?done=sold&n=7`)).text()).toContain(
      t("vouchers.notice.sold", { n: "7" }),
    );
    rows = await vouchersOf(cp.database, isp.tenantId, isp.batchId);
    expect(rows.every((v) => v.state === "sold")).toBe(true);
    expect(rows.filter((v) => v.soldTo === null)).toHaveLength(7);
  });

  test("voiding every unsold voucher needs a reason, asks first, and leaves sold and used ones alone", async () => {
    const isp = await ispWithBatch(6);
    const [sold, active] = isp.vouchers;
    if (!sold || !active) throw new Error("batch too small");
    await isp.browser.post(`${isp.base}/vouchers/${sold.id}/sell`, {}, htmx);
    await setState(cp, isp.tenantId, active.id, "active");

    const page = await (await isp.browser.get(isp.base)).text();
    expect(page).toContain(`hx-confirm="${escaped(t("vouchers.bulk.voidConfirm", { n: "4" }))}"`);
    const noReason = await isp.browser.post(`${isp.base}/void`, { reason: "" });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('id="bulk-void-reason-error"');
    expect((await vouchersOf(cp.database, isp.tenantId)).filter((v) => v.state === "void")).toHaveLength(0);

    const res = await isp.browser.post(`${isp.base}/void`, { reason: "Lembar hilang di jalan" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${isp.base}?done=voided&n=4`);
    const rows = await vouchersOf(cp.database, isp.tenantId, isp.batchId);
    expect(rows.find((v) => v.id === sold.id)?.state).toBe("sold");
    expect(rows.find((v) => v.id === active.id)?.state).toBe("active");
    expect(rows.filter((v) => v.state === "void")).toHaveLength(4);
    const [audit] = await auditOf(cp.database, isp.tenantId, "voucher_batch.voided");
    expect(audit?.after).toMatchObject({ count: 4, reason: "Lembar hilang di jalan" });

    // Nothing left to void: refused, explained.
    for (const headers of [htmx, {}]) {
      const again = await isp.browser.post(`${isp.base}/void`, { reason: "Sekali lagi" }, headers);
      expect(again.status).toBe(409);
      expect(await again.text()).toContain(t("vouchers.error.nothingToVoid"));
    }
    expect(await auditOf(cp.database, isp.tenantId, "voucher_batch.voided")).toHaveLength(1);
  });
});

describe("the batch page", () => {
  test("filters by state, finds a code, and pages through the vouchers", async () => {
    const isp = await ispWithBatch(60);
    const [one, two] = isp.vouchers;
    if (!one || !two) throw new Error("batch too small");
    await isp.browser.post(`${isp.base}/vouchers/${two.id}/sell`, { soldTo: "Bu Tini" });
    const first = await (await isp.browser.get(isp.base)).text();
    expect(first.match(/<tr id="voucher-/g)).toHaveLength(50);
    expect(first).toContain(`href="${isp.base}?page=2"`);
    const second = await (await isp.browser.get(`${isp.base}?page=2`)).text();
    expect(second.match(/<tr id="voucher-/g)).toHaveLength(10);
    const sold = await (await isp.browser.get(`${isp.base}?state=sold`)).text();
    expect(sold.match(/<tr id="voucher-/g)).toHaveLength(1);
    expect(sold).toContain("Bu Tini");
    const typed = encodeURIComponent(` ${one.code.slice(1, 3).toLowerCase()} ${one.code.slice(3, 6)}`);
    const found = await (await isp.browser.get(`${isp.base}?q=${typed}`)).text();
    expect(found).toContain(`<tr id="voucher-${one.id}"`);
    const none = await (await isp.browser.get(`${isp.base}?q=ZZZZZZZZZZ`)).text();
    expect(none).toContain(t("vouchers.batch.noMatch"));
    // Nonsense in the query string is ignored, not an error.
    for (const query of ["state=bogus&page=-3", `q=${"A".repeat(500)}`, "page=99999999999", "q=%00"]) {
      expect((await isp.browser.get(`${isp.base}?${query}`)).status, query).toBe(200);
    }
    expect((await isp.browser.get("/vouchers?page=abc")).status).toBe(200);
  });

  test("exports the codes as CSV: BOM, a header, one row per voucher, formulas defused", async () => {
    const isp = await ispWithBatch(3);
    const [v] = isp.vouchers;
    if (!v) throw new Error("batch too small");
    await isp.browser.post(`${isp.base}/vouchers/${v.id}/sell`, { soldTo: '=HYPERLINK("http://evil","x")' });
    const res = await isp.browser.get(`${isp.base}/vouchers.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toStartWith('attachment; filename="voucher-');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split("\r\n");
    expect(lines[0]).toBe("Kode,Status,Terjual ke,Terjual,Aktif sejak,Berakhir");
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(isp.vouchers.map((x) => x.code));
    const soldLine = lines.find((l) => l.startsWith(v.code));
    expect(soldLine).toContain(`,Terjual,"'=HYPERLINK(""http://evil"",""x"")",`);
    expect(soldLine).toMatch(/,\d{4}-\d{2}-\d{2} \d{2}:\d{2},,$/);
  });
});

describe("the printable sheet", () => {
  test("40 cards with 40 QR codes of the login URL with each code, new and sold only", async () => {
    const isp = await ispWithBatch(43, { prefix: "HS-", price: "5000" });
    const [voided, active, sold] = isp.vouchers;
    if (!voided || !active || !sold) throw new Error("batch too small");
    await isp.browser.post(`${isp.base}/vouchers/${voided.id}/void`, { reason: "Rusak" });
    await setState(cp, isp.tenantId, active.id, "active");
    await isp.browser.post(`${isp.base}/vouchers/${sold.id}/sell`, {});

    const res = await isp.browser.get(`${isp.base}/print`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("img-src 'self' data:");
    const html = await res.text();
    expect(html).not.toContain("style=");
    expect(html).not.toContain("app-sidebar");
    expect(html.match(/<li class="voucher-card">/g)).toHaveLength(41);
    expect(html.match(/<section class="voucher-sheet"/g)).toHaveLength(2);
    expect(html).toContain(`<h1>${t("vouchers.sheet.title", { plan: "Harian 5K" })}</h1>`);
    expect(html).toContain(isp.fields.ispName);
    expect(html).toContain("1 hari");
    expect(html).toContain("Rp");
    expect(html).toContain(`href="${isp.base}"`);
    expect(html).not.toContain(`>${voided.code}<`);
    expect(html).not.toContain(`>${active.code}<`);
    expect(html).toContain(`<p class="voucher-code">${sold.code}</p>`);

    // Each QR image is the tenant's default login URL with the card's code, and no style or script.
    const images = qrImagesOf(html);
    expect(images).toHaveLength(41);
    const printed = isp.vouchers.filter((v) => v !== voided && v !== active);
    const url = (code: string) => `http://hotspot.login/login?username=${code}&password=${code}`;
    for (const [i, v] of printed.entries()) {
      expect(images[i]).toBe(renderSVG(url(v.code), { ecc: "M", border: 2, pixelSize: 1 }));
      expect(html).toContain(`<p class="voucher-code">${v.code}</p>`);
    }
    for (const svg of images) expect(svg).not.toMatch(/style|script|on\w+=/i);

    const fresh = await (await isp.browser.get(`${isp.base}/print?state=new`)).text();
    expect(fresh.match(/<li class="voucher-card">/g)).toHaveLength(40);
    expect(qrImagesOf(fresh)).toHaveLength(40);
    expect(fresh).not.toContain(`>${sold.code}<`);
  });

  test("the site's login URL wins over the ISP's, with the code URL-encoded in it", async () => {
    const owner = await signUp(cp);
    const planId = await seedPlan(cp.database, owner.tenantId);
    await cp.database.withTenant(owner.tenantId, (tx) =>
      tx
        .update(billingSettings)
        .set({ hotspotLoginUrl: "https://isp.example/login?u={code}" })
        .where(eq(billingSettings.tenantId, owner.tenantId)),
    );
    const siteId = await seedSite(cp.database, owner.tenantId, {
      hotspotLoginUrl: "http://10.5.50.1/login?username={code}&password={code}&dst=",
    });
    const atSite = await createBatchVia(owner.browser, { planId, siteId, count: "1", prefix: "A-" });
    const anywhere = await createBatchVia(owner.browser, { planId, count: "1", prefix: "B-" });
    const [siteVoucher] = await vouchersOf(cp.database, owner.tenantId, atSite);
    const [tenantVoucher] = await vouchersOf(cp.database, owner.tenantId, anywhere);
    if (!siteVoucher || !tenantVoucher) throw new Error("no vouchers");

    const svg = (text: string) => renderSVG(text, { ecc: "M", border: 2, pixelSize: 1 });
    const [site] = qrImagesOf(await (await owner.browser.get(`/vouchers/batches/${atSite}/print`)).text());
    const code = encodeURIComponent(siteVoucher.code);
    expect(site).toBe(svg(`http://10.5.50.1/login?username=${code}&password=${code}&dst=`));
    const [tenant] = qrImagesOf(await (await owner.browser.get(`/vouchers/batches/${anywhere}/print`)).text());
    expect(tenant).toBe(svg(`https://isp.example/login?u=${encodeURIComponent(tenantVoucher.code)}`));
  });
});

describe("another tenant's batch", () => {
  test("answers 404 everywhere, like a missing one, and stays unchanged", async () => {
    const victim = await ispWithBatch(2);
    const intruder = await signUp(cp);
    const [v] = victim.vouchers;
    if (!v) throw new Error("batch too small");
    for (const path of [victim.base, `${victim.base}/print`, `${victim.base}/vouchers.csv`, "/vouchers/batches/nope"]) {
      expect((await intruder.browser.get(path)).status, path).toBe(404);
    }
    const posts: [string, Record<string, string>][] = [
      [`${victim.base}/sell`, { count: "1" }],
      [`${victim.base}/sell`, { count: "abc" }],
      [`${victim.base}/void`, { reason: "Saya mau" }],
      [`${victim.base}/vouchers/${v.id}/sell`, { soldTo: "x" }],
      [`${victim.base}/vouchers/${v.id}/void`, { reason: "Saya mau" }],
    ];
    for (const [path, form] of posts) {
      expect((await intruder.browser.post(path, form)).status, path).toBe(404);
      expect((await intruder.browser.post(path, form, htmx)).status, path).toBe(404);
    }
    expect((await vouchersOf(cp.database, victim.tenantId)).map((x) => x.state)).toEqual(["new", "new"]);
    // Its own voucher id under another batch's URL is not found either.
    const own = await ispWithBatch(1);
    const [mine] = own.vouchers;
    expect((await own.browser.post(`${victim.base}/vouchers/${mine?.id}/sell`, {})).status).toBe(404);
  });
});
