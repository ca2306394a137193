import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatDateTime, formatMoney } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { users } from "../accounts/accounts.tables.ts";
import { manualClock, signUp } from "../accounts/accounts.testing.ts";
import { runDunning } from "../dunning/dunning.usecases.ts";
import { invoiceDetail } from "../invoices/invoices.usecases.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { tenantOf } from "../subscriptions/subscriptions.usecases.ts";
import { escaped, expectEscaped, htmx, signIn } from "../team/team.testing.ts";
import {
  balanceOf,
  type IspWithDebtors,
  ispWithDebtors,
  paymentIdOf,
  paymentsOf,
  payVia,
  tokenOf,
} from "./payments.testing.ts";

// The payment form, its receipt and the collector's search, through the real app: what the
// person sees, and what the database holds afterwards.

const t = translator("id");
const en = translator("en");
const at = (iso: string) => new Date(iso).getTime();
const clock = manualClock(at("2026-03-01T03:00:00Z")); // 1 March 2026, 10:00 WIB
const rp = (minor: number) => formatMoney(minor, "IDR", "id");
let cp: AssembledControlPlane;
let isp: IspWithDebtors;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
  isp = await ispWithDebtors(cp, clock);
}, 60_000); // Bun gives only the first test file the preload's default timeout.
afterAll(() => cp.close());

const receiptOf = async (location: string) => {
  const res = await isp.browser.get(location);
  expect(res.status).toBe(200);
  return res.text();
};

describe("recording a payment through the form", () => {
  test("a partial then a full payment, each with its receipt; the invoice ends paid", async () => {
    const debtor = await isp.addDebtor("Budi Santoso", "+6281234567890");
    const form = await (await isp.browser.get(`/payments/new?customer=${debtor.customerId}`)).text();
    expect(form).toContain("Budi Santoso");
    expect(form).toContain(t("payments.balance.owes"));
    expect(form).toContain(rp(150_000));
    expect(form).toContain(debtor.invoiceNumber);
    expect(form).toContain('value="150.000"'); // the balance, prefilled as people write it
    expect(form).toContain('value="2026-03-01"');

    // Chosen from the invoice list: the form names it and prefills its open amount.
    const chosen = await (
      await isp.browser.get(`/payments/new?customer=${debtor.customerId}&invoice=${debtor.invoiceId}`)
    ).text();
    expect(chosen).toContain(`<option value="${debtor.invoiceId}" selected="">`);
    const token = tokenOf(chosen);
    const res = await isp.browser.post("/payments", {
      token,
      customer: debtor.customerId,
      invoice: debtor.invoiceId,
      amount: "Rp 100.000,-",
      method: "cash",
      reference: "",
      receivedOn: "2026-03-01",
    });
    expect(res.status).toBe(303);
    const location = res.headers.get("location") ?? "";
    expect(location).toBe(`/payments/${token}/receipt?done=recorded`);

    const receipt = await receiptOf(location);
    expect(receipt).toContain(t("payments.notice.recorded"));
    expect(receipt).not.toContain(t("payments.notice.restored"));
    expect(receipt).toMatch(/<p class="receipt-isp">Net Desa [^<]+<\/p>/);
    expect(receipt).toContain(token.slice(0, 8).toUpperCase());
    expect(receipt).toContain(formatDateTime(clock.now(), "id", "Asia/Jakarta"));
    expect(receipt).toContain("Budi Santoso");
    expect(receipt).toContain(t("payments.method.cash"));
    expect(receipt).toContain(rp(100_000));
    expect(receipt).toContain(debtor.invoiceNumber);
    expect(receipt).toMatch(new RegExp(`${t("payments.receipt.balanceOwed")}</dt><dd>${rp(50_000)}</dd>`));
    expect(receipt).toContain(t("payments.receipt.thanks"));
    expect(receipt).toContain('class="receipt-page"');
    expect(receipt).not.toContain("app-sidebar");

    const [row] = await paymentsOf(cp, isp.actor.tenantId, debtor.customerId);
    expect(row).toMatchObject({
      id: token,
      amount: 100_000,
      method: "cash",
      invoiceId: debtor.invoiceId,
      collectorUserId: isp.actor.userId,
    });
    expect((await invoiceDetail(isp.deps, isp.actor, debtor.invoiceId))?.invoice.status).toBe("partially_paid");

    // The rest by bank transfer: the form now prefills what is left.
    const second = await payVia(isp.browser, debtor.customerId, {
      amount: "50.000",
      method: "bank_transfer",
      reference: "BCA 0042",
    });
    expect(second.res.status).toBe(303);
    const paid = await receiptOf(second.location);
    expect(paid).toContain(t("payments.method.bank_transfer"));
    expect(paid).toContain("BCA 0042");
    expect(paid).toContain(t("payments.receipt.balanceSettled"));
    expect((await invoiceDetail(isp.deps, isp.actor, debtor.invoiceId))?.invoice.status).toBe("paid");
    expect(await balanceOf(cp, isp.actor.tenantId, debtor.customerId)).toBe(0);

    // A reprint later still says what was owed right after the first payment.
    expect(await receiptOf(`/payments/${token}/receipt`)).toContain(rp(50_000));
  });

  test("an overpayment leaves a credit, shown as a credit on the receipt, the form and the search", async () => {
    const debtor = await isp.addDebtor("Siti Lebih", "+6281300000001");
    const { location } = await payVia(isp.browser, debtor.customerId, { amount: "200000" });
    const receipt = await receiptOf(location);
    expect(receipt).toMatch(new RegExp(`${t("payments.receipt.balanceCredit")}</dt><dd>${rp(50_000)}</dd>`));
    expect(await balanceOf(cp, isp.actor.tenantId, debtor.customerId)).toBe(-50_000);
    const form = await (await isp.browser.get(`/payments/new?customer=${debtor.customerId}`)).text();
    expect(form).toContain(t("payments.balance.credit"));
    expect(form).toContain(t("payments.invoices.none"));
    expect(form).toContain('name="amount" type="text" value=""'); // nothing owed: nothing prefilled
    const search = await (await isp.browser.get("/payments?q=Siti+Lebih")).text();
    expect(search).toContain(t("payments.balance.credit"));
    expect(search).toContain(rp(50_000));
  });

  test("the same form posted twice records one payment, in turn or at once", async () => {
    const debtor = await isp.addDebtor("Dobel Kirim", null);
    const { res, body, location } = await payVia(isp.browser, debtor.customerId, { amount: "25.000" });
    expect(res.status).toBe(303);
    expect(location).toBe(`/payments/${body.token}/receipt?done=recorded`);
    const retry = await isp.browser.post("/payments", body);
    expect(retry.status).toBe(303);
    expect(retry.headers.get("location")).toBe(`/payments/${body.token}/receipt?done=again`);
    expect(await receiptOf(retry.headers.get("location") ?? "")).toContain(t("payments.notice.again"));
    expect(await paymentsOf(cp, isp.actor.tenantId, debtor.customerId)).toHaveLength(1);

    const form = await (await isp.browser.get(`/payments/new?customer=${debtor.customerId}`)).text();
    const twice = { ...body, token: tokenOf(form), amount: "10.000" };
    expect(twice.token).not.toBe(body.token);
    const both = await Promise.all([isp.browser.post("/payments", twice), isp.browser.post("/payments", twice)]);
    expect(both.map((r) => r.status)).toEqual([303, 303]);
    expect(both.map((r) => paymentIdOf(r.headers.get("location") ?? ""))).toEqual([twice.token, twice.token]);
    const rows = await paymentsOf(cp, isp.actor.tenantId, debtor.customerId);
    expect(rows.map((r) => r.amount)).toEqual([25_000, 10_000]);
    expect(await balanceOf(cp, isp.actor.tenantId, debtor.customerId)).toBe(150_000 - 35_000);
  });

  test("each bad input: its field's error, what was typed kept, nothing written", async () => {
    const debtor = await isp.addDebtor("Salah Isi", null);
    const other = await isp.addDebtor("Orang Lain", null);
    const cases: [fields: Record<string, string>, status: number, message: string][] = [
      [{ amount: "-5000" }, 400, t("payments.error.amount.notPositive")],
      [{ amount: "0" }, 400, t("payments.error.amount.notPositive")],
      [{ amount: "abc" }, 400, t("payments.error.amount.invalid")],
      [{ amount: "" }, 400, t("payments.error.amount.empty")],
      [{ amount: "150.000,50" }, 400, t("payments.error.amount.tooPrecise")],
      [{ receivedOn: "2026-03-02" }, 400, t("payments.error.receivedOn.future")],
      [{ receivedOn: "2026-01-28" }, 400, t("payments.error.receivedOn.tooOld")],
      [{ receivedOn: "2026-02-30" }, 400, t("payments.error.receivedOn.invalid")],
      [{ method: "bank_transfer", reference: "  " }, 400, t("payments.error.reference.required")],
      [{ method: "ewallet", reference: "" }, 400, t("payments.error.reference.required")],
      [{ method: "cash", reference: "x".repeat(101) }, 400, t("payments.error.reference.tooLong")],
      [{ method: "bitcoin" }, 400, t("payments.error.method")],
      [{ method: "gateway" }, 400, t("payments.error.method")],
      [{ invoice: "not-an-id" }, 400, t("payments.error.invoice")],
      [{ invoice: other.invoiceId }, 422, t("payments.error.invoice")],
      [{ invoice: crypto.randomUUID() }, 422, t("payments.error.invoice")],
      [{ token: "" }, 400, t("payments.form.expired")],
    ];
    for (const [fields, status, message] of cases) {
      const { res } = await payVia(isp.browser, debtor.customerId, { amount: "77.777", ...fields });
      expect({ fields, status: res.status }).toEqual({ fields, status });
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain(`value="${escaped(fields.amount ?? "77.777")}"`);
      if (fields.reference) expect(html).toContain(`value="${escaped(fields.reference)}"`);
    }
    // The 31 days back are allowed: the last of them records.
    const { res } = await payVia(isp.browser, debtor.customerId, { amount: "1.000", receivedOn: "2026-01-29" });
    expect(res.status).toBe(303);
    const rows = await paymentsOf(cp, isp.actor.tenantId, debtor.customerId);
    expect(rows.map((r) => [r.amount, r.receivedAt.toISOString()])).toEqual([[1_000, "2026-01-29T03:00:00.000Z"]]);
    expect(await paymentsOf(cp, isp.actor.tenantId, other.customerId)).toEqual([]);
  });

  test("another ISP's customer, or a made-up one, is not there: 404 and nothing written", async () => {
    const stranger = await ispWithDebtors(cp, clock);
    const theirs = await stranger.addDebtor("Pelanggan Lain", null);
    expect((await isp.browser.get(`/payments/new?customer=${theirs.customerId}`)).status).toBe(404);
    expect((await isp.browser.get("/payments/new?customer=not-a-uuid")).status).toBe(404);
    expect((await isp.browser.get("/payments/new")).status).toBe(404);
    const mine = await isp.addDebtor("Punya Saya", null);
    const form = await (await isp.browser.get(`/payments/new?customer=${mine.customerId}`)).text();
    const res = await isp.browser.post("/payments", {
      token: tokenOf(form),
      customer: theirs.customerId,
      amount: "50.000",
      method: "cash",
      receivedOn: "2026-03-01",
      tenantId: stranger.actor.tenantId,
    });
    expect(res.status).toBe(404);
    expect(await paymentsOf(cp, stranger.actor.tenantId, theirs.customerId)).toEqual([]);
    expect(await paymentsOf(cp, isp.actor.tenantId, mine.customerId)).toEqual([]);
    // Their invoice on my customer: refused as any invoice not of this customer.
    const { res: crossed } = await payVia(isp.browser, mine.customerId, { amount: "5.000", invoice: theirs.invoiceId });
    expect(crossed.status).toBe(422);
    expect(await paymentsOf(cp, isp.actor.tenantId, mine.customerId)).toEqual([]);
  });
});

describe("finding the customer", () => {
  test("by the phone as typed (0812… for a stored +62812…), by PPPoE username, by words of the name", async () => {
    const debtor = await isp.addDebtor("Wayan Cari Nomor", "+6285799990001", "wayan-rt03");
    const byPhone = await (await isp.browser.get("/payments?q=0857-9999")).text();
    expect(byPhone).toContain("Wayan Cari Nomor");
    expect(byPhone).toContain(`href="/payments/new?customer=${debtor.customerId}"`);
    expect(byPhone).toContain(rp(150_000));
    expect(byPhone).toContain(t("payments.balance.owes"));
    expect(await (await isp.browser.get("/payments?q=wayan-rt")).text()).toContain("Wayan Cari Nomor");
    expect(await (await isp.browser.get("/payments?q=nomor+wayan")).text()).toContain("Wayan Cari Nomor");

    // As you type: only the results travel.
    const fragment = await (await isp.browser.get("/payments?q=85799990", htmx)).text();
    expect(fragment).toStartWith('<div id="customer-results"');
    expect(fragment).toContain("Wayan Cari Nomor");
    expect(fragment).not.toContain("<html");

    const none = await (await isp.browser.get("/payments?q=tidak+ada+orangnya")).text();
    expect(none).toContain(t("payments.search.none", { q: "tidak ada orangnya" }));
    const start = await (await isp.browser.get("/payments")).text();
    expect(start).toContain(t("payments.search.prompt"));
    expect(start).toContain('href="/payments/day"');
    // Wildcards are taken literally.
    expect(await (await isp.browser.get("/payments?q=%25")).text()).toContain(t("payments.search.none", { q: "%" }));
  });

  test("another ISP's customers are never found", async () => {
    const stranger = await ispWithDebtors(cp, clock);
    await stranger.addDebtor("Rahasia Tetangga", "+6287700000077", "rahasia");
    for (const q of ["Rahasia", "0877000000", "rahasia"]) {
      expect(await (await isp.browser.get(`/payments?q=${q}`)).text()).not.toContain("Rahasia Tetangga");
    }
  });
});

describe("what people type is shown as text", () => {
  test("a hostile customer name and reference, escaped on every payments page", async () => {
    const name = "<script>alert(1)</script>";
    const reference = '"><img src=x onerror=alert(1)>';
    const debtor = await isp.addDebtor(name, "+6281900000009", "xss-user");
    const form = await (await isp.browser.get(`/payments/new?customer=${debtor.customerId}`)).text();
    expectEscaped(form, name);
    const { location } = await payVia(isp.browser, debtor.customerId, {
      amount: "10.000",
      method: "ewallet",
      reference,
    });
    const pages = [
      await receiptOf(location),
      await (await isp.browser.get("/payments?q=xss-user")).text(),
      await (await isp.browser.get("/payments?q=xss-user", htmx)).text(),
      await (await isp.browser.get("/payments")).text(),
      await (await isp.browser.get("/payments/day")).text(),
    ];
    for (const html of pages) expectEscaped(html, name);
    for (const html of [pages[0], pages[3], pages[4]] as string[]) expectEscaped(html, reference);
    // A re-rendered form keeps a hostile value as text too.
    const { res } = await payVia(isp.browser, debtor.customerId, { amount: "abc", reference });
    expectEscaped(await res.text(), reference);
  });
});

describe("in English", () => {
  test("the form, the receipt and the search speak English, amounts as English writes them", async () => {
    const debtor = await isp.addDebtor("Putu English", null, "putu-en");
    isp.browser.cookies.set("lang", "en");
    try {
      const form = await (await isp.browser.get(`/payments/new?customer=${debtor.customerId}`)).text();
      expect(form).toContain('<html lang="en"');
      expect(form).toContain(en("payments.new.title"));
      expect(form).toContain(en("payments.balance.owes"));
      expect(form).toContain('value="150,000"');
      const { location } = await payVia(isp.browser, debtor.customerId, { amount: "IDR 150,000" });
      const receipt = await receiptOf(location);
      expect(receipt).toContain(en("payments.receipt.heading"));
      expect(receipt).toContain(en("payments.receipt.thanks"));
      expect(receipt).toContain(en("payments.receipt.balanceSettled"));
      expect(receipt).toContain(formatMoney(150_000, "IDR", "en"));
      expect(await (await isp.browser.get("/payments?q=putu-en")).text()).toContain(en("payments.balance.settled"));
      const bad = await payVia(isp.browser, debtor.customerId, { amount: "abc" });
      expect(await bad.res.text()).toContain(en("payments.error.amount.invalid"));
    } finally {
      isp.browser.cookies.delete("lang");
    }
  });
});

describe("a payment that settles what dunning isolated", () => {
  test("the receipt says the internet is restored", async () => {
    const debtor = await isp.addDebtor("Made Terisolir", null, "made-iso");
    // Due 8 March; isolated three days later by the dunning run. Eleven days on, the session
    // has expired: the owner signs in again.
    clock.advance(at("2026-03-12T02:00:00Z") - clock.now().getTime());
    expect((await runDunning({ ...isp.deps, sealing: cp }, tenantOf(isp.actor))).isolated).toBeGreaterThan(0);
    const [owner] = await cp.database.withoutTenant((tx) =>
      tx.select({ email: users.email }).from(users).where(eq(users.id, isp.actor.userId)),
    );
    const { browser } = await signIn(cp, owner?.email ?? "");
    const form = await (await browser.get(`/payments/new?customer=${debtor.customerId}`)).text();
    expect(form).toContain(t("payments.invoices.overdue"));
    const { location } = await payVia(browser, debtor.customerId, { amount: "150.000" });
    expect(location).toEndWith("done=recorded&restored=1");
    const receipt = await (await browser.get(location)).text();
    expect(receipt).toContain(t("payments.notice.restored"));
    expect(receipt).toContain(formatDateTime(clock.now(), "id", "Asia/Jakarta"));
  });
});

test("a signed-up owner with the receipt of nobody's payment gets 404", async () => {
  const owner = await signUp(cp);
  expect((await owner.browser.get(`/payments/${crypto.randomUUID()}/receipt`)).status).toBe(404);
  expect((await owner.browser.get("/payments/nope/receipt")).status).toBe(404);
});
