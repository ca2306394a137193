import { sql } from "drizzle-orm";
import { bigserial, check, index, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { users } from "../accounts/accounts.tables.ts";
// One list of accounts and kinds: the ledger model's, which the check constraints below repeat.
import { ledgerAccounts, ledgerTransactionKinds } from "../billing/ledger.models.ts";
import { customers } from "../customers/customers.tables.ts";
import { createdAt, money, tenantIdColumn, tenantReference } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";
import { invoices } from "../invoices/invoices.tables.ts";

export const paymentMethods = ["cash", "bank_transfer", "ewallet", "gateway"] as const;

/**
 * Money received from a customer. Append-only for the application role (no UPDATE, no DELETE;
 * migrations.ts): a mistake is undone by a reversal, a new row that names the payment it
 * reverses (`reversalOf`) and why. A payment is reversed at most once. `amount` is positive on
 * both; a reversal gives the money back, so sums of received money subtract reversal rows
 * (or read the ledger, where the signs are already right).
 */
export const payments = pgTable(
  "payments",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    customerId: uuid("customer_id").notNull(),
    /** The invoice the customer meant to pay, if any; allocation itself is the ledger's. */
    invoiceId: uuid("invoice_id"),
    method: text("method", { enum: paymentMethods }).notNull(),
    /** Bank or e-wallet reference as typed by the collector. */
    reference: text("reference"),
    /** Gateway payments: the gateway's name and transaction id, unique together per tenant. */
    gateway: text("gateway"),
    gatewayTxnId: text("gateway_txn_id"),
    amount: money("amount").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    /** Who took the money (collector or admin); null for gateway payments. */
    collectorUserId: uuid("collector_user_id").references(() => users.id),
    /** Set on a reversal row: the payment it reverses, and why. */
    reversalOf: uuid("reversal_of"),
    reversalReason: text("reversal_reason"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("payments_customer_fk", [t.tenantId, t.customerId], customers),
    tenantReference("payments_invoice_fk", [t.tenantId, t.invoiceId], invoices),
    tenantReference("payments_reversal_of_fk", [t.tenantId, t.reversalOf], { tenantId: t.tenantId, id: t.id }),
    unique("payments_gateway_txn_unique").on(t.tenantId, t.gateway, t.gatewayTxnId),
    unique("payments_reversal_unique").on(t.tenantId, t.reversalOf),
    index("payments_customer_idx").on(t.tenantId, t.customerId),
    index("payments_invoice_idx").on(t.tenantId, t.invoiceId),
    index("payments_collector_idx").on(t.tenantId, t.collectorUserId, t.receivedAt),
    tenantIsolation(t.tenantId),
    check("payments_method_valid", sql`${t.method} in ('cash', 'bank_transfer', 'ewallet', 'gateway')`),
    check("payments_amount_positive", sql`${t.amount} > 0`),
    check("payments_gateway_complete", sql`num_nulls(${t.gateway}, ${t.gatewayTxnId}) in (0, 2)`),
    // A gateway payment names its gateway; its reversal (a refund) does not repeat the key.
    check(
      "payments_gateway_method",
      sql`(${t.gateway} is not null) = (${t.method} = 'gateway' and ${t.reversalOf} is null)`,
    ),
    check("payments_reversal_complete", sql`(${t.reversalOf} is null) = (${t.reversalReason} is null)`),
    check("payments_reversal_reason_present", sql`btrim(${t.reversalReason}) <> ''`),
    check("payments_reversal_not_self", sql`${t.reversalOf} <> ${t.id}`),
  ],
).enableRLS();

/**
 * One business event in the double-entry ledger; its entries sum to zero, checked by the
 * database when the transaction commits (migration 0007). Append-only for the application role.
 */
export const ledgerTransactions = pgTable(
  "ledger_transactions",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    kind: text("kind", { enum: ledgerTransactionKinds }).notNull(),
    /** When it happened for the books (a payment's receipt time, an invoice's issue). */
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    /** Null when a job posted it (the billing run). */
    createdBy: uuid("created_by").references(() => users.id),
    memo: text("memo"),
    paymentId: uuid("payment_id"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("ledger_transactions_payment_fk", [t.tenantId, t.paymentId], payments),
    index("ledger_transactions_payment_idx").on(t.tenantId, t.paymentId),
    index("ledger_transactions_occurred_idx").on(t.tenantId, t.occurredAt),
    tenantIsolation(t.tenantId),
    check(
      "ledger_transactions_kind_valid",
      sql`${t.kind} in ('invoice', 'invoice_void', 'payment', 'payment_reversal', 'adjustment')`,
    ),
  ],
).enableRLS();

/**
 * Signed amounts: positive debits, negative credits. `receivable` is per customer (and only
 * it carries `customerId`): a customer's balance is the sum of their entries, positive when
 * they owe, negative when they have credit (an overpayment, applied to the next invoices).
 */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    tenantId: tenantIdColumn(),
    id: bigserial("id", { mode: "number" }).notNull(),
    transactionId: uuid("transaction_id").notNull(),
    account: text("account", { enum: ledgerAccounts }).notNull(),
    customerId: uuid("customer_id"),
    /** On receivable entries of an invoice (or its void): which invoice the amount is. */
    invoiceId: uuid("invoice_id"),
    amount: money("amount").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("ledger_entries_transaction_fk", [t.tenantId, t.transactionId], ledgerTransactions),
    tenantReference("ledger_entries_customer_fk", [t.tenantId, t.customerId], customers),
    tenantReference("ledger_entries_invoice_fk", [t.tenantId, t.invoiceId], invoices),
    index("ledger_entries_transaction_idx").on(t.tenantId, t.transactionId),
    // With the amount, a customer's balance is an index-only sum.
    index("ledger_entries_customer_idx").on(t.tenantId, t.customerId, t.amount),
    tenantIsolation(t.tenantId),
    check(
      "ledger_entries_account_valid",
      sql`${t.account} in ('receivable', 'cash', 'bank', 'ewallet', 'gateway', 'revenue', 'discount', 'tax', 'writeoff')`,
    ),
    check("ledger_entries_customer_account", sql`(${t.account} = 'receivable') = (${t.customerId} is not null)`),
    check("ledger_entries_amount_not_zero", sql`${t.amount} <> 0`),
    check("ledger_entries_invoice_receivable", sql`${t.invoiceId} is null or ${t.account} = 'receivable'`),
  ],
).enableRLS();
