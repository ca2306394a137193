import { and, eq, sql } from "drizzle-orm";
import type { LedgerTransaction, PostResult } from "../billing/ledger.models.ts";
import type { Tx } from "../db/database.ts";
import { ledgerEntries, ledgerTransactions } from "./payments.tables.ts";

export interface LedgerHeader {
  occurredAt: Date;
  createdBy: string | null;
  memo?: string | null;
  paymentId?: string | null;
}

/**
 * Writes a transaction the ledger model accepted: its header, then all its entries in one
 * statement (the database checks the balance per statement, ADR 0004). A refused posting is a
 * bug in the caller, not bad input: it throws. Returns the transaction id, or null when there
 * was nothing to post (an invoice of zero).
 */
export async function writeLedger(tx: Tx, tenantId: string, header: LedgerHeader, posted: PostResult) {
  if (!posted.ok) {
    if (posted.code === "ledger.too-few-entries") return null;
    throw new Error(`ledger: refused posting (${posted.code})`);
  }
  const transaction: LedgerTransaction = posted.transaction;
  const id = crypto.randomUUID();
  await tx.insert(ledgerTransactions).values({
    tenantId,
    id,
    kind: transaction.kind,
    occurredAt: header.occurredAt,
    createdBy: header.createdBy,
    memo: header.memo ?? null,
    paymentId: header.paymentId ?? null,
  });
  await tx.insert(ledgerEntries).values(
    transaction.entries.map((e) => ({
      tenantId,
      transactionId: id,
      account: e.account,
      customerId: e.customerId,
      invoiceId: e.invoiceId ?? null,
      amount: e.amountMinor,
    })),
  );
  return id;
}

/** What a customer owes (> 0) or holds as credit (< 0): the sum of their receivable entries. */
export async function customerBalanceOf(tx: Tx, tenantId: string, customerId: string): Promise<number> {
  const [row] = await tx
    .select({ balance: sql<string>`coalesce(sum(${ledgerEntries.amount}), 0)` })
    .from(ledgerEntries)
    .where(
      and(
        eq(ledgerEntries.tenantId, tenantId),
        eq(ledgerEntries.customerId, customerId),
        eq(ledgerEntries.account, "receivable"),
      ),
    );
  return Number(row?.balance ?? 0);
}
