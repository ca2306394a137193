import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import {
  databaseBackends,
  databaseError,
  openTestDatabase,
  type TestDatabase,
} from "../../../tests/support/database.ts";
import { type BillingTenant, seedBillingTenant } from "../billing/billing.testing.ts";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { ledgerEntries, ledgerTransactions, payments } from "./payments.tables.ts";

// The ledger's and the payments' invariants, held by the database whatever a use case does:
// every statement that writes ledger entries leaves each transaction it touched summing to
// zero (ADR 0004: a transaction's entries go in in one statement); the
// application role can add rows but never change or remove them; a payment is undone only by
// one reversal that mirrors it; a gateway's transaction is recorded once per tenant.

type PaymentRow = typeof payments.$inferInsert;

for (const kind of await databaseBackends()) {
  describe(`ledger and payments in the database on ${kind}`, () => {
    let t: TestDatabase;
    let a: BillingTenant;
    let b: BillingTenant;
    beforeAll(async () => {
      t = await openTestDatabase(kind);
      a = await seedBillingTenant(t.database);
      b = await seedBillingTenant(t.database);
    });
    afterAll(() => t.close());

    const payment = (x: BillingTenant, values: Partial<PaymentRow> = {}): PaymentRow => ({
      tenantId: x.tenantId,
      id: crypto.randomUUID(),
      customerId: x.customerId,
      method: "cash",
      amount: 50_000,
      receivedAt: new Date(),
      ...values,
    });

    type Entry = [account: "cash" | "receivable" | "revenue", amount: number];
    const entryRow = (x: BillingTenant, transactionId: string, [account, amount]: Entry) => ({
      tenantId: x.tenantId,
      transactionId,
      account,
      customerId: account === "receivable" ? x.customerId : null,
      amount,
    });
    const header = (tx: Tx, x: BillingTenant, id = crypto.randomUUID()) =>
      tx
        .insert(ledgerTransactions)
        .values({ tenantId: x.tenantId, id, kind: "adjustment", occurredAt: new Date() })
        .then(() => id);
    /** A ledger transaction with the given (account, amount) entries in one statement, receivables on x's customer. */
    const post = async (tx: Tx, x: BillingTenant, entries: Entry[], id = crypto.randomUUID()) => {
      await header(tx, x, id);
      await tx.insert(ledgerEntries).values(entries.map((e) => entryRow(x, id, e)));
      return id;
    };
    const transactionsOf = (x: BillingTenant, id: string) =>
      t.database.withTenant(x.tenantId, (tx) =>
        tx.select().from(ledgerEntries).where(eq(ledgerEntries.transactionId, id)),
      );

    test("a balanced transaction commits", async () => {
      const id = await t.database.withTenant(a.tenantId, (tx) =>
        post(tx, a, [
          ["receivable", 150_000],
          ["revenue", -135_000],
          ["revenue", -15_000],
        ]),
      );
      expect((await transactionsOf(a, id)).map((e) => e.amount)).toEqual([150_000, -135_000, -15_000]);
    });

    test("a statement that leaves a transaction unbalanced is refused at once, and leaves nothing", async () => {
      const id = crypto.randomUUID();
      let accepted = false;
      const work = t.database.withTenant(a.tenantId, async (tx) => {
        await post(
          tx,
          a,
          [
            ["cash", 50_000],
            ["receivable", -40_000],
          ],
          id,
        );
        accepted = true;
      });
      expect(await databaseError(work)).toMatch(/ledger transaction .* does not balance: its entries sum to 10000/);
      expect(accepted).toBe(false);
      expect(await transactionsOf(a, id)).toEqual([]);
      const [txn] = await t.database.withTenant(a.tenantId, (tx) =>
        tx.select().from(ledgerTransactions).where(eq(ledgerTransactions.id, id)),
      );
      expect(txn).toBeUndefined();
    });

    test("two unbalanced transactions in one statement do not balance each other", async () => {
      const work = t.database.withTenant(a.tenantId, async (tx) => {
        const one = await header(tx, a);
        const two = await header(tx, a);
        await tx
          .insert(ledgerEntries)
          .values([entryRow(a, one, ["cash", 70_000]), entryRow(a, two, ["receivable", -70_000])]);
      });
      expect(await databaseError(work)).toMatch(/does not balance/);
    });

    test("a later statement cannot add to a balanced transaction", async () => {
      const work = t.database.withTenant(a.tenantId, async (tx) => {
        const id = await post(tx, a, [
          ["cash", 10_000],
          ["receivable", -10_000],
        ]);
        await tx.insert(ledgerEntries).values(entryRow(a, id, ["cash", 1]));
      });
      expect(await databaseError(work)).toMatch(/does not balance: its entries sum to 1$/);
    });

    test("a single-entry transaction is refused, and so is an entry of zero", async () => {
      expect(await databaseError(t.database.withTenant(a.tenantId, (tx) => post(tx, a, [["cash", 1]])))).toMatch(
        /does not balance: its entries sum to 1$/,
      );
      const zero = t.database.withTenant(a.tenantId, (tx) =>
        post(tx, a, [
          ["cash", 0],
          ["receivable", 0],
        ]),
      );
      expect(await databaseError(zero)).toMatch(/ledger_entries_amount_not_zero/);
    });

    test("receivable entries, and only they, name a customer; a customer's balance is their sum", async () => {
      const noCustomer = t.database.withTenant(a.tenantId, async (tx) => {
        const id = await header(tx, a);
        await tx
          .insert(ledgerEntries)
          .values([
            entryRow(a, id, ["cash", 10_000]),
            { tenantId: a.tenantId, transactionId: id, account: "receivable", amount: -10_000 },
          ]);
      });
      expect(await databaseError(noCustomer)).toMatch(/ledger_entries_customer_account/);

      const fresh = await seedBillingTenant(t.database);
      const balance = () =>
        t.database.withTenant(fresh.tenantId, async (tx) => {
          const [row] = await tx
            .select({ balance: sql<string>`coalesce(sum(${ledgerEntries.amount}), 0)` })
            .from(ledgerEntries)
            .where(and(eq(ledgerEntries.tenantId, fresh.tenantId), eq(ledgerEntries.customerId, fresh.customerId)));
          return Number(row?.balance);
        });
      await t.database.withTenant(fresh.tenantId, async (tx) => {
        await post(tx, fresh, [
          ["receivable", 150_000],
          ["revenue", -150_000],
        ]); // invoiced
        await post(tx, fresh, [
          ["cash", 200_000],
          ["receivable", -200_000],
        ]); // paid more than owed
      });
      expect(await balance()).toBe(-50_000); // a credit, for the next invoices
    });

    test("the application role cannot rewrite or remove ledger rows, nor switch the triggers off", async () => {
      const id = await t.database.withTenant(a.tenantId, (tx) =>
        post(tx, a, [
          ["cash", 5_000],
          ["receivable", -5_000],
        ]),
      );
      const attempts = [
        sql`update ledger_entries set amount = amount * 2 where transaction_id = ${id}`,
        sql`delete from ledger_entries where transaction_id = ${id}`,
        sql`truncate ledger_entries`,
        sql`update ledger_transactions set memo = 'rewritten' where id = ${id}`,
        sql`delete from ledger_transactions where id = ${id}`,
        sql`set session_replication_role = replica`,
        sql`alter table ledger_entries disable trigger ledger_entries_balanced_insert`,
      ];
      for (const statement of attempts) {
        expect(await databaseError(t.database.withTenant(a.tenantId, (tx) => tx.execute(statement)))).toMatch(
          /permission denied|must be owner/,
        );
      }
      expect((await transactionsOf(a, id)).map((e) => e.amount)).toEqual([5_000, -5_000]);
    });

    test("payments are append-only for the application role", async () => {
      const p = payment(a);
      await t.database.withTenant(a.tenantId, (tx) => tx.insert(payments).values(p));
      for (const statement of [
        sql`update payments set amount = 1 where id = ${p.id}`,
        sql`update payments set reversal_reason = 'x' where id = ${p.id}`,
        sql`delete from payments where id = ${p.id}`,
        sql`truncate payments`,
      ]) {
        expect(await databaseError(t.database.withTenant(a.tenantId, (tx) => tx.execute(statement)))).toMatch(
          /permission denied/,
        );
      }
    });

    test("a payment is undone by one reversal that mirrors it", async () => {
      const p = payment(a, { method: "bank_transfer", reference: "BCA 0042", amount: 120_000 });
      await t.database.withTenant(a.tenantId, (tx) => tx.insert(payments).values(p));
      const reverse = (values: Partial<PaymentRow>) =>
        t.database.withTenant(a.tenantId, (tx) =>
          tx.insert(payments).values(
            payment(a, {
              method: "bank_transfer",
              amount: 120_000,
              reversalOf: p.id,
              reversalReason: "entered for the wrong customer",
              ...values,
            }),
          ),
        );
      expect(await databaseError(reverse({ amount: 100_000 }))).toMatch(/payments_reversal_mirrors|does not mirror/);
      expect(await databaseError(reverse({ method: "cash" }))).toMatch(/does not mirror/);
      expect(await databaseError(reverse({ reversalReason: null }))).toMatch(/payments_reversal_complete/);
      const reversal = payment(a, {
        method: "bank_transfer",
        amount: 120_000,
        reversalOf: p.id,
        reversalReason: "entered for the wrong customer",
      });
      await t.database.withTenant(a.tenantId, (tx) => tx.insert(payments).values(reversal));
      expect(await databaseError(reverse({}))).toMatch(/payments_reversal_unique/);
      const ofReversal = reverse({ reversalOf: reversal.id });
      expect(await databaseError(ofReversal)).toMatch(/does not mirror/);
    });

    test("amounts: a payment is positive", async () => {
      for (const amount of [0, -50_000]) {
        const work = t.database.withTenant(a.tenantId, (tx) => tx.insert(payments).values(payment(a, { amount })));
        expect(await databaseError(work)).toMatch(/payments_amount_positive/);
      }
    });

    test("a gateway transaction is recorded once per tenant; another tenant may have the same id", async () => {
      const viaGateway = (x: BillingTenant) =>
        payment(x, { method: "gateway", gateway: "midtrans", gatewayTxnId: "TXN-0001" });
      await t.database.withTenant(a.tenantId, (tx) => tx.insert(payments).values(viaGateway(a)));
      expect(
        await databaseError(t.database.withTenant(a.tenantId, (tx) => tx.insert(payments).values(viaGateway(a)))),
      ).toMatch(/payments_gateway_txn_unique/);
      await t.database.withTenant(b.tenantId, (tx) => tx.insert(payments).values(viaGateway(b)));
      // The idempotent form a webhook uses: a replay inserts nothing.
      const replay = await t.database.withTenant(a.tenantId, (tx) =>
        tx
          .insert(payments)
          .values(viaGateway(a))
          .onConflictDoNothing({ target: [payments.tenantId, payments.gateway, payments.gatewayTxnId] })
          .returning(),
      );
      expect(replay).toEqual([]);
      // Manual payments carry no gateway key and do not collide.
      await t.database.withTenant(a.tenantId, (tx) => tx.insert(payments).values([payment(a), payment(a)]));
      const halfKey = payment(a, { method: "gateway", gateway: "midtrans" });
      expect(
        await databaseError(t.database.withTenant(a.tenantId, (tx) => tx.insert(payments).values(halfKey))),
      ).toMatch(/payments_gateway_complete/);
      const cashWithGateway = payment(a, { gateway: "midtrans", gatewayTxnId: "TXN-0002" });
      expect(
        await databaseError(t.database.withTenant(a.tenantId, (tx) => tx.insert(payments).values(cashWithGateway))),
      ).toMatch(/payments_gateway_method/);
    });

    test("a payment cannot name another tenant's customer", async () => {
      const work = t.database.withTenant(a.tenantId, (tx) =>
        tx.insert(payments).values(payment(a, { customerId: b.customerId })),
      );
      expect(await databaseError(work)).toMatch(/payments_customer_fk/);
      const rows = await t.database.withTenant(a.tenantId, async (tx) =>
        rowsOf(await tx.execute(sql`select 1 from payments where customer_id = ${b.customerId}`)),
      );
      expect(rows).toEqual([]);
    });
  });
}
