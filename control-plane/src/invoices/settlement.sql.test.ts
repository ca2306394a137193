import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { databaseBackends, openTestDatabase, type TestDatabase } from "../../../tests/support/database.ts";
import { seedBillingTenant, subscriptionRow } from "../billing/billing.testing.ts";
import { invoiceVoided, paymentReceived, paymentReversed, settleInvoices } from "../billing/ledger.models.ts";
import { customers } from "../customers/customers.tables.ts";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { customerBalanceOf, writeLedger } from "../payments/ledger.repository.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";
import { addDays } from "../time/zoned.ts";
import { invoices } from "./invoices.tables.ts";
import { issueOneOffInvoice } from "./one-off-invoice.ts";
import { type SettledInvoiceRow, settledInvoices } from "./settlement.sql.ts";

// Invoice status is derived from the ledger, never stored: the SQL every page and job reads
// must agree with the model (ledger.models `settleInvoices`) after any sequence of invoices,
// credit notes, voids, payments and reversals.

type Op =
  | { op: "invoice"; customer: number; amount: number }
  | { op: "void"; pick: number }
  | { op: "pay"; customer: number; amount: number }
  | { op: "reverse"; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("invoice" as const),
      customer: fc.nat(1),
      amount: fc.integer({ min: -50_000, max: 400_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("void" as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("pay" as const),
      customer: fc.nat(1),
      amount: fc.integer({ min: 1, max: 500_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("reverse" as const), pick: fc.nat() }) },
);

for (const kind of await databaseBackends()) {
  describe(`invoice settlement in SQL on ${kind}`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await openTestDatabase(kind);
    });
    afterAll(() => t.close());

    test("paid, open and status agree with the model after random invoices, voids, payments and reversals", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
          const x = await seedBillingTenant(t.database);
          await t.database.withTenant(x.tenantId, async (tx) => {
            const second = crypto.randomUUID();
            await tx.insert(customers).values({ tenantId: x.tenantId, id: second, name: "Kedua" });
            const secondSub = subscriptionRow({ ...x, customerId: second });
            await tx.insert(subscriptions).values(secondSub);
            const people = [
              { customerId: x.customerId, subscriptionId: x.subscriptionId },
              { customerId: second, subscriptionId: secondSub.id as string },
            ];
            const issued: { id: string; customerId: string; net: number; voided: boolean }[] = [];
            const paid: { customerId: string; amount: number; reversed: boolean }[] = [];
            let day = "2026-01-01";
            for (const o of ops) {
              day = addDays(day, 1);
              if (o.op === "invoice") {
                const who = people[o.customer] as (typeof people)[number];
                const inv = await issueOneOffInvoice(tx, {
                  tenantId: x.tenantId,
                  currency: "IDR",
                  ...who,
                  today: day,
                  lines: [
                    {
                      kind: "adjustment",
                      description: "Penyesuaian",
                      quantity: 1,
                      unitPriceMinor: o.amount,
                      discountMinor: 0,
                      taxRateBp: 0,
                      taxInclusive: true,
                    },
                  ],
                  allowCredit: true,
                  now: new Date(),
                  createdBy: null,
                  memo: "test",
                });
                issued.push({ id: inv.id, customerId: who.customerId, net: o.amount, voided: false });
              } else if (o.op === "void") {
                const live = issued.filter((i) => !i.voided);
                const i = live[o.pick % Math.max(live.length, 1)];
                if (!i) continue;
                await voidDirectly(tx, x.tenantId, i);
                i.voided = true;
              } else if (o.op === "pay") {
                const who = people[o.customer] as (typeof people)[number];
                await writeLedger(
                  tx,
                  x.tenantId,
                  { occurredAt: new Date(), createdBy: null },
                  paymentReceived({ customerId: who.customerId, amountMinor: o.amount, into: "cash" }),
                );
                paid.push({ customerId: who.customerId, amount: o.amount, reversed: false });
              } else {
                const live = paid.filter((p) => !p.reversed);
                const p = live[o.pick % Math.max(live.length, 1)];
                if (!p) continue;
                await writeLedger(
                  tx,
                  x.tenantId,
                  { occurredAt: new Date(), createdBy: null },
                  paymentReversed({ customerId: p.customerId, amountMinor: p.amount, from: "cash" }),
                );
                p.reversed = true;
              }
            }
            for (const who of people) {
              const rows = rowsOf<SettledInvoiceRow>(
                await tx.execute(
                  sql`select * from (${settledInvoices(x.tenantId, { customerId: who.customerId })}) si
                      order by si.issued_on, si.year, si.seq`,
                ),
              );
              const balance = await customerBalanceOf(tx, x.tenantId, who.customerId);
              const model = settleInvoices(
                rows.map((r) => ({ invoiceId: r.id, totalMinor: Number(r.total), voided: r.voided_at !== null })),
                balance,
              );
              expect(
                rows.map((r) => ({
                  invoiceId: r.id,
                  totalMinor: Number(r.total),
                  paidMinor: Number(r.paid),
                  openMinor: Number(r.open),
                  status: r.status,
                })),
              ).toEqual(model.invoices);
              // The tenant-wide query says the same for this customer.
              const wide = rowsOf<SettledInvoiceRow>(
                await tx.execute(
                  sql`select * from (${settledInvoices(x.tenantId)}) si where si.customer_id = ${who.customerId}
                      order by si.issued_on, si.year, si.seq`,
                ),
              );
              expect(wide.map((r) => [r.id, Number(r.paid), r.status])).toEqual(
                rows.map((r) => [r.id, Number(r.paid), r.status]),
              );
            }
            // Only customers who owe have anything open: the owing-only scope finds all of it.
            const openOf = async (owingOnly: boolean) =>
              rowsOf<SettledInvoiceRow>(
                await tx.execute(
                  sql`select * from (${settledInvoices(x.tenantId, { owingOnly })}) si where si.open > 0
                      order by si.id`,
                ),
              ).map((r) => [r.id, Number(r.paid), Number(r.open), r.status]);
            expect(await openOf(true)).toEqual(await openOf(false));
          });
        }),
        { numRuns: kind === "pglite" ? 30 : 15 },
      );
    });
  });
}

async function voidDirectly(tx: Tx, tenantId: string, i: { id: string; customerId: string; net: number }) {
  await tx.update(invoices).set({ voidedAt: new Date(), voidReason: "test" }).where(eq(invoices.id, i.id));
  await writeLedger(
    tx,
    tenantId,
    { occurredAt: new Date(), createdBy: null },
    invoiceVoided({ invoiceId: i.id, customerId: i.customerId, netMinor: i.net, taxMinor: 0 }),
  );
}
