import { type SQL, sql } from "drizzle-orm";
import type { InvoiceStatus } from "../billing/ledger.models.ts";

/**
 * Every invoice of the tenant (or of one customer; or only of the customers who owe, which are
 * the only ones with anything open) with how far it is paid, derived from the ledger exactly as
 * ledger.models' `settleInvoices` does: what the customer's receivable was credited (Σ totals
 * of their live invoices − their balance) settles their invoices oldest first (issue date,
 * then number); voided invoices settle nothing; credit notes are not billed. Nothing of this
 * is stored: a payment, a reversal or a void changes it at once.
 *
 * Columns: the invoice's own, plus `paid`, `open` (bigint) and `status` (InvoiceStatus).
 * Use it as a subquery: `from (${settledInvoices(tenantId, cond)}) si`.
 */
export function settledInvoices(tenantId: string, scope: { customerId?: string; owingOnly?: boolean } = {}): SQL {
  const ofInvoice = scope.customerId ? sql`and i.customer_id = ${scope.customerId}::uuid` : sql``;
  const ofEntry = scope.customerId ? sql`and e.customer_id = ${scope.customerId}::uuid` : sql``;
  const columns = sql`i.tenant_id, i.id, i.number, i.year, i.seq, i.subscription_id, i.customer_id, i.period,
    i.issued_on, i.due_on, i.currency, i.subtotal, i.tax, i.total, i.voided_at, i.void_reason, i.created_at,
    i.live_total`;
  const invoicesOf = sql`(select i.*, case when i.voided_at is null and i.total > 0 then i.total else 0 end as live_total
    from invoices i where i.tenant_id = ${tenantId}::uuid ${ofInvoice})`;
  // A customer who owes nothing (balance ≤ 0) has every live invoice paid in full: only those
  // who owe need the running total, and at scale they are the few.
  const settledInFull = scope.owingOnly
    ? sql``
    : sql`union all
      select ${columns}, coalesce(b.balance, 0) as balance, i.live_total as paid
      from ${invoicesOf} i left join balances b on b.customer_id = i.customer_id
      where coalesce(b.balance, 0) <= 0`;
  return sql`
    with balances as (
      -- customer_id is set on receivable entries only (ledger_entries_customer_account): the
      -- (tenant, customer, amount) index answers this without reading the table.
      select e.customer_id, sum(e.amount) as balance from ledger_entries e
      where e.tenant_id = ${tenantId}::uuid and e.customer_id is not null ${ofEntry}
      group by e.customer_id
    )
    select x.*,
           case when x.voided_at is not null then 'void'
                when x.total < 0 then 'credit'
                when x.paid >= x.total then 'paid'
                when x.paid > 0 then 'partially_paid'
                else 'open' end as status,
           case when x.voided_at is not null or x.total < 0 then 0 else x.total - x.paid end as open
    from (
      select ${sql.raw("w.tenant_id, w.id, w.number, w.year, w.seq, w.subscription_id, w.customer_id, w.period, w.issued_on, w.due_on, w.currency, w.subtotal, w.tax, w.total, w.voided_at, w.void_reason, w.created_at, w.live_total")},
             w.balance,
             case when w.live_total = 0 then 0
                  else least(greatest(greatest(w.billed - w.balance, 0) - w.before, 0), w.live_total) end as paid
      from (
        select ${columns}, b.balance,
               sum(i.live_total) over (partition by i.customer_id) as billed,
               coalesce(sum(i.live_total) over (partition by i.customer_id order by i.issued_on, i.year, i.seq
                                                rows between unbounded preceding and 1 preceding), 0) as before
        from ${invoicesOf} i join balances b on b.customer_id = i.customer_id and b.balance > 0
      ) w
      ${settledInFull}
    ) x`;
}

/** A row of `settledInvoices`, as the drivers return it (bigint may come as text). */
export interface SettledInvoiceRow {
  id: string;
  number: string;
  customer_id: string;
  subscription_id: string;
  period: string | null;
  issued_on: string | Date;
  due_on: string | Date;
  currency: string;
  subtotal: string | number;
  tax: string | number;
  total: string | number;
  voided_at: Date | string | null;
  void_reason: string | null;
  paid: string | number;
  open: string | number;
  status: InvoiceStatus;
}

/** `YYYY-MM-DD` from a date column, whichever driver read it. */
export function localDateOfColumn(value: string | Date): string {
  return typeof value === "string" ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}
