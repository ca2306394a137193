import { type SQL, sql } from "drizzle-orm";
import type { LineLabels } from "../billing/cycle-invoice.models.ts";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { type LocalDate, parseLocalDate } from "../time/zoned.ts";

export interface BillingRunInput {
  tenantId: string;
  /** Today in the tenant's zone: which cycle each subscription is in. */
  today: LocalDate;
  timeZone: string;
  dueDays: number;
  prefix: string;
  currency: string;
  labels: LineLabels;
  /** Who asked (a person pressing "run billing"); null for the scheduled job. */
  actorUserId: string | null;
  /** Bill only this subscription (its first invoice, right at activation). */
  subscriptionId?: string;
  now: Date;
}

export interface BillingRunResult {
  created: number;
  lines: number;
  firstNumber: string | null;
  lastNumber: string | null;
  totalMinor: number;
  /** The one ledger transaction that posted the whole run; null when nothing was owed. */
  ledgerTransactionId: string | null;
}

/** Serializes billing runs of one tenant (the job on every replica, a person's "run now"). */
export async function lockTenantBilling(tx: Tx, tenantId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`kilusi:billing:${tenantId}`}, 0))`);
}

// round(a × b / c) for a ≥ 0, halves up: money.models' mulDivRound, exact in numeric.
const mulDivRound = (a: SQL, b: SQL, c: SQL) => sql`div(2::numeric * ${a} * ${b} + ${c}, 2::numeric * ${c})`;

/**
 * The monthly billing run as one statement: every active or isolated monthly subscription of the
 * tenant without an invoice for the cycle that contains `today` gets one, with the lines the
 * model (billing/cycle-invoice.models.ts) prescribes, gap-free numbers from the tenant's
 * counter, and one ledger transaction for all of them (ADR 0004). Idempotent: a second run finds
 * nothing to bill. Run it after `lockTenantBilling` in the same transaction; the unique key
 * (subscription, period) is the last guard.
 */
export async function runBillingSql(tx: Tx, input: BillingRunInput): Promise<BillingRunResult> {
  const today = parseLocalDate(input.today);
  if (!today) throw new RangeError(`billing run: not a local date: ${input.today}`);
  const { tenantId, labels } = input;
  const year = today.year;
  const only = input.subscriptionId ? sql`and s.id = ${input.subscriptionId}` : sql``;
  const ledgerId = crypto.randomUUID();
  // Typed once: postgres.js sends parameters untyped, and a select list reads them as text.
  const tid = sql`${tenantId}::uuid`;
  const yr = sql`${year}::int`;
  const memo = `billing run ${input.today}`;
  const planAmount = sql`(a.price - ${mulDivRound(sql`a.price`, sql`a.off`, sql`a.days`)})::bigint`;
  const discountPart = sql`(a.discount_full - ${mulDivRound(sql`a.discount_full`, sql`a.off`, sql`a.days`)})::bigint`;

  const result = await tx.execute(sql`
    with cand as materialized (
      select s.id as subscription_id, s.customer_id, s.monthly_discount as discount_full,
             p.name as plan_name, p.price, p.tax_rate_bp as rate, p.tax_inclusive as incl, p.installation_fee as fee,
             (s.activated_at at time zone ${input.timeZone})::date as activated_on,
             ps.period_start,
             not exists (select 1 from invoices i2
                         where i2.tenant_id = s.tenant_id and i2.subscription_id = s.id) as first_invoice,
             row_number() over (order by s.created_at, s.id) as n
      from subscriptions s
      join plans p on p.tenant_id = s.tenant_id and p.id = s.plan_id
      cross join lateral (
        select case when ${today.day}::int >= s.billing_day
                    then make_date(${yr}, ${today.month}::int, s.billing_day)
                    else (make_date(${yr}, ${today.month}::int, s.billing_day) - interval '1 month')::date
               end as period_start) ps
      where s.tenant_id = ${tid} and s.status in ('active', 'isolated') and p.cycle = 'monthly'
        and s.activated_at is not null and (s.activated_at at time zone ${input.timeZone})::date <= ${input.today}::date
        ${only}
        and not exists (select 1 from invoices i
                        where i.tenant_id = s.tenant_id and i.subscription_id = s.id
                          and i.period = to_char(ps.period_start, 'YYYY-MM'))
    ),
    cycle as (
      select c.*, (c.period_start + interval '1 month')::date as period_end,
             ((c.period_start + interval '1 month')::date - c.period_start) as days,
             greatest(c.activated_on - c.period_start, 0) as off
      from cand c
    ),
    amounts as (
      select a.*, ${planAmount} as plan_amount, least(${discountPart}, ${planAmount}) as discount
      from cycle a
    ),
    lines as (
      select a.subscription_id, 1 as position,
             case when a.off > 0 then 'proration' else 'plan' end as kind,
             case when a.off > 0
                  then a.plan_name || ' · ' || to_char(a.activated_on, 'DD/MM/YYYY') || ' – '
                       || to_char(a.period_end - 1, 'DD/MM/YYYY') || ' (' || (a.days - a.off) || '/' || a.days
                       || ' ' || ${labels.days}::text || ')'
                  else a.plan_name || ' · ' || to_char(a.period_start, 'DD/MM/YYYY') || ' – '
                       || to_char(a.period_end - 1, 'DD/MM/YYYY')
             end as description,
             a.plan_amount as amount, a.rate, a.incl
      from amounts a
      union all
      select a.subscription_id, 2, 'installation', ${labels.installation}::text, a.fee, a.rate, a.incl
      from amounts a where a.first_invoice and a.fee > 0
      union all
      select a.subscription_id, case when a.first_invoice and a.fee > 0 then 3 else 2 end, 'discount',
             ${labels.discount}::text, -a.discount, a.rate, a.incl
      from amounts a where a.discount > 0
    ),
    taxed as (
      select l.*,
             case when l.incl
                  then (sign(l.amount) * ${mulDivRound(sql`abs(l.amount)`, sql`10000`, sql`(10000 + l.rate)`)})::bigint
                  else l.amount end as net
      from lines l
    ),
    taxed_lines as (
      select t.*,
             case when t.incl then t.amount - t.net
                  else (sign(t.amount) * ${mulDivRound(sql`abs(t.amount)`, sql`t.rate`, sql`10000`)})::bigint end as tax
      from taxed t
    ),
    totals as (
      select subscription_id, sum(net)::bigint as subtotal, sum(tax)::bigint as tax from taxed_lines group by subscription_id
    ),
    invoice_rows as materialized (
      select a.subscription_id, a.customer_id, a.n, to_char(a.period_start, 'YYYY-MM') as period,
             t.subtotal, t.tax, t.subtotal + t.tax as total, gen_random_uuid() as invoice_id
      from amounts a join totals t using (subscription_id)
    ),
    counter as (
      insert into invoice_counters (tenant_id, year, last_seq)
      select ${tid}, ${yr}, count(*) from cand having count(*) > 0
      on conflict (tenant_id, year) do update set last_seq = invoice_counters.last_seq + excluded.last_seq
      returning last_seq
    ),
    numbered as (
      select r.*, (k.last_seq - (select count(*) from cand) + r.n)::int as seq
      from invoice_rows r cross join counter k
    ),
    inserted as (
      insert into invoices (tenant_id, id, number, year, seq, subscription_id, customer_id, period,
                            issued_on, due_on, currency, subtotal, tax, total)
      select ${tid}, r.invoice_id,
             ${input.prefix}::text || '/' || ${yr}::text || '/' || lpad(r.seq::text, greatest(6, length(r.seq::text)), '0'),
             ${yr}, r.seq, r.subscription_id, r.customer_id, r.period,
             ${input.today}::date, ${input.today}::date + ${input.dueDays}::int, ${input.currency}::text, r.subtotal, r.tax, r.total
      from numbered r
      returning number, total
    ),
    inserted_lines as (
      insert into invoice_lines (tenant_id, invoice_id, position, kind, description, quantity, unit_price, discount,
                                 tax_rate_bp, tax_inclusive, net, tax, gross)
      select ${tid}, r.invoice_id, l.position, l.kind, l.description, 1, l.amount, 0, l.rate, l.incl,
             l.net, l.tax, l.net + l.tax
      from taxed_lines l join invoice_rows r using (subscription_id)
      returning 1
    ),
    ledger_transaction as (
      insert into ledger_transactions (tenant_id, id, kind, occurred_at, created_by, memo)
      select ${tid}, ${ledgerId}::uuid, 'invoice', ${input.now.toISOString()}::timestamptz, ${input.actorUserId}::uuid, ${memo}::text
      where exists (select 1 from invoice_rows where subtotal <> 0 or tax <> 0)
      returning id
    ),
    entries as (
      insert into ledger_entries (tenant_id, transaction_id, account, customer_id, invoice_id, amount)
      select ${tid}, x.id, 'receivable', r.customer_id, r.invoice_id, r.total
      from invoice_rows r cross join ledger_transaction x where r.total <> 0
      union all
      select ${tid}, x.id, 'revenue', null, null, -s.subtotal
      from ledger_transaction x cross join (select sum(subtotal)::bigint as subtotal from invoice_rows) s where s.subtotal <> 0
      union all
      select ${tid}, x.id, 'tax', null, null, -s.tax
      from ledger_transaction x cross join (select sum(tax)::bigint as tax from invoice_rows) s where s.tax <> 0
      returning 1
    )
    select (select count(*)::int from inserted) as created,
           (select count(*)::int from inserted_lines) as lines,
           (select min(number) from inserted) as "firstNumber",
           (select max(number) from inserted) as "lastNumber",
           (select coalesce(sum(total), 0)::bigint from inserted) as "totalMinor",
           (select count(*)::int from entries) as entries,
           (select id from ledger_transaction) as "ledgerTransactionId"`);
  const [row] = rowsOf<Record<string, unknown>>(result);
  return {
    created: Number(row?.created ?? 0),
    lines: Number(row?.lines ?? 0),
    firstNumber: (row?.firstNumber as string | null) ?? null,
    lastNumber: (row?.lastNumber as string | null) ?? null,
    totalMinor: Number(row?.totalMinor ?? 0),
    ledgerTransactionId: (row?.ledgerTransactionId as string | null) ?? null,
  };
}
