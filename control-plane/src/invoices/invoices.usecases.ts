import { and, asc, eq, sql } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import { billingSettingsOf } from "../billing/billing-settings.usecases.ts";
import type { InvoiceStatus } from "../billing/ledger.models.ts";
import { invoiceVoided } from "../billing/ledger.models.ts";
import type { Clock } from "../clock.ts";
import { customers } from "../customers/customers.tables.ts";
import type { Database } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { restoreSettled } from "../dunning/dunning.usecases.ts";
import { AppError, notFound } from "../http/errors.ts";
import type { Sealing } from "../notifications/outbox.ts";
import { writeLedger } from "../payments/ledger.repository.ts";
import { payments } from "../payments/payments.tables.ts";
import { tenantOf } from "../subscriptions/subscriptions.usecases.ts";
import { tenants } from "../tenants/tenants.tables.ts";
import { localDateOf } from "../time/zoned.ts";
import { invoiceLines, invoiceReminders, invoices } from "./invoices.tables.ts";
import { localDateOfColumn, type SettledInvoiceRow, settledInvoices } from "./settlement.sql.ts";

export interface InvoicesDeps {
  database: Database;
  clock: Clock;
  secretBox: Sealing["secretBox"];
}

export interface InvoiceSummary {
  id: string;
  number: string;
  customerId: string;
  customerName: string;
  subscriptionId: string;
  period: string | null;
  issuedOn: string;
  dueOn: string;
  currency: string;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  paidMinor: number;
  openMinor: number;
  status: InvoiceStatus;
  /** Open and past its due date (today in the tenant's zone). */
  overdue: boolean;
  voidReason: string | null;
}

export const INVOICE_FILTERS = ["", "unpaid", "overdue", "open", "partially_paid", "paid", "void", "credit"] as const;
export type InvoiceFilter = (typeof INVOICE_FILTERS)[number];
export const INVOICE_PAGE = 50;

const toSummary = (r: SettledInvoiceRow & { customer_name: string }, today: string): InvoiceSummary => {
  const dueOn = localDateOfColumn(r.due_on);
  const openMinor = Number(r.open);
  return {
    id: r.id,
    number: r.number,
    customerId: r.customer_id,
    customerName: r.customer_name,
    subscriptionId: r.subscription_id,
    period: r.period,
    issuedOn: localDateOfColumn(r.issued_on),
    dueOn,
    currency: r.currency,
    subtotalMinor: Number(r.subtotal),
    taxMinor: Number(r.tax),
    totalMinor: Number(r.total),
    paidMinor: Number(r.paid),
    openMinor,
    status: r.status,
    overdue: openMinor > 0 && dueOn < today,
    voidReason: r.void_reason,
  };
};

/** Invoices with their status derived from the ledger, newest first, filtered and paged. */
export async function listInvoices(
  deps: Pick<InvoicesDeps, "database" | "clock">,
  actor: Actor,
  filters: { status: InvoiceFilter; q: string; customerId?: string; page: number },
) {
  const today = localDateOf(deps.clock.now(), actor.timeZone);
  const conditions = [sql`true`];
  if (filters.status === "unpaid") conditions.push(sql`si.open > 0`);
  else if (filters.status === "overdue") conditions.push(sql`si.open > 0 and si.due_on < ${today}::date`);
  else if (filters.status) conditions.push(sql`si.status = ${filters.status}`);
  if (filters.q) {
    const like = `%${filters.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    conditions.push(sql`(si.number ilike ${like} or c.name ilike ${like})`);
  }
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const rows = rowsOf<SettledInvoiceRow & { customer_name: string }>(
      await tx.execute(sql`
        with si as materialized (
          ${settledInvoices(actor.tenantId, {
            // Unpaid, overdue, open or partly paid invoices belong to customers who owe.
            owingOnly: ["unpaid", "overdue", "open", "partially_paid"].includes(filters.status),
            ...(filters.customerId ? { customerId: filters.customerId } : {}),
          })}
        )
        select si.*, c.name as customer_name
        from si join customers c on c.tenant_id = si.tenant_id and c.id = si.customer_id
        where ${sql.join(conditions, sql` and `)}
        order by si.issued_on desc, si.year desc, si.seq desc
        limit ${INVOICE_PAGE + 1} offset ${(filters.page - 1) * INVOICE_PAGE}`),
    );
    return { rows: rows.slice(0, INVOICE_PAGE).map((r) => toSummary(r, today)), more: rows.length > INVOICE_PAGE };
  });
}

/** One invoice with its lines, how it is paid, the customer's payments and the reminders it had. */
export async function invoiceDetail(deps: Pick<InvoicesDeps, "database" | "clock">, actor: Actor, id: string) {
  const today = localDateOf(deps.clock.now(), actor.timeZone);
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const [head] = await tx
      .select({ customerId: invoices.customerId })
      .from(invoices)
      .where(and(eq(invoices.tenantId, actor.tenantId), eq(invoices.id, id)));
    if (!head) return null;
    const [row] = rowsOf<SettledInvoiceRow & { customer_name: string }>(
      await tx.execute(sql`
        select si.*, c.name as customer_name
        from (${settledInvoices(actor.tenantId, { customerId: head.customerId })}) si
        join customers c on c.tenant_id = si.tenant_id and c.id = si.customer_id
        where si.id = ${id}::uuid`),
    );
    if (!row) return null;
    const lines = await tx
      .select()
      .from(invoiceLines)
      .where(and(eq(invoiceLines.tenantId, actor.tenantId), eq(invoiceLines.invoiceId, id)))
      .orderBy(asc(invoiceLines.position));
    const [customer] = await tx
      .select()
      .from(customers)
      .where(and(eq(customers.tenantId, actor.tenantId), eq(customers.id, head.customerId)));
    const reminders = await tx
      .select()
      .from(invoiceReminders)
      .where(and(eq(invoiceReminders.tenantId, actor.tenantId), eq(invoiceReminders.invoiceId, id)))
      .orderBy(asc(invoiceReminders.offsetDays));
    const paidWith = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.tenantId, actor.tenantId), eq(payments.invoiceId, id)))
      .orderBy(asc(payments.receivedAt));
    return { invoice: toSummary(row, today), lines, customer, reminders, payments: paidWith };
  });
}

/**
 * A void with its reason: the invoice is kept (numbers have no gaps) and marked void, the
 * ledger gets its mirror, and what it no longer owes may restore a subscriber at once. What was
 * paid towards it moves, like any credit, to the customer's other invoices.
 */
export async function voidInvoice(deps: InvoicesDeps, actor: Actor, id: string, reason: string, meta: RequestMeta) {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const [invoice] = await tx
      .select()
      .from(invoices)
      .where(and(eq(invoices.tenantId, actor.tenantId), eq(invoices.id, id)))
      .for("update");
    if (!invoice) throw notFound("invoice");
    if (invoice.voidedAt) throw new AppError("already_void", 409, "This invoice is already void.");
    const now = deps.clock.now();
    await tx
      .update(invoices)
      .set({ voidedAt: now, voidReason: reason })
      .where(and(eq(invoices.tenantId, actor.tenantId), eq(invoices.id, id)));
    await writeLedger(
      tx,
      actor.tenantId,
      { occurredAt: now, createdBy: actor.userId, memo: reason },
      invoiceVoided({
        invoiceId: id,
        customerId: invoice.customerId,
        netMinor: invoice.subtotal,
        taxMinor: invoice.tax,
      }),
    );
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "invoice.voided",
      entityType: "invoice",
      entityId: id,
      before: { number: invoice.number, total: invoice.total },
      after: { reason },
    });
    const restored = await restoreSettled(
      tx,
      { database: deps.database, clock: deps.clock, sealing: { secretBox: deps.secretBox } },
      tenantOf(actor),
      invoice.customerId,
      now,
      meta,
    );
    return { number: invoice.number, restored };
  });
}

/** The customer a list is narrowed to (`/invoices?customer=`), or null when not the tenant's. */
export async function invoiceCustomer(deps: Pick<InvoicesDeps, "database">, actor: Actor, customerId: string) {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const [row] = await tx
      .select({ id: customers.id, name: customers.name })
      .from(customers)
      .where(and(eq(customers.tenantId, actor.tenantId), eq(customers.id, customerId)));
    return row ?? null;
  });
}

/**
 * What a printed invoice needs besides the invoice: who issues it (name, logo's storage key)
 * and the payment instructions of the tenant's billing settings.
 */
export async function printableInvoice(deps: Pick<InvoicesDeps, "database" | "clock">, actor: Actor, id: string) {
  const detail = await invoiceDetail(deps, actor, id);
  if (!detail) return null;
  const issuer = await deps.database.withTenant(actor.tenantId, async (tx) => {
    const settings = await billingSettingsOf(tx, actor.tenantId);
    const [tenant] = await tx
      .select({ name: tenants.name, logoKey: tenants.logoKey })
      .from(tenants)
      .where(eq(tenants.id, actor.tenantId));
    if (!tenant) throw notFound("ISP");
    return { name: tenant.name, logoKey: tenant.logoKey, footer: settings.invoiceFooter };
  });
  return { ...detail, issuer };
}
