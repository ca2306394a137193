import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { customers } from "../customers/customers.tables.ts";
import { createdAt, money, tenantIdColumn, tenantReference } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";

/**
 * An issued invoice. Immutable once written: the application role may only set `voidedAt` and
 * `voidReason` (migrations.ts), and cannot delete. Paid, partially paid and open are derived
 * from the ledger, not stored.
 */
export const invoices = pgTable(
  "invoices",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    /** As printed, e.g. `INV/2026/000123`; from `year` and `seq`. */
    number: text("number").notNull(),
    year: integer("year").notNull(),
    /** Gap-free per tenant and year, taken from `invoice_counters` in the invoice's transaction. */
    seq: integer("seq").notNull(),
    subscriptionId: uuid("subscription_id").notNull(),
    customerId: uuid("customer_id").notNull(),
    /**
     * The billing period, `YYYY-MM` in the tenant's time zone: the billing run's idempotency key.
     * Null on a one-off invoice (a plan change's proration, a prepaid purchase), which may also be
     * a credit note: a negative total the customer is owed.
     */
    period: text("period"),
    issuedOn: date("issued_on", { mode: "string" }).notNull(),
    dueOn: date("due_on", { mode: "string" }).notNull(),
    currency: text("currency").notNull(),
    /** Σ lines' net, Σ lines' tax, Σ lines' gross (= subtotal + tax). */
    subtotal: money("subtotal").notNull(),
    tax: money("tax").notNull(),
    total: money("total").notNull(),
    voidedAt: timestamp("voided_at", { withTimezone: true }),
    voidReason: text("void_reason"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique("invoices_period_unique").on(t.tenantId, t.subscriptionId, t.period),
    unique("invoices_number_unique").on(t.tenantId, t.number),
    unique("invoices_seq_unique").on(t.tenantId, t.year, t.seq),
    tenantReference("invoices_subscription_fk", [t.tenantId, t.subscriptionId], subscriptions),
    tenantReference("invoices_customer_fk", [t.tenantId, t.customerId], customers),
    index("invoices_customer_idx").on(t.tenantId, t.customerId),
    index("invoices_due_idx").on(t.tenantId, t.dueOn).where(sql`${t.voidedAt} is null`),
    tenantIsolation(t.tenantId),
    check("invoices_period_format", sql`${t.period} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
    check("invoices_year_range", sql`${t.year} between 2000 and 9999`),
    check("invoices_seq_positive", sql`${t.seq} > 0`),
    check("invoices_number_present", sql`btrim(${t.number}) <> ''`),
    check("invoices_due_after_issue", sql`${t.dueOn} >= ${t.issuedOn}`),
    check("invoices_currency_format", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check(
      "invoices_amounts_valid",
      sql`${t.total} = ${t.subtotal} + ${t.tax} and (${t.total} >= 0 or ${t.period} is null)`,
    ),
    check("invoices_void_complete", sql`(${t.voidedAt} is null) = (${t.voidReason} is null)`),
    check("invoices_void_reason_present", sql`btrim(${t.voidReason}) <> ''`),
  ],
).enableRLS();

/** As the invoice model (billing/invoice.models.ts): proration, discount and adjustment may be credits. */
export const invoiceLineKinds = ["plan", "installation", "proration", "discount", "adjustment"] as const;

/**
 * One line of an invoice, amounts as the billing model computed them. The database keeps the
 * identities that do not depend on the rounding rule: base = quantity × unit price − discount
 * is the gross when tax is inclusive and the net when it is exclusive, and gross = net + tax.
 */
export const invoiceLines = pgTable(
  "invoice_lines",
  {
    tenantId: tenantIdColumn(),
    invoiceId: uuid("invoice_id").notNull(),
    /** 1-based order on the invoice. */
    position: smallint("position").notNull(),
    kind: text("kind", { enum: invoiceLineKinds }).notNull(),
    description: text("description").notNull(),
    quantity: integer("quantity").notNull().default(1),
    /** Negative for a credit (unused days on a downgrade, a discount line). */
    unitPrice: money("unit_price").notNull(),
    discount: money("discount").notNull().default(0),
    taxRateBp: integer("tax_rate_bp").notNull(),
    taxInclusive: boolean("tax_inclusive").notNull(),
    net: money("net").notNull(),
    tax: money("tax").notNull(),
    gross: money("gross").notNull(),
  },
  (t) => [
    // A line is its invoice and position: no id of its own, one index less for the billing run.
    primaryKey({ name: "invoice_lines_pkey", columns: [t.tenantId, t.invoiceId, t.position] }),
    tenantReference("invoice_lines_invoice_fk", [t.tenantId, t.invoiceId], invoices).onDelete("cascade"),
    tenantIsolation(t.tenantId),
    check(
      "invoice_lines_kind_valid",
      sql`${t.kind} in ('plan', 'installation', 'proration', 'discount', 'adjustment')`,
    ),
    check("invoice_lines_position_positive", sql`${t.position} > 0`),
    check("invoice_lines_quantity_positive", sql`${t.quantity} > 0`),
    check("invoice_lines_discount_not_negative", sql`${t.discount} >= 0`),
    check("invoice_lines_tax_rate_range", sql`${t.taxRateBp} between 0 and 10000`),
    check(
      "invoice_lines_amounts_consistent",
      sql`${t.gross} = ${t.net} + ${t.tax}
        and ${t.quantity} * ${t.unitPrice} - ${t.discount} = case when ${t.taxInclusive} then ${t.gross} else ${t.net} end`,
    ),
  ],
).enableRLS();

/**
 * The last invoice number taken per tenant and year. Taken with an upsert that increments and
 * returns in the invoice's own transaction: the row lock serializes concurrent billing, and a
 * rolled-back invoice rolls its number back too, so numbers have no gaps.
 */
export const invoiceCounters = pgTable(
  "invoice_counters",
  {
    tenantId: tenantIdColumn(),
    year: integer("year").notNull(),
    lastSeq: integer("last_seq").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.year] }),
    tenantIsolation(t.tenantId),
    check("invoice_counters_year_range", sql`${t.year} between 2000 and 9999`),
    check("invoice_counters_last_seq_not_negative", sql`${t.lastSeq} >= 0`),
  ],
).enableRLS();

/**
 * The reminders sent for an invoice, one row per offset of the dunning schedule (dunning.models.ts),
 * written in the transaction that queues the message: the job never sends the same one twice.
 */
export const invoiceReminders = pgTable(
  "invoice_reminders",
  {
    tenantId: tenantIdColumn(),
    invoiceId: uuid("invoice_id").notNull(),
    /** Days relative to the due date, as in the tenant's schedule. */
    offsetDays: smallint("offset_days").notNull(),
    /** The tenant's local date it was sent on. */
    sentOn: date("sent_on", { mode: "string" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: "invoice_reminders_pkey", columns: [t.tenantId, t.invoiceId, t.offsetDays] }),
    tenantReference("invoice_reminders_invoice_fk", [t.tenantId, t.invoiceId], invoices).onDelete("cascade"),
    tenantIsolation(t.tenantId),
    check("invoice_reminders_offset_range", sql`${t.offsetDays} between -30 and 90`),
  ],
).enableRLS();
