import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, asc, eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { databaseBackends, openTestDatabase, type TestDatabase } from "../../../tests/support/database.ts";
import { planRow, seedBillingTenant, subscriptionRow } from "../billing/billing.testing.ts";
import { type CycleSubscription, cycleInvoice, type LineLabels } from "../billing/cycle-invoice.models.ts";
import { customers } from "../customers/customers.tables.ts";
import { rowsOf } from "../db/rows.ts";
import { ledgerEntries, ledgerTransactions } from "../payments/payments.tables.ts";
import { plans } from "../plans/plans.tables.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";
import { addDays, zonedInstant } from "../time/zoned.ts";
import { lockTenantBilling, runBillingSql } from "./billing-run.sql.ts";
import { invoiceLines, invoices } from "./invoices.tables.ts";

// The billing run's SQL against its model: for random subscriptions (prices, tax rates
// inclusive and exclusive, installation fees, discounts, billing days, activation days) the
// invoices and lines the statement writes are exactly those `cycleInvoice` prescribes, and
// the run posts one balanced ledger transaction.

const labels: LineLabels = { installation: "Biaya pemasangan", discount: "Diskon", days: "hari" };
const ZONE = "Asia/Jakarta";

const subscriptionArb = fc.record({
  price: fc.oneof(fc.constantFrom(0, 100_000, 150_000, 166_500), fc.integer({ min: 0, max: 5_000_000 })),
  rate: fc.oneof(fc.constantFrom(0, 1100, 1200), fc.integer({ min: 0, max: 10_000 })),
  inclusive: fc.boolean(),
  fee: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 })),
  discount: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6_000_000 })),
  billingDay: fc.integer({ min: 1, max: 28 }),
  activatedDaysAgo: fc.integer({ min: 0, max: 70 }),
  hadInvoice: fc.boolean(),
});

for (const kind of await databaseBackends()) {
  describe(`the billing run's SQL on ${kind}`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await openTestDatabase(kind);
    });
    afterAll(() => t.close());

    const run = (tenantId: string, today: string, extra: { subscriptionId?: string } = {}) =>
      t.database.withTenant(tenantId, async (tx) => {
        await lockTenantBilling(tx, tenantId);
        return runBillingSql(tx, {
          tenantId,
          today,
          timeZone: ZONE,
          dueDays: 7,
          prefix: "INV",
          currency: "IDR",
          labels,
          actorUserId: null,
          now: new Date(),
          ...extra,
        });
      });

    test("writes the model's invoice for every subscription, line by line", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(subscriptionArb, { minLength: 1, maxLength: 12 }),
          fc.integer({ min: 0, max: 400 }),
          async (subs, dayOffset) => {
            const today = addDays("2026-01-01", dayOffset);
            const base = await seedBillingTenant(t.database);
            const cases = await t.database.withTenant(base.tenantId, async (tx) => {
              const seeded: { id: string; sub: CycleSubscription }[] = [];
              for (const s of subs) {
                const plan = planRow(base.tenantId, {
                  price: s.price,
                  taxRateBp: s.rate,
                  taxInclusive: s.inclusive,
                  installationFee: s.fee,
                });
                await tx.insert(plans).values(plan);
                const activatedOn = addDays(today, -s.activatedDaysAgo);
                const row = subscriptionRow(
                  { ...base, planId: plan.id as string },
                  {
                    billingDay: s.billingDay,
                    monthlyDiscount: s.discount,
                    // Late in the local day: the UTC date is the day before for Jakarta's 07:00 and earlier.
                    activatedAt: zonedInstant(activatedOn, { hour: 23, minute: 50 }, ZONE),
                  },
                );
                await tx.insert(subscriptions).values(row);
                if (s.hadInvoice) {
                  await tx.execute(sql`insert into invoices (tenant_id, id, number, year, seq, subscription_id, customer_id,
                    period, issued_on, due_on, currency, subtotal, tax, total)
                    values (${base.tenantId}, ${crypto.randomUUID()}, ${`OLD/${row.id}`}, 2000, ${seeded.length + 1},
                      ${row.id}, ${base.customerId}, '2000-01', '2000-01-01', '2000-01-08', 'IDR', 0, 0, 0)`);
                }
                seeded.push({
                  id: row.id as string,
                  sub: {
                    billingDay: s.billingDay,
                    activatedOn,
                    planName: plan.name,
                    priceMinor: s.price,
                    taxRateBp: s.rate,
                    taxInclusive: s.inclusive,
                    installationFeeMinor: s.fee,
                    monthlyDiscountMinor: s.discount,
                    firstInvoice: !s.hadInvoice,
                  },
                });
              }
              return seeded;
            });
            // The tenant's seeded subscription is pending (never activated): not billed.
            const result = await run(base.tenantId, today);
            expect(result.created).toBe(subs.length);

            const written = await t.database.withTenant(base.tenantId, async (tx) => {
              const rows = await tx
                .select()
                .from(invoices)
                .where(eq(invoices.year, Number(today.slice(0, 4))));
              const lines = await tx
                .select()
                .from(invoiceLines)
                .orderBy(asc(invoiceLines.invoiceId), asc(invoiceLines.position));
              return { rows, lines };
            });
            for (const c of cases) {
              const expected = cycleInvoice(c.sub, today, labels);
              if (!expected) throw new Error("the model bills every case here");
              const invoice = written.rows.find((r) => r.subscriptionId === c.id);
              expect(invoice).toBeDefined();
              if (!invoice) continue;
              expect({
                period: invoice.period,
                issuedOn: invoice.issuedOn,
                dueOn: invoice.dueOn,
                subtotal: invoice.subtotal,
                tax: invoice.tax,
                total: invoice.total,
              }).toEqual({
                period: expected.periodKey,
                issuedOn: today,
                dueOn: addDays(today, 7),
                subtotal: expected.totals.netMinor,
                tax: expected.totals.taxMinor,
                total: expected.totals.totalMinor,
              });
              const lines = written.lines.filter((l) => l.invoiceId === invoice.id);
              expect(lines.map((l) => [l.position, l.kind, l.description, l.unitPrice, l.net, l.tax, l.gross])).toEqual(
                expected.lines.map((l, i) => [
                  i + 1,
                  l.kind,
                  l.description,
                  l.unitPriceMinor,
                  l.netMinor,
                  l.taxMinor,
                  l.grossMinor,
                ]),
              );
            }
          },
        ),
        { numRuns: kind === "pglite" ? 25 : 12 },
      );
    });

    test("numbers are gap-free, a second run bills nothing, and the run is one balanced ledger transaction", async () => {
      const x = await seedBillingTenant(t.database);
      await t.database.withTenant(x.tenantId, async (tx) => {
        for (let i = 0; i < 4; i++) {
          const [c] = await tx
            .insert(customers)
            .values({ tenantId: x.tenantId, id: crypto.randomUUID(), name: `Pelanggan ${i}` })
            .returning();
          await tx.insert(subscriptions).values(subscriptionRow({ ...x, customerId: c?.id as string }));
        }
      });
      const first = await run(x.tenantId, "2026-03-01");
      expect(first).toMatchObject({ created: 4, firstNumber: "INV/2026/000001", lastNumber: "INV/2026/000004" });
      expect(first.totalMinor).toBe(4 * 150_000);
      const again = await run(x.tenantId, "2026-03-20");
      expect(again).toMatchObject({ created: 0, lines: 0, ledgerTransactionId: null });
      const april = await run(x.tenantId, "2026-04-01");
      expect(april).toMatchObject({ created: 4, firstNumber: "INV/2026/000005", lastNumber: "INV/2026/000008" });

      await t.database.withTenant(x.tenantId, async (tx) => {
        const txns = await tx.select().from(ledgerTransactions).where(eq(ledgerTransactions.tenantId, x.tenantId));
        expect(txns.map((r) => r.kind)).toEqual(["invoice", "invoice"]);
        const entries = await tx
          .select()
          .from(ledgerEntries)
          .where(eq(ledgerEntries.transactionId, first.ledgerTransactionId as string));
        expect(entries.filter((e) => e.account === "receivable")).toHaveLength(4);
        expect(entries.reduce((s, e) => s + e.amount, 0)).toBe(0);
        expect(entries.find((e) => e.account === "revenue")?.amount).toBe(-600_000);
        const customerIds = entries.filter((e) => e.account === "receivable").map((e) => e.customerId);
        const [balance] = rowsOf<{ b: string }>(
          await tx.execute(sql`select sum(amount) as b from ledger_entries where customer_id = ${customerIds[0]}`),
        );
        // March and April, one invoice each.
        expect(Number(balance?.b)).toBe(300_000);
      });
    });

    test("skips what must not be billed: pending, suspended, terminated, prepaid, activated later today's cycle", async () => {
      const x = await seedBillingTenant(t.database);
      await t.database.withTenant(x.tenantId, async (tx) => {
        // The seeded subscription is pending: never activated.
        await tx
          .update(subscriptions)
          .set({ status: "pending", activatedAt: null })
          .where(eq(subscriptions.id, x.subscriptionId));
        const prepaid = planRow(x.tenantId, { cycle: "prepaid", validityDays: 30, type: "hotspot" });
        await tx.insert(plans).values(prepaid);
        const ids = { tenantId: x.tenantId, customerId: x.customerId, siteId: x.siteId, planId: x.planId };
        await tx
          .insert(subscriptions)
          .values([
            subscriptionRow(ids, { status: "suspended" }),
            subscriptionRow(ids, { status: "terminated", terminatedAt: new Date() }),
            subscriptionRow({ ...ids, planId: prepaid.id as string }),
            subscriptionRow(ids, { activatedAt: new Date("2026-05-02T01:00:00Z") }),
          ]);
      });
      expect((await run(x.tenantId, "2026-05-01")).created).toBe(0);
    });

    test("an isolated subscriber is still billed; a single subscription can be billed alone", async () => {
      const x = await seedBillingTenant(t.database);
      const other = await t.database.withTenant(x.tenantId, async (tx) => {
        await tx
          .update(subscriptions)
          .set({ status: "isolated", isolatedBy: "dunning", activatedAt: new Date("2026-01-01T00:00:00Z") })
          .where(eq(subscriptions.id, x.subscriptionId));
        const row = subscriptionRow(x);
        await tx.insert(subscriptions).values(row);
        return row.id as string;
      });
      expect((await run(x.tenantId, "2026-06-03", { subscriptionId: other })).created).toBe(1);
      expect((await run(x.tenantId, "2026-06-03")).created).toBe(1);
      const mine = await t.database.withTenant(x.tenantId, (tx) =>
        tx
          .select({ subscriptionId: invoices.subscriptionId })
          .from(invoices)
          .where(and(eq(invoices.tenantId, x.tenantId), eq(invoices.period, "2026-06"))),
      );
      expect(mine.map((r) => r.subscriptionId).sort()).toEqual([other, x.subscriptionId].sort());
    });
  });
}
