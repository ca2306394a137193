import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { localDateOfColumn, settledInvoices } from "../invoices/settlement.sql.ts";
import type { ChargeGroup, OpenGroup } from "./reports.models.ts";

// Set-based reads for the dashboard and the reports: one statement per figure group, each
// grouping in the database so that what crosses the wire is a few dozen rows whatever the
// tenant's size. The statements only group and sum; reports.models.ts says what the figures mean.

const num = (v: unknown) => Number(v ?? 0);

/** An array of instants as one SQL value, for width_bucket. */
const instants = (bounds: readonly Date[]): SQL =>
  sql`array[${sql.join(
    bounds.map((b) => sql`${b.toISOString()}::timestamptz`),
    sql`, `,
  )}]::timestamptz[]`;

/** Subscriptions active or isolated on a monthly plan, grouped by what they pay a month. */
export async function chargeGroups(tx: Tx, tenantId: string): Promise<ChargeGroup[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      select p.price, s.monthly_discount, p.tax_rate_bp, p.tax_inclusive, count(*) as n
      from subscriptions s
      join plans p on p.tenant_id = s.tenant_id and p.id = s.plan_id
      where s.tenant_id = ${tenantId}::uuid and s.status in ('active', 'isolated') and p.cycle = 'monthly'
      group by p.price, s.monthly_discount, p.tax_rate_bp, p.tax_inclusive`),
  );
  return rows.map((r) => ({
    priceMinor: num(r.price),
    discountMinor: num(r.monthly_discount),
    taxRateBp: num(r.tax_rate_bp),
    taxInclusive: r.tax_inclusive === true || r.tax_inclusive === "t",
    count: num(r.n),
  }));
}

export interface SubscriberCounts {
  byStatus: Record<string, number>;
  /** Per month index (0 = the first of the boundaries' months). */
  activated: number[];
  terminated: number[];
}

/** Subscriptions by status now, and how many were activated and terminated in each month. */
export async function subscriberCounts(tx: Tx, tenantId: string, bounds: readonly Date[]): Promise<SubscriberCounts> {
  const months = bounds.length - 1;
  const first = bounds[0]?.toISOString();
  const last = bounds.at(-1)?.toISOString();
  const rows = rowsOf<{ kind: string; key: string; n: unknown }>(
    await tx.execute(sql`
      select 'status' as kind, s.status as key, count(*) as n
      from subscriptions s where s.tenant_id = ${tenantId}::uuid group by s.status
      union all
      select 'activated', width_bucket(s.activated_at, ${instants(bounds)})::text, count(*)
      from subscriptions s
      where s.tenant_id = ${tenantId}::uuid and s.activated_at >= ${first}::timestamptz and s.activated_at < ${last}::timestamptz
      group by 2
      union all
      select 'terminated', width_bucket(s.terminated_at, ${instants(bounds)})::text, count(*)
      from subscriptions s
      where s.tenant_id = ${tenantId}::uuid and s.terminated_at >= ${first}::timestamptz and s.terminated_at < ${last}::timestamptz
      group by 2`),
  );
  const result: SubscriberCounts = {
    byStatus: {},
    activated: Array(months).fill(0),
    terminated: Array(months).fill(0),
  };
  for (const r of rows) {
    if (r.kind === "status") result.byStatus[r.key] = num(r.n);
    else if (r.kind === "activated" || r.kind === "terminated") {
      // width_bucket numbers the months from 1.
      const i = Number(r.key) - 1;
      if (i >= 0 && i < months) result[r.kind][i] = num(r.n);
    }
  }
  return result;
}

/** Money received in each month minus the reversals made in it. */
export async function collectedByMonth(tx: Tx, tenantId: string, bounds: readonly Date[]): Promise<number[]> {
  const months = bounds.length - 1;
  const rows = rowsOf<{ b: unknown; net: unknown }>(
    await tx.execute(sql`
      select width_bucket(p.received_at, ${instants(bounds)}) as b,
             sum(case when p.reversal_of is null then p.amount else -p.amount end) as net
      from payments p
      where p.tenant_id = ${tenantId}::uuid
        and p.received_at >= ${bounds[0]?.toISOString()}::timestamptz
        and p.received_at < ${bounds.at(-1)?.toISOString()}::timestamptz
      group by 1`),
  );
  const collected: number[] = Array(months).fill(0);
  for (const r of rows) {
    const i = num(r.b) - 1;
    if (i >= 0 && i < months) collected[i] = num(r.net);
  }
  return collected;
}

export interface InvoiceFigures {
  /** Live invoices (not void, total > 0) issued per month (`YYYY-MM`) from `fromDay` on. */
  issued: Map<string, { count: number; totalMinor: number; paidMinor: number }>;
  /** Open invoices grouped by due date. */
  open: OpenGroup[];
}

/**
 * Invoices grouped twice: issued per month (with how much of it is paid), open per due date.
 * Only customers who owe have anything open, so the ledger-derived settlement is computed for
 * them alone; what every other invoice was paid is its total (paid = total − open).
 */
export async function invoiceFigures(tx: Tx, tenantId: string, fromDay: string): Promise<InvoiceFigures> {
  const rows = rowsOf<{ kind: string; key: string; n: unknown; amount: unknown; paid: unknown }>(
    await tx.execute(sql`
      with owing as materialized (
        select s.issued_on, s.due_on, s.total, s.open, s.voided_at
        from (${settledInvoices(tenantId, { owingOnly: true })}) s where s.open > 0
      ),
      issued as (
        select to_char(i.issued_on, 'YYYY-MM') as key, count(*) as n, sum(i.total) as amount
        from invoices i
        where i.tenant_id = ${tenantId}::uuid and i.voided_at is null and i.total > 0 and i.issued_on >= ${fromDay}::date
        group by 1
      ),
      unpaid as (
        select to_char(o.issued_on, 'YYYY-MM') as key, sum(o.open) as open
        from owing o where o.voided_at is null and o.total > 0 and o.issued_on >= ${fromDay}::date
        group by 1
      )
      select 'issued' as kind, i.key, i.n, i.amount, i.amount - coalesce(u.open, 0) as paid
      from issued i left join unpaid u on u.key = i.key
      union all
      select 'open', to_char(o.due_on, 'YYYY-MM-DD'), count(*), sum(o.open), 0
      from owing o
      group by 2`),
  );
  const issued: InvoiceFigures["issued"] = new Map();
  const open: OpenGroup[] = [];
  for (const r of rows) {
    if (r.kind === "issued") issued.set(r.key, { count: num(r.n), totalMinor: num(r.amount), paidMinor: num(r.paid) });
    else open.push({ dueOn: r.key, openMinor: num(r.amount), count: num(r.n) });
  }
  return { issued, open };
}

export interface OpenInvoiceRow {
  number: string;
  customerName: string;
  issuedOn: string;
  dueOn: string;
  totalMinor: number;
  paidMinor: number;
  openMinor: number;
}

/** Every invoice with something open, oldest due first, with its customer's name. */
export async function openInvoices(tx: Tx, tenantId: string): Promise<OpenInvoiceRow[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      select si.number, c.name as customer_name, si.issued_on, si.due_on, si.total, si.paid, si.open
      from (${settledInvoices(tenantId, { owingOnly: true })}) si
      join customers c on c.tenant_id = si.tenant_id and c.id = si.customer_id
      where si.open > 0
      order by si.due_on, si.year, si.seq`),
  );
  return rows.map((r) => ({
    number: String(r.number),
    customerName: String(r.customer_name),
    issuedOn: localDateOfColumn(r.issued_on as string | Date),
    dueOn: localDateOfColumn(r.due_on as string | Date),
    totalMinor: num(r.total),
    paidMinor: num(r.paid),
    openMinor: num(r.open),
  }));
}
