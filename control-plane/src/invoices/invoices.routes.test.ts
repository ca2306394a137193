import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatMoney } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { manualClock, signUp } from "../accounts/accounts.testing.ts";
import { type TestIsp, testIsp, testMeta } from "../billing/money-flow.testing.ts";
import { runDunning } from "../dunning/dunning.usecases.ts";
import { recordPayment } from "../payments/payments.usecases.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { changePlan } from "../subscriptions/subscription-plan.usecases.ts";
import { tenantOf } from "../subscriptions/subscriptions.usecases.ts";
import { escaped, expectEscaped, htmx, join } from "../team/team.testing.ts";
import { tenants } from "../tenants/tenants.tables.ts";
import {
  auditOf,
  invoiceRow,
  listedIds,
  moveTo,
  ownerBrowser,
  setInvoiceFooter,
  subscribe,
  textOfId,
} from "./invoices.testing.ts";
import { voidInvoice } from "./invoices.usecases.ts";

// The invoice pages against the real app: invoices made by the real use-cases on a clock the
// test moves (2 March: activations, payments, a void, a credit note; 6 March: reminders; 12 March:
// the pages; 1 April: the billing run), read back as a person sees them.

const t = translator("id");
const en = translator("en");
const clock = manualClock(new Date("2026-03-02T03:00:00Z").getTime()); // Monday 2 March, 10:00 WIB
let cp: AssembledControlPlane;
const deps = () => ({ database: cp.database, clock, secretBox: cp.secretBox });
const rp = (minor: number, locale: "id" | "en" = "id") => formatMoney(minor, "IDR", locale);

const XSS_NAME = "<script>alert(1)</script>";
const XSS_PLAN = "<img src=x onerror=alert(1)>";
const XSS_FOOTER = '"><script>alert(2)</script>';

type Inv = Awaited<ReturnType<typeof subscribe>>["invoice"];

// ISP 1: one invoice of every kind. ISP 2: hostile names, and invoices to void through the page.
let isp: TestIsp;
let other: TestIsp;
const inv = {} as Record<"unpaid" | "partial" | "paid" | "void" | "paidFirst" | "credit" | "fresh", Inv>;
const ids = {} as Record<"agus" | "bambang" | "fajar", string>;
let hostile: Inv;
let toVoid: Inv;
let owner: TestClient;
let otherOwner: TestClient;
let collector: TestClient;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
  isp = await testIsp(cp, "Asia/Jakarta", clock);
  other = await testIsp(cp, "Asia/Jakarta", clock);
  const home = await isp.addPlan({ name: "Rumah 20", price: 150_000, taxRateBp: 1100, taxInclusive: false });
  const big = await isp.addPlan({ name: "Rumah 50", price: 250_000, taxRateBp: 1100, taxInclusive: false });
  ids.agus = await isp.addCustomer("Agus Wibowo");
  ids.bambang = await isp.addCustomer("Bambang Sutrisno");
  const citra = await isp.addCustomer("Citra Lestari");
  const dewi = await isp.addCustomer("Dewi Anggraini");
  const eka = await isp.addCustomer("Eka Putri");
  ids.fajar = await isp.addCustomer("Fajar Nugroho");

  inv.unpaid = (await subscribe(cp, isp, ids.agus, home)).invoice;
  inv.partial = (await subscribe(cp, isp, ids.bambang, home)).invoice;
  inv.paid = (await subscribe(cp, isp, citra, home)).invoice;
  inv.void = (await subscribe(cp, isp, dewi, home)).invoice;
  const ekaSub = await subscribe(cp, isp, eka, big);
  inv.paidFirst = ekaSub.invoice;
  const pay = (customerId: string, invoiceId: string, amountMinor: number) =>
    recordPayment(
      deps(),
      isp.actor,
      { customerId, invoiceId, amountMinor, method: "cash", reference: null, receivedAt: null },
      testMeta,
    );
  await pay(ids.bambang, inv.partial.id, 50_000);
  await pay(citra, inv.paid.id, inv.paid.total);
  await pay(eka, inv.paidFirst.id, inv.paidFirst.total);
  await voidInvoice(deps(), isp.actor, inv.void.id, "Tertagih dua kali", testMeta);
  // Down a plan in the billed month: the unused days of the dearer plan come back as a credit note.
  const down = await changePlan(deps(), isp.actor, ekaSub.subscriptionId, home, testMeta);
  inv.credit = await invoiceRow(cp, isp.actor.tenantId, down.invoice?.id as string);
  await setInvoiceFooter(
    cp,
    isp.actor.tenantId,
    "Transfer ke BCA 123-456-7890\na.n. Net Desa\n\nKonfirmasi: 0812-0000-1111",
  );

  const xssPlan = await other.addPlan({ name: XSS_PLAN, price: 100_000 });
  hostile = (await subscribe(cp, other, await other.addCustomer(XSS_NAME), xssPlan)).invoice;
  toVoid = (await subscribe(cp, other, await other.addCustomer("Hadi Saputra"), xssPlan)).invoice;
  await setInvoiceFooter(cp, other.actor.tenantId, XSS_FOOTER);

  // 6 March, three days before the due date: dunning sends the first reminders.
  moveTo(clock, "2026-03-06T02:00:00Z");
  await runDunning({ ...deps(), sealing: cp }, tenantOf(isp.actor));
  // 12 March: Agus and Bambang are overdue; Fajar subscribes today.
  moveTo(clock, "2026-03-12T03:00:00Z");
  inv.fresh = (await subscribe(cp, isp, ids.fajar, home)).invoice;
  owner = await ownerBrowser(cp, isp);
  otherOwner = await ownerBrowser(cp, other);
  collector = (await join(cp, owner, isp.actor.tenantId, "collector", "Rudi Penagih")).browser;
}, 60_000);
afterAll(() => cp.close());

const html = async (browser: TestClient, path: string, status = 200) => {
  const res = await browser.get(path);
  expect(res.status).toBe(status);
  return res.text();
};

describe("the list", () => {
  test("each status tab shows exactly its invoices, newest first", async () => {
    const all = await html(owner, "/invoices");
    expect(listedIds(all)).toEqual(
      [inv.fresh, inv.credit, inv.paidFirst, inv.void, inv.paid, inv.partial, inv.unpaid].map((i) => i.id),
    );
    const cases: [string, Inv[]][] = [
      ["unpaid", [inv.fresh, inv.partial, inv.unpaid]],
      ["overdue", [inv.partial, inv.unpaid]],
      ["open", [inv.fresh, inv.unpaid]],
      ["partially_paid", [inv.partial]],
      ["paid", [inv.paidFirst, inv.paid]],
      ["void", [inv.void]],
      ["credit", [inv.credit]],
    ];
    for (const [status, expected] of cases) {
      const page = await html(owner, `/invoices?status=${status}`);
      expect({ status, ids: listedIds(page) }).toEqual({ status, ids: expected.map((i) => i.id) });
      expect(page).toContain(`href="/invoices?status=${status}" aria-current="page"`);
    }
    // A status nobody offers is just "all".
    expect(listedIds(await html(owner, "/invoices?status=bogus"))).toHaveLength(7);
  });

  test("a row: number, customer, period, dates, amounts and the status badge", async () => {
    const page = await html(owner, "/invoices");
    const row = (id: string) => new RegExp(`<tr id="invoice-${id}"[\\s\\S]*?</tr>`).exec(page)?.[0] ?? "";
    const partial = row(inv.partial.id);
    expect(partial).toContain(`href="/invoices/${inv.partial.id}"`);
    expect(partial).toContain(inv.partial.number);
    expect(partial).toContain(`href="/customers/${ids.bambang}"`);
    expect(partial).toContain("Bambang Sutrisno");
    expect(partial).toContain("Maret 2026");
    expect(partial).toContain("2 Mar 2026");
    expect(partial).toContain('class="invoice-overdue"');
    expect(partial).toContain(rp(inv.partial.total));
    expect(partial).toContain(rp(50_000));
    expect(partial).toContain(rp(inv.partial.total - 50_000));
    expect(partial).toContain(`badge-tone-warn">${t("invoices.status.partially_paid")}`);
    expect(row(inv.unpaid.id)).toContain(`badge-tone-danger">${t("invoices.status.overdue")}`);
    expect(row(inv.fresh.id)).toContain(`badge-tone-danger">${t("invoices.status.open")}`);
    expect(row(inv.fresh.id)).not.toContain("invoice-overdue");
    expect(row(inv.paid.id)).toContain(`badge-tone-ok">${t("invoices.status.paid")}`);
    expect(row(inv.void.id)).toContain(`badge-tone-muted">${t("invoices.status.void")}`);
    const credit = row(inv.credit.id);
    expect(credit).toContain(`badge-tone-info">${t("invoices.status.credit")}`);
    expect(credit).toContain(t("invoices.period.oneOff"));
    expect(credit).toContain(rp(inv.credit.total));
    expect(inv.credit.total).toBeLessThan(0);
  });

  test("search by number or by part of the customer's name, as a page and as htmx's fragment", async () => {
    const byNumber = await html(owner, `/invoices?q=${encodeURIComponent(inv.paid.number)}`);
    expect(listedIds(byNumber)).toEqual([inv.paid.id]);
    expect(listedIds(await html(owner, "/invoices?q=bAmBaNg"))).toEqual([inv.partial.id]);
    // The search keeps the tab: Eka's paid invoice, not her credit note.
    expect(listedIds(await html(owner, "/invoices?q=eka&status=paid"))).toEqual([inv.paidFirst.id]);
    const fragment = await (await owner.get("/invoices?q=citra", htmx)).text();
    expect(listedIds(fragment)).toEqual([inv.paid.id]);
    // LIKE's wildcards are searched for, not obeyed.
    const none = await html(owner, "/invoices?q=%25");
    expect(listedIds(none)).toEqual([]);
    expect(none).toContain(t("invoices.empty.search", { q: "%" }));
  });

  test("one customer's invoices, from the customer page; empty states say what is missing", async () => {
    const agus = await html(owner, `/invoices?customer=${ids.agus}`);
    expect(agus).toContain(t("invoices.titleOf", { name: "Agus Wibowo" }));
    expect(listedIds(agus)).toEqual([inv.unpaid.id]);
    expect(agus).toContain(`href="/invoices?customer=${ids.agus}&amp;status=paid"`);
    const none = await html(owner, `/invoices?customer=${ids.agus}&status=paid`);
    expect(listedIds(none)).toEqual([]);
    expect(none).toContain(t("invoices.empty.paid"));
    expect(await html(owner, `/invoices?customer=${ids.fajar}&status=credit`)).toContain(t("invoices.empty.credit"));
    expect(await html(owner, `/invoices?customer=${ids.fajar}&status=overdue`)).toContain(t("invoices.empty.overdue"));

    const fresh = await signUp(cp);
    const empty = await html(fresh.browser, "/invoices");
    expect(empty).toContain(t("invoices.empty.all"));
    expect(empty).toContain(t("invoices.run.button"));
    expect(await html(fresh.browser, "/invoices?status=void")).toContain(t("invoices.empty.void"));
  });

  test("paging: 50 a page, with links that keep the filters", async () => {
    const page = await html(owner, "/invoices?status=unpaid&page=2");
    expect(listedIds(page)).toEqual([]);
    expect(page).toContain('href="/invoices?status=unpaid" rel="prev"');
    expect(listedIds(await html(owner, "/invoices?page=abc"))).toHaveLength(7);
  });
});

describe("one invoice", () => {
  test("derived status and amounts, lines, the reminders sent and the payments that named it", async () => {
    const page = await html(owner, `/invoices/${inv.partial.id}`);
    expect(page).toContain(t("invoices.detail.title", { number: inv.partial.number }));
    expect(page).toContain(`badge-tone-warn">${t("invoices.status.partially_paid")}`);
    expect(textOfId(page, "invoice-total")).toContain(rp(inv.partial.total));
    expect(textOfId(page, "invoice-paid")).toContain(rp(50_000));
    expect(textOfId(page, "invoice-open")).toContain(rp(inv.partial.total - 50_000));
    expect(page).toContain("Rumah 20 · 02/03/2026 – 31/03/2026 (30/31 hari)");
    expect(page).toContain(`11%</td>`);
    expect(page).toContain(rp(inv.partial.subtotal));
    expect(page).toContain(rp(inv.partial.tax));
    expect(textOfId(page, "invoice-reminders")).toContain(t("invoices.reminders.before", { n: 3 }));
    expect(textOfId(page, "invoice-reminders")).toContain("6 Mar 2026");
    expect(page).toContain(t("invoices.method.cash"));
    expect(page).toContain(`href="/payments/new?customer=${ids.bambang}&amp;invoice=${inv.partial.id}"`);
    expect(page).toContain(`href="/invoices/${inv.partial.id}/print"`);
    expect(page).toContain('id="invoice-void"');

    const paid = await html(owner, `/invoices/${inv.paid.id}`);
    expect(paid).toContain(`badge-tone-ok">${t("invoices.status.paid")}`);
    expect(textOfId(paid, "invoice-open")).toContain(rp(0));
    expect(paid).toContain(t("invoices.reminders.none"));
    expect(paid).toContain(t("invoices.void.paidText", { amount: rp(inv.paid.total) }));
  });

  test("a credit note shows its lines as credits, and a voided invoice its reason and no void form", async () => {
    const credit = await html(owner, `/invoices/${inv.credit.id}`);
    expect(credit).toContain(t("invoices.detail.creditTitle", { number: inv.credit.number }));
    expect(credit).toContain('class="invoice-line-credit"');
    expect(credit).toContain(`(${t("invoices.lines.credit")})`);
    expect(credit).toContain(t("invoices.credit.text", { amount: rp(-inv.credit.total) }));
    expect(credit).not.toContain("/payments/new");

    const voided = await html(owner, `/invoices/${inv.void.id}`);
    expect(textOfId(voided, "void-reason")).toBe("Tertagih dua kali");
    expect(voided).toContain(t("invoices.void.voided"));
    expect(voided).not.toContain('id="invoice-void"');
  });

  test("English", async () => {
    const reader = await ownerBrowser(cp, isp);
    reader.cookies.set("lang", "en");
    const list = await html(reader, "/invoices?status=unpaid");
    expect(list).toContain(en("invoices.filter.overdue"));
    expect(list).toContain("March 2026");
    expect(list).toContain(rp(inv.unpaid.total, "en"));
    expect(list).toContain(`badge-tone-danger">${en("invoices.status.overdue")}`);
    const detail = await html(reader, `/invoices/${inv.partial.id}`);
    expect(detail).toContain(en("invoices.detail.title", { number: inv.partial.number }));
    expect(detail).toContain(en("invoices.reminders.before", { n: 3 }));
    expect(detail).toContain(en("invoices.void.button"));
    const print = await html(reader, `/invoices/${inv.paid.id}/print`);
    expect(print).toContain(`>${en("invoices.print.paidMark")}<`);
    expect(print).toContain(en("invoices.print.hint"));
  });
});

describe("voiding through the page", () => {
  test("without a reason: the field error, what was typed kept, nothing voided", async () => {
    for (const reason of ["", "  ", "ab", "x".repeat(201)]) {
      const res = await otherOwner.post(`/invoices/${toVoid.id}/void`, { reason });
      expect(res.status).toBe(400);
      const page = await res.text();
      expect(page).toContain(t("invoices.error.reason"));
      expect(page).toContain('aria-invalid="true"');
      if (reason.trim()) expect(page).toContain(`>${reason}</textarea>`);
    }
    const fragment = await otherOwner.post(`/invoices/${toVoid.id}/void`, { reason: "no" }, htmx);
    expect(fragment.status).toBe(400);
    const text = await fragment.text();
    expect(text).toStartWith('<section class="adm-section invoice-void" id="invoice-void"');
    expect(text).toContain(t("invoices.error.reason"));
    expect((await invoiceRow(cp, other.actor.tenantId, toVoid.id)).voidedAt).toBeNull();
    expect(await auditOf(cp, other.actor.tenantId, "invoice.voided")).toHaveLength(0);
  });

  test("with a reason: voided, audited, shown; a second void is refused with 409", async () => {
    const reason = `Salah paket ${XSS_NAME}`;
    const res = await otherOwner.post(`/invoices/${toVoid.id}/void`, { reason, tenantId: isp.actor.tenantId });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/invoices/${toVoid.id}?done=voided&restored=0`);
    const row = await invoiceRow(cp, other.actor.tenantId, toVoid.id);
    expect(row.voidReason).toBe(reason);
    const [audit] = await auditOf(cp, other.actor.tenantId, "invoice.voided");
    expect(audit).toMatchObject({ entityId: toVoid.id, actorUserId: other.actor.userId, after: { reason } });

    const page = await html(otherOwner, res.headers.get("location") as string);
    expect(page).toContain(t("invoices.void.done", { number: toVoid.number }));
    expect(page).toContain(`badge-tone-muted">${t("invoices.status.void")}`);
    expectEscaped(page, reason);

    const again = await otherOwner.post(`/invoices/${toVoid.id}/void`, { reason: "Sekali lagi" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(t("invoices.error.alreadyVoid"));
    const againHtmx = await otherOwner.post(`/invoices/${toVoid.id}/void`, { reason: "Sekali lagi" }, htmx);
    expect(againHtmx.status).toBe(409);
    expect(await againHtmx.text()).toContain(t("invoices.error.alreadyVoid"));
    expect((await invoiceRow(cp, other.actor.tenantId, toVoid.id)).voidReason).toBe(reason);
    expect(await auditOf(cp, other.actor.tenantId, "invoice.voided")).toHaveLength(1);
  });

  test("htmx asks first, and follows the server to the voided invoice", async () => {
    const page = await html(otherOwner, `/invoices/${hostile.id}`);
    expect(page).toContain(`hx-confirm="${escaped(t("invoices.void.confirm", { number: hostile.number }))}"`);
    const res = await otherOwner.post(`/invoices/${hostile.id}/void`, { reason: "Pelanggan batal pasang" }, htmx);
    expect(res.status).toBe(204);
    expect(res.headers.get("hx-redirect")).toBe(`/invoices/${hostile.id}?done=voided&restored=0`);
    expect((await invoiceRow(cp, other.actor.tenantId, hostile.id)).voidReason).toBe("Pelanggan batal pasang");
  });
});

describe("who may see and do what", () => {
  test("another tenant's invoice or customer, or an id that is no UUID, is not found on every route", async () => {
    const mine = inv.unpaid.id;
    expect((await otherOwner.get(`/invoices/${mine}`)).status).toBe(404);
    expect((await otherOwner.get(`/invoices/${mine}/print`)).status).toBe(404);
    expect((await otherOwner.post(`/invoices/${mine}/void`, { reason: "Bukan punyamu" })).status).toBe(404);
    expect((await otherOwner.get(`/invoices?customer=${ids.agus}`)).status).toBe(404);
    for (const bad of ["not-a-uuid", "123", `${mine}x`]) {
      expect((await owner.get(`/invoices/${bad}`)).status).toBe(404);
      expect((await owner.get(`/invoices/${bad}/print`)).status).toBe(404);
      expect((await owner.post(`/invoices/${bad}/void`, { reason: "Salah" })).status).toBe(404);
    }
    expect((await owner.get("/invoices?customer=nobody")).status).toBe(404);
    expect((await invoiceRow(cp, isp.actor.tenantId, mine)).voidedAt).toBeNull();
    // And the other ISP's list never shows this one's invoices.
    expect(listedIds(await html(otherOwner, "/invoices"))).not.toContain(mine);
  });

  test("a collector sees the list, an invoice and its print, but may neither run billing nor void", async () => {
    const list = await html(collector, "/invoices");
    expect(listedIds(list)).toHaveLength(7);
    expect(list).not.toContain(t("invoices.run.button"));
    const detail = await html(collector, `/invoices/${inv.unpaid.id}`);
    expect(detail).not.toContain('id="invoice-void"');
    expect(detail).toContain(`/payments/new?customer=${ids.agus}`);
    await html(collector, `/invoices/${inv.unpaid.id}/print`);
    expect((await collector.post(`/invoices/${inv.unpaid.id}/void`, { reason: "Saya penagih" })).status).toBe(404);
    expect((await collector.post("/invoices/run-billing", {})).status).toBe(404);
    expect((await invoiceRow(cp, isp.actor.tenantId, inv.unpaid.id)).voidedAt).toBeNull();
  });

  test("hostile names are shown as text on the list, the invoice and its print", async () => {
    await cp.database.withTenant(other.actor.tenantId, (tx) =>
      tx.update(tenants).set({ name: XSS_NAME }).where(eq(tenants.id, other.actor.tenantId)),
    );
    const reader = await ownerBrowser(cp, other);
    for (const path of ["/invoices", `/invoices/${hostile.id}`, `/invoices/${hostile.id}/print`]) {
      const page = await html(reader, path);
      expectEscaped(page, XSS_NAME);
      if (path !== "/invoices") expectEscaped(page, XSS_PLAN);
    }
    const print = await html(reader, `/invoices/${hostile.id}/print`);
    expectEscaped(print, XSS_FOOTER);
    expect(print).not.toContain("<script>alert");
  });
});
