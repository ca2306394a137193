/**
 * The double-entry ledger's rules (DESIGN §5: append-only, every transaction sums to zero).
 * The account and kind names are the ledger tables' too (payments/payments.tables.ts takes
 * them from here; its check constraints spell them out for the database).
 *
 * Entries are signed: positive is a debit, negative a credit. Each customer has one
 * receivable, and their balance is its sum: positive when they owe, negative when they hold
 * credit. An overpayment therefore needs no account of its own: it leaves the receivable
 * below zero and the next invoice's debit uses it up, which is "credit applied to the next
 * invoice" without a transaction that could be forgotten. Which invoices that money settles
 * is derived, oldest first (`settleInvoices`), never stored.
 *
 * - invoice: per invoice a receivable entry of its gross (naming the invoice), and revenue
 *   −Σnet, tax −Σtax. One transaction may post many invoices: the billing run posts its whole
 *   run as one, so a run of 100k invoices writes 100k + 2 entries, not 300k (ADR 0004).
 *   A credit note (a negative invoice) posts the same with the signs turned;
 *   invoice_void: an invoice's mirror;
 * - payment: cash/bank/e-wallet/gateway +amount, receivable −amount; payment_reversal: its
 *   mirror. Nothing is edited or deleted; a mistake is undone by a reversing transaction.
 * Who holds collected cash is the payment's collector, not a ledger account.
 */
import { isMinorAmount, type MinorAmount, toSafeAmount } from "@kilusi/shared/money";

export const ledgerAccounts = [
  "receivable",
  "cash",
  "bank",
  "ewallet",
  "gateway",
  "revenue",
  "discount",
  "tax",
  "writeoff",
] as const;
export type LedgerAccount = (typeof ledgerAccounts)[number];

/** Where a payment lands. */
export type MoneyAccount = "cash" | "bank" | "ewallet" | "gateway";

export const ledgerTransactionKinds = ["invoice", "invoice_void", "payment", "payment_reversal", "adjustment"] as const;
export type LedgerTransactionKind = (typeof ledgerTransactionKinds)[number];

export interface LedgerEntry {
  account: LedgerAccount;
  /** Set on receivable entries, and only on them. */
  customerId: string | null;
  /** On receivable entries of an invoice or its void: which invoice. */
  invoiceId?: string | null;
  amountMinor: MinorAmount;
}

export interface LedgerTransaction {
  kind: LedgerTransactionKind;
  entries: LedgerEntry[];
}

export type PostErrorCode = "ledger.too-few-entries" | "ledger.amount" | "ledger.customer" | "ledger.unbalanced";
export type PostResult = { ok: true; transaction: LedgerTransaction } | { ok: false; code: PostErrorCode };

/**
 * A transaction, only if it has two entries or more, every amount a non-zero safe integer,
 * a customer on exactly the receivable entries, and Σ = 0.
 */
export function post(kind: LedgerTransactionKind, entries: readonly LedgerEntry[]): PostResult {
  if (entries.length < 2) return { ok: false, code: "ledger.too-few-entries" };
  if (!entries.every((e) => isMinorAmount(e.amountMinor) && e.amountMinor !== 0)) {
    return { ok: false, code: "ledger.amount" };
  }
  if (!entries.every((e) => (e.account === "receivable") === (e.customerId !== null))) {
    return { ok: false, code: "ledger.customer" };
  }
  if (!entries.every((e) => e.invoiceId == null || e.account === "receivable")) {
    return { ok: false, code: "ledger.customer" };
  }
  // Summed in BigInt: two huge amounts must not round their way to a false zero.
  if (entries.reduce((sum, e) => sum + BigInt(e.amountMinor), 0n) !== 0n)
    return { ok: false, code: "ledger.unbalanced" };
  return { ok: true, transaction: { kind, entries: entries.map((e) => ({ ...e })) } };
}

const entry = (
  account: LedgerAccount,
  amountMinor: MinorAmount,
  customerId: string | null = null,
  invoiceId: string | null = null,
): LedgerEntry => (invoiceId ? { account, customerId, invoiceId, amountMinor } : { account, customerId, amountMinor });

/** Zero amounts are left out: an invoice without tax has no tax entry. */
function postNonZero(kind: LedgerTransactionKind, entries: LedgerEntry[]): PostResult {
  return post(
    kind,
    entries.filter((e) => e.amountMinor !== 0),
  );
}

export interface PostedInvoice {
  invoiceId: string;
  customerId: string;
  netMinor: MinorAmount;
  taxMinor: MinorAmount;
}

const sumOf = (values: readonly MinorAmount[]) => toSafeAmount(values.reduce((s, v) => s + BigInt(v), 0n));

/** One or many invoices (or credit notes) issued together, e.g. a whole billing run. */
export function invoicesIssued(invoices: readonly PostedInvoice[]): PostResult {
  return postNonZero("invoice", [
    ...invoices.map((i) => entry("receivable", i.netMinor + i.taxMinor, i.customerId, i.invoiceId)),
    entry("revenue", -sumOf(invoices.map((i) => i.netMinor))),
    entry("tax", -sumOf(invoices.map((i) => i.taxMinor))),
  ]);
}

export function invoiceVoided(input: PostedInvoice): PostResult {
  return postNonZero("invoice_void", [
    entry("receivable", -(input.netMinor + input.taxMinor), input.customerId, input.invoiceId),
    entry("revenue", input.netMinor),
    entry("tax", input.taxMinor),
  ]);
}

/** Any amount, more than owed included: the excess is the customer's credit. */
export function paymentReceived(input: {
  customerId: string;
  amountMinor: MinorAmount;
  into: MoneyAccount;
}): PostResult {
  if (!(input.amountMinor > 0)) return { ok: false, code: "ledger.amount" };
  return post("payment", [
    entry(input.into, input.amountMinor),
    entry("receivable", -input.amountMinor, input.customerId),
  ]);
}

export function paymentReversed(input: {
  customerId: string;
  amountMinor: MinorAmount;
  from: MoneyAccount;
}): PostResult {
  if (!(input.amountMinor > 0)) return { ok: false, code: "ledger.amount" };
  return post("payment_reversal", [
    entry(input.from, -input.amountMinor),
    entry("receivable", input.amountMinor, input.customerId),
  ]);
}

/** Σ of an account's entries (debit positive); for the receivable, of one customer's. */
export function balanceOf(entries: Iterable<LedgerEntry>, account: LedgerAccount, customerId?: string): MinorAmount {
  let sum = 0n;
  for (const e of entries) {
    if (e.account === account && (customerId === undefined || e.customerId === customerId))
      sum += BigInt(e.amountMinor);
  }
  return toSafeAmount(sum);
}

/** What a customer owes (> 0) or holds as credit (< 0): the sum of their receivable entries. */
export function customerBalance(entries: Iterable<LedgerEntry>, customerId: string): MinorAmount {
  return balanceOf(entries, "receivable", customerId);
}

/** `credit`: a credit note (a negative invoice); what it gives back settles other invoices. */
export type InvoiceStatus = "open" | "partially_paid" | "paid" | "void" | "credit";

export interface InvoiceSettlement {
  invoiceId: string;
  totalMinor: MinorAmount;
  paidMinor: MinorAmount;
  openMinor: MinorAmount;
  status: InvoiceStatus;
}

/**
 * How far each of a customer's invoices is paid, from their balance: what the receivable was
 * credited (Σ totals of live invoices − balance) settles invoices oldest first, and whatever is
 * left over is credit. `invoices` are all the customer's invoices, oldest first; a voided one
 * settles nothing, since its void took its total off the receivable. A credit note is not
 * billed: like a payment, what it credited the receivable settles the invoices.
 */
export function settleInvoices(
  invoices: readonly { invoiceId: string; totalMinor: MinorAmount; voided: boolean }[],
  balanceMinor: MinorAmount,
): { invoices: InvoiceSettlement[]; creditMinor: MinorAmount } {
  const billed = invoices.reduce((sum, i) => (i.voided || i.totalMinor < 0 ? sum : sum + BigInt(i.totalMinor)), 0n);
  let left = billed - BigInt(balanceMinor);
  if (left < 0n) left = 0n;
  const settled = invoices.map((invoice): InvoiceSettlement => {
    const { invoiceId, totalMinor } = invoice;
    if (invoice.voided) return { invoiceId, totalMinor, paidMinor: 0, openMinor: 0, status: "void" };
    if (totalMinor < 0) return { invoiceId, totalMinor, paidMinor: 0, openMinor: 0, status: "credit" };
    const paid = left < BigInt(totalMinor) ? left : BigInt(totalMinor);
    left -= paid;
    const paidMinor = Number(paid);
    const status = paidMinor === totalMinor ? "paid" : paidMinor > 0 ? "partially_paid" : "open";
    return { invoiceId, totalMinor, paidMinor, openMinor: totalMinor - paidMinor, status };
  });
  return { invoices: settled, creditMinor: toSafeAmount(left) };
}
