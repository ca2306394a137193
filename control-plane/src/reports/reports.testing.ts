// A small money history written through the real use-cases, for the reports tests: two ISPs
// in zones on either side of UTC, five months of one subscriber who never pays (so every aging
// bucket fills), and two busy months (March and April 2026) with partial and full payments, a
// payment at 23:30 on the last evening of March, a reversal, a void, a credit note from a
// downgrade and two terminations. Not imported by the application.
import { and, eq } from "drizzle-orm";
import { users } from "../accounts/accounts.tables.ts";
import type { manualClock } from "../accounts/accounts.testing.ts";
import { type TestIsp, testIsp, testMeta } from "../billing/money-flow.testing.ts";
import { runBilling } from "../invoices/billing-run.usecases.ts";
import { invoices } from "../invoices/invoices.tables.ts";
import { voidInvoice } from "../invoices/invoices.usecases.ts";
import { recordPayment, reversePayment } from "../payments/payments.usecases.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { changePlan } from "../subscriptions/subscription-plan.usecases.ts";
import { tenantOf, transitionSubscription } from "../subscriptions/subscriptions.usecases.ts";

/** When the reports are read: 20 April 2026, 12:00 in New York (EDT), 23:00 in Jakarta. */
export const READ_AT = "2026-04-20T16:00:00Z";
/** The tenant-A customer whose name a spreadsheet would run as a formula. */
export const FORMULA_NAME = '=HYPERLINK("http://evil.test","klik")';

export interface History {
  /** New York: the busy ISP. */
  a: TestIsp;
  /** Jakarta: one subscriber, paid at 00:30 on 1 April. */
  b: TestIsp;
  emailOf(isp: TestIsp): Promise<string>;
}

export async function buildHistory(cp: AssembledControlPlane, clock: ReturnType<typeof manualClock>): Promise<History> {
  const deps = { database: cp.database, clock, secretBox: cp.secretBox };
  const to = (iso: string) => clock.advance(new Date(iso).getTime() - clock.now().getTime());
  const subscribe = async (
    isp: TestIsp,
    customerId: string,
    planId: string,
    billingDay: number,
    options: { discount?: number; activate?: boolean } = {},
  ) =>
    (
      await isp.subscribe(customerId, planId, {
        billingDay,
        activate: options.activate ?? true,
        monthlyDiscount: options.discount ?? 0,
      })
    ).id;
  const pay = async (isp: TestIsp, customerId: string, amountMinor: number) =>
    (
      await recordPayment(
        deps,
        isp.actor,
        { customerId, invoiceId: null, amountMinor, method: "cash", reference: null, receivedAt: null },
        testMeta,
      )
    ).id;
  const bill = (isp: TestIsp) => runBilling(deps, tenantOf(isp.actor), null, testMeta);

  // 1 December 2025, 10:00 EST: tenant A opens with one subscriber who will never pay.
  to("2025-12-01T15:00:00Z");
  const a = await testIsp(cp, "America/New_York", clock);
  const home20 = await a.addPlan({ name: "Home 20", price: 150_000, taxRateBp: 1100, taxInclusive: true });
  const home50 = await a.addPlan({ name: "Home 50", price: 250_000, taxRateBp: 1100, taxInclusive: true });
  const biz = await a.addPlan({ name: "Biz", price: 200_000, taxRateBp: 1100, taxInclusive: false });
  const hotspot = await a.addPlan({
    name: "Hotspot 1 hari",
    type: "hotspot",
    cycle: "prepaid",
    price: 5_000,
    validityHours: 24,
  });
  const andi = await a.addCustomer(FORMULA_NAME, null);
  await subscribe(a, andi, home20, 1); // December: 150 000, due 8 Dec
  for (const month of ["2026-01", "2026-02"]) {
    to(`${month}-01T15:00:00Z`);
    await bill(a); // 150 000 each, due on the 8th
  }

  // 1 March, 08:00 WIB: tenant B, one subscriber billed 100 000 for March.
  to("2026-03-01T01:00:00Z");
  const b = await testIsp(cp, "Asia/Jakarta", clock);
  const kos = await b.addPlan({ name: "Kos 10", price: 100_000 });
  const bSub = await b.addCustomer("Rina", null);
  await subscribe(b, bSub, kos, 1);

  // 1 March, 09:00 EST: Andi's March, and three new subscribers billed for the whole month.
  to("2026-03-01T14:00:00Z");
  await bill(a);
  const budi = await a.addCustomer("Budi Santoso", null);
  await subscribe(a, budi, home50, 1, { discount: 25_000 }); // 250 000 − 25 000 = 225 000
  const dewi = await a.addCustomer("Dewi", null);
  const dewiSub = await subscribe(a, dewi, biz, 1); // 200 000 + 11 % = 222 000
  const fajar = await a.addCustomer("Fajar", null);
  const fajarSub = await subscribe(a, fajar, home20, 1); // 150 000

  to("2026-03-05T15:00:00Z");
  await pay(a, dewi, 222_000);
  to("2026-03-10T14:00:00Z");
  await pay(a, budi, 100_000); // partial
  to("2026-03-15T14:00:00Z");
  const citra = await a.addCustomer("Citra", null);
  const citraSub = await subscribe(a, citra, home50, 15); // 250 000 for 15 Mar – 14 Apr, due 22 Mar
  to("2026-03-20T14:00:00Z");
  await pay(a, citra, 250_000);
  to("2026-03-25T14:00:00Z");
  await transitionSubscription(deps, a.actor, fajarSub, "terminate", testMeta);

  // 1 April 00:30 WIB (still 31 March in UTC): B's customer pays March.
  to("2026-03-31T17:30:00Z");
  await pay(b, bSub, 100_000);
  to("2026-04-01T01:00:00Z");
  await bill(b); // April: 100 000, due 8 Apr

  // 31 March 23:30 EDT (1 April in UTC): the rest of Budi's March.
  to("2026-04-01T03:30:00Z");
  await pay(a, budi, 125_000);

  // 1 April, 10:00 EDT: April for Andi, Budi and Dewi; a new business subscriber, paid next day.
  to("2026-04-01T14:00:00Z");
  await bill(a);
  const gita = await a.addCustomer("Gita", null);
  await subscribe(a, gita, biz, 1);
  to("2026-04-02T14:00:00Z");
  await pay(a, gita, 222_000);
  to("2026-04-03T14:00:00Z");
  const eko = await a.addCustomer("Eko", null);
  await subscribe(a, eko, hotspot, 1); // prepaid 5 000: not recurring revenue
  await pay(a, eko, 5_000);

  // 5 April: Citra downgrades with 10 of 31 days left: 48 387 − 80 645, a credit note of −32 258.
  to("2026-04-05T14:00:00Z");
  const down = await changePlan(deps, a.actor, citraSub, home20, testMeta);
  if (down.invoice?.totalMinor !== -32_258) throw new Error(`credit note: ${down.invoice?.totalMinor}`);

  // 10 April: Dewi leaves; her April invoice is voided.
  to("2026-04-10T14:00:00Z");
  await transitionSubscription(deps, a.actor, dewiSub, "terminate", testMeta);
  const [dewiApril] = await cp.database.withTenant(a.actor.tenantId, (tx) =>
    tx
      .select({ id: invoices.id })
      .from(invoices)
      .where(and(eq(invoices.subscriptionId, dewiSub), eq(invoices.period, "2026-04"))),
  );
  await voidInvoice(deps, a.actor, dewiApril?.id as string, "berhenti berlangganan", testMeta);

  // 12 April Budi pays April; 15 April that payment is reversed; Citra's new cycle is billed.
  to("2026-04-12T14:00:00Z");
  const budiApril = await pay(a, budi, 225_000);
  to("2026-04-15T14:00:00Z");
  await reversePayment(deps, a.actor, budiApril, "cek kosong", testMeta);
  await bill(a); // Citra: 150 000 for 15 Apr – 14 May, due 22 Apr; her credit pays 32 258 of it

  // 18 April: Fajar (terminated in March) pays part of what he still owes.
  to("2026-04-18T14:00:00Z");
  await pay(a, fajar, 50_000);
  // A subscription never activated counts nowhere.
  const hadi = await a.addCustomer("Hadi", null);
  await subscribe(a, hadi, home20, 1, { activate: false });

  to(READ_AT);
  return {
    a,
    b,
    async emailOf(isp) {
      const [user] = await cp.database.withoutTenant((tx) =>
        tx.select({ email: users.email }).from(users).where(eq(users.id, isp.actor.userId)),
      );
      return user?.email as string;
    },
  };
}
