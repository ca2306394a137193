import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatMoney } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { and, eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { manualClock } from "../accounts/accounts.testing.ts";
import { auditLog } from "../audit/audit.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { htmx, join } from "../team/team.testing.ts";
import { balanceOf, type IspWithDebtors, ispWithDebtors, paymentIdOf, paymentsOf, payVia } from "./payments.testing.ts";

// Reversals, who may see which receipt, and a collector's day: through the real app, with a
// collector who joined by invitation.

const t = translator("id");
const at = (iso: string) => new Date(iso).getTime();
const clock = manualClock(at("2026-03-02T01:00:00Z")); // 2 March 2026, 08:00 WIB
const rp = (minor: number) => formatMoney(minor, "IDR", "id");
let cp: AssembledControlPlane;
let isp: IspWithDebtors;
let collector: { browser: TestClient; userId: string };

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
  isp = await ispWithDebtors(cp, clock);
  collector = await join(cp, isp.browser, isp.actor.tenantId, "collector", "Kolektor Andi");
}, 60_000); // Bun gives only the first test file the preload's default timeout.
afterAll(() => cp.close());

const html = async (browser: TestClient, path: string, status = 200) => {
  const res = await browser.get(path);
  expect({ path, status: res.status }).toEqual({ path, status });
  return res.text();
};
describe("reversing a payment", () => {
  test("an admin reverses with a reason; the receipt then says so; a second reversal is refused", async () => {
    const debtor = await isp.addDebtor("Rina Batal", null);
    const owed = await balanceOf(cp, isp.actor.tenantId, debtor.customerId);
    const { location } = await payVia(isp.browser, debtor.customerId); // the whole balance, as prefilled
    const id = paymentIdOf(location);
    const before = await html(isp.browser, `/payments/${id}/receipt`);
    expect(before).toContain(`action="/payments/${id}/reverse"`);
    expect(before).toContain("hx-confirm=");
    expect(before).not.toContain(t("payments.receipt.reversed"));

    for (const reason of ["", "ab", "x".repeat(201)]) {
      const bad = await isp.browser.post(`/payments/${id}/reverse`, { reason });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain(t("payments.error.reason"));
    }
    const refused = await isp.browser.post(`/payments/${id}/reverse`, { reason: "ab" }, htmx);
    expect(refused.status).toBe(400);
    const fragment = await refused.text();
    expect(fragment).toStartWith('<form id="reverse-form"');
    expect(fragment).toContain(t("payments.error.reason"));
    expect(await balanceOf(cp, isp.actor.tenantId, debtor.customerId)).toBe(0);

    const res = await isp.browser.post(`/payments/${id}/reverse`, { reason: "salah pelanggan" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/payments/${id}/receipt?done=reversed`);
    const after = await html(isp.browser, `/payments/${id}/receipt?done=reversed`);
    expect(after).toContain(t("payments.notice.reversed"));
    expect(after).toContain(t("payments.receipt.reversed"));
    expect(after).toContain(t("payments.receipt.reversedReason", { reason: "salah pelanggan" }));
    expect(after).not.toContain(`action="/payments/${id}/reverse"`);
    expect(await balanceOf(cp, isp.actor.tenantId, debtor.customerId)).toBe(owed);

    const again = await isp.browser.post(`/payments/${id}/reverse`, { reason: "dua kali" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(t("payments.error.alreadyReversed"));
    const againHtmx = await isp.browser.post(`/payments/${id}/reverse`, { reason: "dua kali" }, htmx);
    expect(againHtmx.status).toBe(409);
    expect(await againHtmx.text()).toContain(t("payments.error.alreadyReversed"));

    const rows = await paymentsOf(cp, isp.actor.tenantId, debtor.customerId);
    expect(rows.filter((p) => p.reversalOf === id).map((p) => p.reversalReason)).toEqual(["salah pelanggan"]);
    const audited = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "payment.reversed"), eq(auditLog.entityId, id))),
    );
    expect(audited).toHaveLength(1);

    // The list shows the reversal as its own row, its money going back, and the payment as reversed.
    const list = await html(isp.browser, "/payments");
    expect(list).toContain(t("payments.status.reversal"));
    expect(list).toContain(t("payments.status.reversed"));
    expect(list).toContain(formatMoney(-owed, "IDR", "id"));
  });

  test("with htmx, a reversal answers with where to go", async () => {
    const debtor = await isp.addDebtor("Hadi Htmx", null);
    const { location } = await payVia(isp.browser, debtor.customerId, { amount: "20.000" });
    const id = paymentIdOf(location);
    const res = await isp.browser.post(`/payments/${id}/reverse`, { reason: "uji coba" }, htmx);
    expect(res.status).toBe(204);
    expect(res.headers.get("hx-redirect")).toBe(`/payments/${id}/receipt?done=reversed`);
  });
});

describe("a collector", () => {
  test("records, sees their own receipts only, cannot reverse, and sees no one else's payments", async () => {
    const debtor = await isp.addDebtor("Joko Tunai", null);
    const mine = await payVia(collector.browser, debtor.customerId, { amount: "50.000" });
    expect(mine.res.status).toBe(303);
    const mineId = paymentIdOf(mine.location);
    const receipt = await html(collector.browser, mine.location);
    expect(receipt).toContain("Kolektor Andi");
    expect(receipt).toContain('href="/payments/day?day=2026-03-02"');
    const seenByAdmin = await html(isp.browser, mine.location);
    expect(seenByAdmin).toContain(`href="/payments/day?day=2026-03-02&amp;collector=${collector.userId}"`);
    expect(seenByAdmin).toContain(`action="/payments/${mineId}/reverse"`);
    expect(receipt).not.toContain(`action="/payments/${mineId}/reverse"`);

    const ownersDebtor = await isp.addDebtor("Punya Admin", null);
    const owners = paymentIdOf((await payVia(isp.browser, ownersDebtor.customerId, { amount: "10.000" })).location);
    await html(collector.browser, `/payments/${owners}/receipt`, 404);

    const reverse = await collector.browser.post(`/payments/${mineId}/reverse`, { reason: "coba batal" });
    expect(reverse.status).toBe(404);
    expect((await paymentsOf(cp, isp.actor.tenantId, debtor.customerId)).map((p) => p.reversalOf)).toEqual([null]);

    // The start page: search and today's takings, no list of everyone's payments.
    const start = await html(collector.browser, "/payments");
    expect(start).toContain(t("payments.search.label"));
    expect(start).toContain('href="/payments/day"');
    expect(start).not.toContain(t("payments.recent.title"));
    expect(start).not.toContain("Punya Admin");
    const found = await html(collector.browser, "/payments?q=Joko");
    expect(found).toContain("Joko Tunai");

    // The admin's list has both, and filters by who took the money and how.
    const byCollector = await html(isp.browser, `/payments?collector=${collector.userId}`);
    expect(byCollector).toContain("Joko Tunai");
    expect(byCollector).not.toContain("Punya Admin");
    const byMethod = await html(isp.browser, "/payments?method=ewallet");
    expect(byMethod).not.toContain("Joko Tunai");
    expect(byMethod).toContain(t("payments.list.emptyFiltered"));
    await html(isp.browser, "/payments?day=2026-02-31", 400);
    expect(await html(isp.browser, "/payments?day=2026-03-01")).not.toContain("Joko Tunai");
    expect(await html(isp.browser, "/payments?day=2026-03-02")).toContain("Joko Tunai");
  });

  test("a role without payments.record (a technician) gets 404 everywhere", async () => {
    const tech = await join(cp, isp.browser, isp.actor.tenantId, "technician", "Teknisi Budi");
    const debtor = await isp.addDebtor("Tidak Untuk Teknisi", null);
    for (const path of ["/payments", `/payments/new?customer=${debtor.customerId}`, "/payments/day"]) {
      await html(tech.browser, path, 404);
    }
    const res = await tech.browser.post("/payments", {
      token: crypto.randomUUID(),
      customer: debtor.customerId,
      amount: "10.000",
      method: "cash",
      receivedOn: "2026-03-02",
    });
    expect(res.status).toBe(404);
    expect(await paymentsOf(cp, isp.actor.tenantId, debtor.customerId)).toEqual([]);
  });
});

describe("a collector's day", () => {
  test("per method: count, total, reversed and net; the cash to hand over; the day's payments", async () => {
    const day = await join(cp, isp.browser, isp.actor.tenantId, "collector", "Kolektor Hari");
    const a = await isp.addDebtor("Hari Satu", null);
    const b = await isp.addDebtor("Hari Dua", null);
    const c = await isp.addDebtor("Hari Tiga", null);
    await payVia(day.browser, a.customerId, { amount: "100.000" });
    const wrong = paymentIdOf((await payVia(day.browser, b.customerId, { amount: "50.000" })).location);
    await payVia(day.browser, c.customerId, { amount: "30.000", method: "ewallet", reference: "DANA 77" });
    // Yesterday's (backdated) payment belongs to yesterday.
    await payVia(day.browser, a.customerId, { amount: "5.000", receivedOn: "2026-03-01" });
    expect((await isp.browser.post(`/payments/${wrong}/reverse`, { reason: "salah pelanggan" })).status).toBe(303);

    const page = await html(day.browser, "/payments/day");
    const cash = rowOf(page, "day-method-cash");
    expect(cash).toEqual(["Tunai", "2", rp(150_000), rp(50_000), rp(100_000)]);
    expect(rowOf(page, "day-method-ewallet")).toEqual(["E-wallet", "1", rp(30_000), rp(0), rp(30_000)]);
    expect(tile(page, "day-cash")).toBe(rp(100_000));
    expect(tile(page, "day-net")).toBe(rp(130_000));
    expect(tile(page, "day-count")).toBe("3");
    expect(page).toContain("Hari Satu");
    expect(page).toContain("DANA 77");
    expect(page).toContain(t("payments.status.reversed"));
    expect(page).not.toContain(rp(5_000));
    expect(page).not.toContain('id="day-collector"'); // no picker: only their own day

    const yesterday = await html(day.browser, "/payments/day?day=2026-03-01");
    expect(tile(yesterday, "day-cash")).toBe(rp(5_000));

    // The admin picks any collector and sees the same figures.
    const admin = await html(isp.browser, `/payments/day?collector=${day.userId}&day=2026-03-02`);
    expect(rowOf(admin, "day-method-cash")).toEqual(cash);
    expect(admin).toContain('id="day-collector"');
    expect(admin).toContain("Kolektor Hari");

    const bad = await html(day.browser, "/payments/day?day=2026-02-30", 400);
    expect(bad).toContain(t("payments.error.day"));
    expect(bad).toContain('value="2026-02-30"');
  });

  test("a collector cannot see another collector's day; nobody sees a stranger's", async () => {
    await html(collector.browser, `/payments/day?collector=${isp.actor.userId}`, 404);
    await html(collector.browser, `/payments/day?collector=${collector.userId}`);
    await html(isp.browser, `/payments/day?collector=${crypto.randomUUID()}`, 404);
    await html(isp.browser, "/payments/day?collector=nope", 404);
  });
});

describe("another ISP", () => {
  test("sees none of this ISP's receipts, cannot reverse them, and cannot open its collectors' days", async () => {
    const debtor = await isp.addDebtor("Milik ISP Satu", null);
    const id = paymentIdOf((await payVia(isp.browser, debtor.customerId, { amount: "40.000" })).location);
    const stranger = await ispWithDebtors(cp, clock);
    await html(stranger.browser, `/payments/${id}/receipt`, 404);
    const res = await stranger.browser.post(`/payments/${id}/reverse`, { reason: "bukan punya saya" });
    expect(res.status).toBe(404);
    expect((await paymentsOf(cp, isp.actor.tenantId, debtor.customerId)).map((p) => p.reversalOf)).toEqual([null]);
    await html(stranger.browser, `/payments/day?collector=${collector.userId}`, 404);
    expect(await html(stranger.browser, "/payments")).not.toContain("Milik ISP Satu");
    expect(await html(stranger.browser, "/payments?q=Milik")).not.toContain("Milik ISP Satu");
  });
});

/** The cells of a table row (by its id), tags stripped. */
function rowOf(page: string, id: string): string[] {
  const row = new RegExp(`<tr id="${id}"[^>]*>([\\s\\S]*?)</tr>`).exec(page)?.[1] ?? "";
  return [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => (m[1] ?? "").replace(/<[^>]+>/g, ""));
}

/** A stat tile's value (by the tile's id). */
function tile(page: string, id: string): string {
  const match = new RegExp(`<li[^>]*id="${id}"[^>]*>[\\s\\S]*?<p class="stat-value">([\\s\\S]*?)</p>`).exec(page);
  return (match?.[1] ?? "").replace(/<[^>]+>/g, "");
}
