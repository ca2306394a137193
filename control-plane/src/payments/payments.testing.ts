// Helpers for the payments pages' tests: an ISP with customers who owe an invoice, built with the
// real use-cases, and the payment form as a browser fills it in. Not imported by the application.
import { expect } from "bun:test";
import { and, asc, eq } from "drizzle-orm";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { testIsp } from "../billing/money-flow.testing.ts";
import type { Clock } from "../clock.ts";
import { invoices } from "../invoices/invoices.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { ledgerEntries, payments } from "./payments.tables.ts";

let n = 0;

/**
 * A new ISP (its owner signed in) whose `addDebtor` makes a customer with an active PPPoE
 * subscription billed from the 1st: activated on the 1st, they owe one full month (150 000).
 */
export async function ispWithDebtors(cp: AssembledControlPlane, clock: Clock) {
  const isp = await testIsp(cp, "Asia/Jakarta", clock);
  const planId = await isp.addPlan({ name: `Rumah ${++n}`, price: 150_000 });
  const deps = { database: cp.database, clock, secretBox: cp.secretBox };
  async function addDebtor(name = "Budi Santoso", phone: string | null = "+6281234567890", username = `budi${++n}`) {
    const customerId = await isp.addCustomer(name, phone);
    const sub = await isp.subscribe(customerId, planId, {
      access: { access: "pppoe", pppoeUsername: username, pppoePassword: null },
    });
    const [invoice] = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx.select().from(invoices).where(eq(invoices.subscriptionId, sub.id)).orderBy(asc(invoices.seq)),
    );
    if (!invoice) throw new Error("activation billed nothing");
    return { customerId, invoiceId: invoice.id, invoiceNumber: invoice.number, subscriptionId: sub.id };
  }
  return { ...isp, deps, addDebtor };
}
export type IspWithDebtors = Awaited<ReturnType<typeof ispWithDebtors>>;

/** The one-time token of a payment form page. */
export function tokenOf(html: string): string {
  const match = /name="token" value="([0-9a-f-]{36})"/.exec(html);
  if (!match?.[1]) throw new Error("no token on the page");
  return match[1];
}

/** Opens the payment form for a customer and posts it with these fields (the rest as the form prefills them). */
export async function payVia(browser: TestClient, customerId: string, fields: Record<string, string> = {}) {
  const form = await browser.get(`/payments/new?customer=${customerId}`);
  expect(form.status).toBe(200);
  const html = await form.text();
  const receivedOn = /name="receivedOn" type="date" value="([\d-]+)"/.exec(html)?.[1] ?? "";
  const prefilled = /name="amount" type="text" value="([^"]*)"/.exec(html)?.[1] ?? "";
  const body = {
    token: tokenOf(html),
    customer: customerId,
    invoice: "",
    amount: prefilled,
    method: "cash",
    reference: "",
    receivedOn,
    ...fields,
  };
  const res = await browser.post("/payments", body);
  return { res, body, location: res.headers.get("location") ?? "" };
}

/** The payment id a receipt redirect names. */
export function paymentIdOf(location: string): string {
  const match = /^\/payments\/([0-9a-f-]{36})\/receipt/.exec(location);
  if (!match?.[1]) throw new Error(`not a receipt: ${location}`);
  return match[1];
}

export function paymentsOf(cp: AssembledControlPlane, tenantId: string, customerId: string) {
  return cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(payments)
      .where(and(eq(payments.tenantId, tenantId), eq(payments.customerId, customerId)))
      .orderBy(asc(payments.createdAt)),
  );
}

export async function balanceOf(cp: AssembledControlPlane, tenantId: string, customerId: string): Promise<number> {
  const rows = await cp.database.withTenant(tenantId, (tx) =>
    tx
      .select({ amount: ledgerEntries.amount })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.customerId, customerId), eq(ledgerEntries.account, "receivable"))),
  );
  return rows.reduce((sum, r) => sum + Number(r.amount), 0);
}
