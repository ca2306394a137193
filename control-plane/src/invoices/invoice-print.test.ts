import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatMoney } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { and, eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { manualClock } from "../accounts/accounts.testing.ts";
import { type TestIsp, testIsp, testMeta } from "../billing/money-flow.testing.ts";
import { customers } from "../customers/customers.tables.ts";
import { recordPayment } from "../payments/payments.usecases.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { tenants } from "../tenants/tenants.tables.ts";
import { invoiceLines } from "./invoices.tables.ts";
import { moveTo, ownerBrowser, setInvoiceFooter, subscribe } from "./invoices.testing.ts";
import { voidInvoice } from "./invoices.usecases.ts";

// The printable A4 invoice as the customer gets it: who issues it, to whom, the lines, PPN per
// rate, what is paid and due, the payment instructions line by line, and the PAID / VOID mark.

const t = translator("id");
const en = translator("en");
const clock = manualClock(new Date("2026-03-02T03:00:00Z").getTime());
let cp: AssembledControlPlane;
let isp: TestIsp;
let browser: TestClient;
const rp = (minor: number) => formatMoney(minor, "IDR", "id");
// A real 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
type Inv = Awaited<ReturnType<typeof subscribe>>["invoice"];
let open: Inv;
let paid: Inv;
let voided: Inv;
let customerId: string;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
  isp = await testIsp(cp, "Asia/Jakarta", clock);
  const deps = { database: cp.database, clock, secretBox: cp.secretBox };
  const plan = await isp.addPlan({
    name: "Rumah 30",
    price: 200_000,
    taxRateBp: 1100,
    taxInclusive: false,
    installationFee: 150_000,
  });
  customerId = await isp.addCustomer("Sri Wahyuni", "+6285712345678");
  await cp.database.withTenant(isp.actor.tenantId, (tx) =>
    tx
      .update(customers)
      .set({ address: "Jl. Melati No. 7, RT 02/RW 05\nDesa Sukamaju" })
      .where(and(eq(customers.tenantId, isp.actor.tenantId), eq(customers.id, customerId))),
  );
  open = (await subscribe(cp, isp, customerId, plan)).invoice;
  const second = await isp.addCustomer("Joko Susilo");
  paid = (await subscribe(cp, isp, second, plan)).invoice;
  await recordPayment(
    deps,
    isp.actor,
    {
      customerId: second,
      invoiceId: paid.id,
      amountMinor: paid.total,
      method: "cash",
      reference: null,
      receivedAt: null,
    },
    testMeta,
  );
  voided = (await subscribe(cp, isp, await isp.addCustomer("Tono"), plan)).invoice;
  await voidInvoice(deps, isp.actor, voided.id, "Pelanggan batal pasang", testMeta);
  await setInvoiceFooter(
    cp,
    isp.actor.tenantId,
    "Transfer ke BCA 123-456-7890 a.n. Net Desa\r\nAtau bayar tunai ke penagih kami\n\nWA 0812-0000-1111",
  );
  moveTo(clock, "2026-03-03T03:00:00Z");
  browser = await ownerBrowser(cp, isp);
}, 60_000);
afterAll(() => cp.close());

const print = async (id: string, client = browser) => {
  const res = await client.get(`/invoices/${id}/print`);
  expect(res.status).toBe(200);
  return res.text();
};

describe("the printed invoice", () => {
  test("issuer, number, dates, period, customer, lines, PPN per rate, totals and the footer", async () => {
    const page = await print(open.id);
    const sheet = /<article class="invoice-sheet"[\s\S]*<\/article>/.exec(page)?.[0] ?? "";
    const lines = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, open.id)),
    );
    expect(lines.map((l) => l.kind).sort()).toEqual(["installation", "proration"]);
    const [name] = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, isp.actor.tenantId)),
    );
    expect(sheet).toContain(`<p class="invoice-issuer-name">${name?.name}</p>`);
    expect(sheet).toContain(`>${t("invoices.print.heading")}</p>`);
    expect(sheet).toContain(`<p class="invoice-sheet-number">${open.number}</p>`);
    expect(sheet).toContain("2 Maret 2026");
    expect(sheet).toContain("9 Maret 2026");
    expect(sheet).toContain("<dd>Maret 2026</dd>");
    expect(sheet).toContain('<p class="invoice-customer-name">Sri Wahyuni</p>');
    expect(sheet).toContain("<p>Jl. Melati No. 7, RT 02/RW 05</p><p>Desa Sukamaju</p>");
    expect(sheet).toContain("<p>0857-1234-5678</p>");
    for (const line of lines) {
      expect(sheet).toContain(line.description);
      expect(sheet).toContain(rp(line.gross));
    }
    expect(sheet).toContain(t("invoices.totals.taxAt", { rate: "11%", base: rp(open.subtotal) }));
    expect(sheet).toContain(rp(open.tax));
    expect(sheet).toContain(`<dt>${t("invoices.print.amountDue")}</dt><dd><span class="money">${rp(open.total)}`);
    expect(sheet).toContain(t("invoices.print.payBy", { date: "9 Maret 2026" }));
    expect(sheet).toContain(
      "<p>Transfer ke BCA 123-456-7890 a.n. Net Desa</p><p>Atau bayar tunai ke penagih kami</p><p>WA 0812-0000-1111</p>",
    );
    expect(sheet).not.toContain("invoice-mark");
    expect(sheet).not.toContain("invoice-logo");
    // Nothing inline: the CSP forbids it, and printing is the browser's own.
    expect(page).not.toContain("style=");
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(page).toContain(t("invoices.print.hint"));
    expect(page).toContain('<body class="invoice-print">');
  });

  test("a paid invoice carries LUNAS and nothing due; a voided one BATAL and its reason", async () => {
    const p = await print(paid.id);
    expect(p).toContain(`<p class="invoice-mark invoice-mark-paid">${t("invoices.print.paidMark")}</p>`);
    expect(p).toContain(`<dt>${t("invoices.print.amountDue")}</dt><dd><span class="money">${rp(0)}`);
    expect(p).not.toContain(t("invoices.print.payBy", { date: "9 Maret 2026" }));
    const v = await print(voided.id);
    expect(v).toContain(`<p class="invoice-mark invoice-mark-void">${t("invoices.print.voidMark")}</p>`);
    expect(v).toContain("Pelanggan batal pasang");
    expect(v).not.toContain(t("invoices.print.amountDue"));
    expect(await print(open.id)).not.toContain(t("invoices.print.paidMark"));
  });

  test("the ISP's logo when it has one; English when the reader chose it", async () => {
    // Uploaded through the settings page; the printed <img> is served to the member who prints.
    const body = new FormData();
    body.set("logo", new File([PNG], "logo.png", { type: "image/png" }));
    expect((await browser.request("/settings/logo", { method: "POST", body })).status).toBe(303);
    const src = /<img class="invoice-logo" src="([^"]+)"/.exec(await print(open.id))?.[1] ?? "";
    expect(src).toStartWith("/settings/logo?v=");
    const logo = await browser.get(src.replaceAll("&amp;", "&"));
    expect(logo.status).toBe(200);
    expect(logo.headers.get("content-type")).toBe("image/png");
    const reader = await ownerBrowser(cp, isp);
    reader.cookies.set("lang", "en");
    const page = await print(paid.id, reader);
    expect(page).toContain(`>${en("invoices.print.heading")}</p>`);
    expect(page).toContain(`>${en("invoices.print.paidMark")}</p>`);
    expect(page).toContain("2 March 2026");
    expect(page).toContain(formatMoney(paid.total, "IDR", "en"));
  });
});
