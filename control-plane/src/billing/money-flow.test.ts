import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, asc, eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { manualClock } from "../accounts/accounts.testing.ts";
import { runDunning } from "../dunning/dunning.usecases.ts";
import { runBilling } from "../invoices/billing-run.usecases.ts";
import { invoiceLines, invoiceReminders, invoices } from "../invoices/invoices.tables.ts";
import { invoiceDetail, listInvoices, voidInvoice } from "../invoices/invoices.usecases.ts";
import { notificationOutbox } from "../notifications/notifications.tables.ts";
import { customerBalanceOf } from "../payments/ledger.repository.ts";
import { recordPayment, reversePayment } from "../payments/payments.usecases.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { siteChanges } from "../sites/sites.tables.ts";
import { changePlan, setKeepActiveUntil } from "../subscriptions/subscription-plan.usecases.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";
import { revealPassword, tenantOf } from "../subscriptions/subscriptions.usecases.ts";
import { type TestIsp, testIsp, testMeta } from "./money-flow.testing.ts";

// The money side end to end through the use-cases, on the embedded database, with a clock the
// test moves: activation bills the rest of the cycle, the run bills the next, payments settle
// oldest first, dunning reminds and isolates on the tenant's calendar, and a payment restores
// in its own transaction — each step leaving the site change the network must follow.

const at = (iso: string) => new Date(iso).getTime();

describe("the money flow through the use-cases", () => {
  const clock = manualClock(at("2026-03-15T03:00:00Z")); // 10:00 WIB
  let cp: AssembledControlPlane;
  let isp: TestIsp;
  const deps = () => ({ database: cp.database, clock, secretBox: cp.secretBox });

  beforeAll(async () => {
    cp = await assembleTestControlPlane({}, clock);
    isp = await testIsp(cp, "Asia/Jakarta", clock);
  });
  afterAll(() => cp.close());

  const subscriptionOf = (id: string) =>
    cp.database.withTenant(isp.actor.tenantId, async (tx) => {
      const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.id, id));
      return row;
    });
  const siteChangesOf = (id: string) =>
    cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx.select().from(siteChanges).where(eq(siteChanges.entityId, id)).orderBy(asc(siteChanges.id)),
    );
  const invoicesOf = (subscriptionId: string) =>
    cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx
        .select()
        .from(invoices)
        .where(eq(invoices.subscriptionId, subscriptionId))
        .orderBy(asc(invoices.year), asc(invoices.seq)),
    );
  const statusOf = async (invoiceId: string) => (await invoiceDetail(deps(), isp.actor, invoiceId))?.invoice;

  test("activation, billing, partial and full payment, dunning, restore, plan changes", async () => {
    const planId = await isp.addPlan({ name: "Home 20", price: 150_000, taxRateBp: 1100, installationFee: 200_000 });
    const bigPlanId = await isp.addPlan({ name: "Home 50", price: 250_000, taxRateBp: 1100, downloadKbps: 51_200 });
    const customerId = await isp.addCustomer("Budi Santoso", "+6281234567890");

    // 15 March 10:00 WIB: activated at once; the first invoice is 17/31 of March plus installation.
    const created = await isp.subscribe(customerId, planId, {
      access: { access: "pppoe", pppoeUsername: "budi", pppoePassword: null },
    });
    expect(created.outcome).toMatchObject({
      from: "pending",
      to: "active",
      invoiceNumbers: [expect.stringMatching(/^INV\/2026\/0+1$/)],
    });
    const password = await revealPassword(deps(), isp.actor, created.id, testMeta);
    expect(password).toMatch(/^[2-9a-zA-Z]{12}$/);
    expect((await subscriptionOf(created.id))?.pppoePasswordSealed).not.toContain(password);
    const [first] = await invoicesOf(created.id);
    expect(first).toMatchObject({
      period: "2026-03",
      issuedOn: "2026-03-15",
      dueOn: "2026-03-22",
      total: 82_258 + 200_000,
    });
    const lines = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx
        .select()
        .from(invoiceLines)
        .where(eq(invoiceLines.invoiceId, first?.id as string)),
    );
    expect(lines.map((l) => [l.kind, l.gross])).toEqual([
      ["proration", 82_258],
      ["installation", 200_000],
    ]);
    expect((await siteChangesOf(created.id)).map((c) => [c.kind, c.op, c.reason])).toEqual([
      ["subscriber", "upsert", "activated"],
    ]);

    // 1 April 08:00 WIB: the run bills April in full; a second run bills nothing.
    clock.advance(at("2026-04-01T01:00:00Z") - clock.now().getTime());
    const tenant = tenantOf(isp.actor);
    expect(await runBilling(deps(), tenant, null, testMeta)).toMatchObject({ created: 1, totalMinor: 150_000 });
    expect((await runBilling(deps(), tenant, null, testMeta)).created).toBe(0);
    const [, april] = await invoicesOf(created.id);
    expect(april).toMatchObject({ period: "2026-04", dueOn: "2026-04-08", total: 150_000 });
    expect(await balanceOf(customerId)).toBe(432_258);

    // A partial payment settles the oldest invoice first; the rest of it makes it paid.
    const pay = (amountMinor: number) =>
      recordPayment(
        deps(),
        isp.actor,
        { customerId, invoiceId: null, amountMinor, method: "cash", reference: null, receivedAt: null },
        testMeta,
      );
    await pay(100_000);
    expect(await statusOf(first?.id as string)).toMatchObject({ status: "partially_paid", paidMinor: 100_000 });
    await pay(182_258);
    expect(await statusOf(first?.id as string)).toMatchObject({ status: "paid", openMinor: 0 });
    expect(await statusOf(april?.id as string)).toMatchObject({ status: "open", openMinor: 150_000 });

    // 5 April: three days before April's due date, one reminder; the same day again, none.
    clock.advance(at("2026-04-05T02:00:00Z") - clock.now().getTime());
    expect(await runDunning({ ...deps(), sealing: cp }, tenant)).toMatchObject({ reminders: 1, isolated: 0 });
    expect(await runDunning({ ...deps(), sealing: cp }, tenant)).toMatchObject({ reminders: 0, isolated: 0 });
    const reminders = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx
        .select()
        .from(invoiceReminders)
        .where(eq(invoiceReminders.invoiceId, april?.id as string)),
    );
    expect(reminders.map((r) => [r.offsetDays, r.sentOn])).toEqual([[-3, "2026-04-05"]]);
    const outbox = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx.select().from(notificationOutbox).where(eq(notificationOutbox.template, "invoice_reminder")),
    );
    expect(outbox.map((m) => [m.channel, m.recipient, (m.params as { invoice: string }).invoice])).toEqual([
      ["whatsapp", "+6281234567890", april?.number as string],
    ]);

    // 11 April (due 8 April + 3): isolated by dunning, the site told; a reminder for +1 as well.
    clock.advance(at("2026-04-11T02:00:00Z") - clock.now().getTime());
    expect(await runDunning({ ...deps(), sealing: cp }, tenant)).toMatchObject({ reminders: 1, isolated: 1 });
    expect(await subscriptionOf(created.id)).toMatchObject({ status: "isolated", isolatedBy: "dunning" });
    expect((await siteChangesOf(created.id)).at(-1)).toMatchObject({
      reason: "isolated",
      payload: { status: "isolated" },
    });

    // The payment restores in its own transaction: no job run in between.
    const paid = await pay(150_000);
    expect(paid.restored).toBe(1);
    expect(await subscriptionOf(created.id)).toMatchObject({ status: "active", isolatedBy: null });
    expect((await siteChangesOf(created.id)).at(-1)).toMatchObject({
      reason: "restored",
      payload: { status: "active" },
    });
    expect(await statusOf(april?.id as string)).toMatchObject({ status: "paid" });

    // 16 April: an upgrade; 15 of April's 30 days come back at the old price and go at the new.
    clock.advance(at("2026-04-16T02:00:00Z") - clock.now().getTime());
    const up = await changePlan(deps(), isp.actor, created.id, bigPlanId, testMeta);
    expect(up.invoice?.totalMinor).toBe(125_000 - 75_000);
    expect((await siteChangesOf(created.id)).at(-1)).toMatchObject({
      reason: "plan_changed",
      payload: { plan: { name: "Home 50", downloadKbps: 51_200 } },
    });
    // 21 April: back down with 10 days left: the credit is larger, so a credit note.
    clock.advance(at("2026-04-21T02:00:00Z") - clock.now().getTime());
    const down = await changePlan(deps(), isp.actor, created.id, planId, testMeta);
    expect(down.invoice?.totalMinor).toBe(50_000 - 83_333);
    expect(await statusOf(down.invoice?.id as string)).toMatchObject({ status: "credit" });
    // Everything else paid but the upgrade's 50 000, against which the 33 333 credit counts.
    expect(await balanceOf(customerId)).toBe(50_000 - 33_333);
    expect(await statusOf(up.invoice?.id as string)).toMatchObject({ status: "partially_paid", paidMinor: 33_333 });

    // Lists read the same status; a reversal reopens; a void settles it the other way.
    const unpaid = await listInvoices(deps(), isp.actor, { status: "unpaid", q: "", page: 1 });
    expect(unpaid.rows.map((r) => r.number)).toEqual([up.invoice?.number as string]);
    const last = await pay(16_667);
    await reversePayment(deps(), isp.actor, last.id, "salah input", testMeta);
    expect(await balanceOf(customerId)).toBe(16_667);
    const voided = await voidInvoice(deps(), isp.actor, up.invoice?.id as string, "dobel", testMeta);
    expect(voided.number).toBe(up.invoice?.number as string);
    expect(await balanceOf(customerId)).toBe(-33_333);
  });

  test("keep active until holds isolation off through its day; restore now lifts one", async () => {
    clock.advance(at("2026-05-01T01:00:00Z") - clock.now().getTime());
    const planId = await isp.addPlan({ name: `Kos ${crypto.randomUUID().slice(0, 4)}`, price: 100_000 });
    const customerId = await isp.addCustomer("Siti", null);
    const { id } = await isp.subscribe(customerId, planId, { access: { access: "static", staticIp: "10.10.0.7" } });
    await setKeepActiveUntil(deps(), isp.actor, id, { until: "2026-05-20", restoreNow: false }, testMeta);
    const tenant = tenantOf(isp.actor);
    clock.advance(at("2026-05-15T02:00:00Z") - clock.now().getTime());
    expect((await runDunning({ ...deps(), sealing: cp }, tenant)).isolated).toBe(0);
    clock.advance(at("2026-05-21T02:00:00Z") - clock.now().getTime());
    expect((await runDunning({ ...deps(), sealing: cp }, tenant)).isolated).toBe(1);
    await setKeepActiveUntil(deps(), isp.actor, id, { until: "2026-05-31", restoreNow: true }, testMeta);
    expect(await subscriptionOf(id)).toMatchObject({ status: "active", keepActiveUntil: "2026-05-31" });
  });

  const balanceOf = (customerId: string) =>
    cp.database.withTenant(isp.actor.tenantId, (tx) => customerBalanceOf(tx, isp.actor.tenantId, customerId));
});

describe("time: every billing decision in the tenant's zone", () => {
  test("an invoice generated at 2026-01-31 23:30 WIB belongs to January; at 00:30 to February", async () => {
    const clock = manualClock(at("2026-01-31T16:30:00Z"));
    const cp = await assembleTestControlPlane({}, clock);
    try {
      const isp = await testIsp(cp, "Asia/Jakarta", clock);
      const planId = await isp.addPlan();
      const deps = { database: cp.database, clock, secretBox: cp.secretBox };
      const subscribe = async () => {
        const customerId = await isp.addCustomer();
        return isp.subscribe(customerId, planId, {
          activate: false,
          access: { access: "mac", mac: `02:00:00:00:00:${String(Math.floor(Math.random() * 90) + 10)}` },
        });
      };
      const a = await subscribe();
      await cp.database.withTenant(isp.actor.tenantId, (tx) =>
        tx
          .update(subscriptions)
          .set({ status: "active", activatedAt: new Date("2025-12-01T00:00:00Z") })
          .where(eq(subscriptions.id, a.id)),
      );
      await runBilling(deps, tenantOf(isp.actor), null, testMeta);
      clock.advance(60 * 60_000); // 00:30 WIB, 1 February
      await runBilling(deps, tenantOf(isp.actor), null, testMeta);
      const rows = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
        tx
          .select({ period: invoices.period, issuedOn: invoices.issuedOn })
          .from(invoices)
          .where(eq(invoices.subscriptionId, a.id))
          .orderBy(asc(invoices.seq)),
      );
      expect(rows).toEqual([
        { period: "2026-01", issuedOn: "2026-01-31" },
        { period: "2026-02", issuedOn: "2026-02-01" },
      ]);
    } finally {
      await cp.close();
    }
  });

  test("in a zone with DST (New York) 23:30 on 31 March is still March; UTC would say April", async () => {
    const clock = manualClock(at("2026-04-01T03:30:00Z")); // 23:30 EDT, 31 March
    const cp = await assembleTestControlPlane({}, clock);
    try {
      const isp = await testIsp(cp, "America/New_York", clock);
      const planId = await isp.addPlan();
      const customerId = await isp.addCustomer();
      const { id } = await isp.subscribe(customerId, planId, {
        access: { access: "pppoe", pppoeUsername: "ny-1", pppoePassword: "rahasia-123" },
      });
      const [invoice] = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
        tx
          .select()
          .from(invoices)
          .where(and(eq(invoices.subscriptionId, id))),
      );
      // Activated on the last day of March: one day of 31.
      expect(invoice).toMatchObject({ period: "2026-03", issuedOn: "2026-03-31", total: Math.round(150_000 / 31) });
    } finally {
      await cp.close();
    }
  });

  test("a 24-hour prepaid plan bought at 00:26 expires at 00:26 the next day; 1 day across DST keeps the wall time", async () => {
    const clock = manualClock(at("2026-03-10T17:26:00Z")); // 00:26 WIB, 11 March
    const cp = await assembleTestControlPlane({}, clock);
    try {
      const buy = async (isp: TestIsp, validity: { validityHours: number } | { validityDays: number }) => {
        const planId = await isp.addPlan({ type: "hotspot", cycle: "prepaid", price: 5_000, ...validity });
        const customerId = await isp.addCustomer();
        const { id } = await isp.subscribe(customerId, planId, {
          access: {
            access: "pppoe",
            pppoeUsername: `hs-${crypto.randomUUID().slice(0, 6)}`,
            pppoePassword: null,
          },
        });
        return cp.database.withTenant(isp.actor.tenantId, async (tx) => {
          const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.id, id));
          const [inv] = await tx.select().from(invoices).where(eq(invoices.subscriptionId, id));
          return { expiresAt: sub?.expiresAt, invoice: inv };
        });
      };
      const jakarta = await testIsp(cp, "Asia/Jakarta", clock);
      const day = await buy(jakarta, { validityHours: 24 });
      expect(day.expiresAt?.toISOString()).toBe("2026-03-11T17:26:00.000Z"); // 00:26 WIB, 12 March
      expect(day.invoice).toMatchObject({ period: null, total: 5_000, issuedOn: "2026-03-11" });

      // New York springs forward on 8 March: 23:30 EST on the 7th + 1 day = 23:30 EDT on the 8th (23 h).
      clock.advance(at("2026-03-08T04:30:00Z") - clock.now().getTime());
      const ny = await testIsp(cp, "America/New_York", clock);
      expect((await buy(ny, { validityDays: 1 })).expiresAt?.toISOString()).toBe("2026-03-09T03:30:00.000Z");
      expect((await buy(ny, { validityHours: 24 })).expiresAt?.toISOString()).toBe("2026-03-09T04:30:00.000Z");
    } finally {
      await cp.close();
    }
  });
});
