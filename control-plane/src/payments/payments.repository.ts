import { and, asc, eq, sql } from "drizzle-orm";
import { users } from "../accounts/accounts.tables.ts";
import type { Actor } from "../auth/actor.ts";
import { can } from "../auth/permissions.ts";
import type { Database } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { memberships } from "../tenants/tenants.tables.ts";
import { nextDay, startOfDayIn } from "../time/zoned.ts";
import { phonePrefix } from "./payments.schemas.ts";
import { payments } from "./payments.tables.ts";

// Queries of the payments pages (the writes are the use-cases'). Each opens its own tenant
// transaction: row-level security answers for another tenant's row exactly as for none.

type Method = (typeof payments.$inferSelect)["method"];
const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));
/** LIKE's wildcards taken literally, so "50%" searches for "50%" (backslash is PostgreSQL's default escape). */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/** The most customers a search shows: a collector wants one person, not a list to scroll. */
export const SEARCH_LIMIT = 20;
export const PAYMENT_PAGE = 25;

export interface CustomerHit {
  id: string;
  name: string;
  phone: string | null;
  usernames: string[];
  balanceMinor: number;
}

const balanceOf = sql`coalesce((select sum(e.amount) from ledger_entries e
  where e.tenant_id = c.tenant_id and e.customer_id = c.id and e.account = 'receivable'), 0)`;

/**
 * Customers whose name has every word typed, whose phone starts with the number typed (0812…
 * finds +62812…), or who have a PPPoE username containing the text; with what each owes.
 */
export async function searchCustomersToPay(database: Database, actor: Actor, q: string): Promise<CustomerHit[]> {
  const words = q.split(" ").filter(Boolean).slice(0, 5);
  if (words.length === 0) return [];
  const matches = [
    sql`(${sql.join(
      words.map((w) => sql`c.name ilike ${contains(w)}`),
      sql` and `,
    )})`,
  ];
  const prefix = phonePrefix(q);
  if (prefix) matches.push(sql`starts_with(c.phone_e164, ${prefix})`);
  matches.push(sql`exists (select 1 from subscriptions s where s.tenant_id = c.tenant_id
    and s.customer_id = c.id and s.pppoe_username ilike ${contains(q)})`);
  return database.withTenant(actor.tenantId, async (tx) => {
    const rows = rowsOf<{ id: string; name: string; phone: string | null; usernames: string | null; balance: string }>(
      // The page of hits first, so the balance and usernames are summed for those 20 only.
      await tx.execute(sql`
        with hits as (
          select c.tenant_id, c.id, c.name, c.phone_e164
          from customers c
          where c.tenant_id = ${actor.tenantId}::uuid and (${sql.join(matches, sql` or `)})
          order by c.name, c.id
          limit ${SEARCH_LIMIT}
        )
        select c.id, c.name, c.phone_e164 as phone,
          (select string_agg(s.pppoe_username, ',' order by s.pppoe_username) from subscriptions s
            where s.tenant_id = c.tenant_id and s.customer_id = c.id and s.pppoe_username is not null) as usernames,
          ${balanceOf} as balance
        from hits c
        order by c.name, c.id`),
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      phone: r.phone,
      // Usernames are [A-Za-z0-9._@-]: a comma never occurs in one.
      usernames: r.usernames ? r.usernames.split(",") : [],
      balanceMinor: Number(r.balance),
    }));
  });
}

export interface PayingCustomer {
  id: string;
  name: string;
  phone: string | null;
  balanceMinor: number;
}

/** The customer a payment is for, with their balance; null when not this tenant's. */
export async function customerToPay(
  database: Database,
  actor: Actor,
  customerId: string,
): Promise<PayingCustomer | null> {
  return database.withTenant(actor.tenantId, async (tx) => {
    const [row] = rowsOf<{ id: string; name: string; phone: string | null; balance: string }>(
      await tx.execute(sql`
        select c.id, c.name, c.phone_e164 as phone, ${balanceOf} as balance
        from customers c where c.tenant_id = ${actor.tenantId}::uuid and c.id = ${customerId}::uuid`),
    );
    return row ? { id: row.id, name: row.name, phone: row.phone, balanceMinor: Number(row.balance) } : null;
  });
}

/** Whether a payment with this id exists in the tenant (a form's token already used). */
export async function paymentExists(database: Database, actor: Actor, id: string): Promise<boolean> {
  return database.withTenant(actor.tenantId, async (tx) => {
    const [row] = await tx
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.tenantId, actor.tenantId), eq(payments.id, id)));
    return row !== undefined;
  });
}

export interface Receipt {
  id: string;
  customerId: string;
  customerName: string;
  receivedAt: Date;
  method: Method;
  reference: string | null;
  amountMinor: number;
  invoiceNumber: string | null;
  balanceAfterMinor: number;
  collectorUserId: string | null;
  receivedByName: string | null;
  reversal: { at: Date; byName: string | null; reason: string } | null;
}

/**
 * A payment (never a reversal row) as its receipt tells it. The balance after it is the sum of
 * the customer's receivable entries up to its own, in the order the ledger wrote them, so a
 * reprint a month later says what the customer owed when they paid.
 */
export async function receiptOf(database: Database, actor: Actor, id: string): Promise<Receipt | null> {
  return database.withTenant(actor.tenantId, async (tx) => {
    const [r] = rowsOf<{
      id: string;
      customer_id: string;
      customer_name: string;
      received_at: Date | string;
      method: Method;
      reference: string | null;
      amount: string;
      invoice_number: string | null;
      collector_user_id: string | null;
      collector_name: string | null;
      reversed_at: Date | string | null;
      reversal_reason: string | null;
      reversed_by: string | null;
      balance_after: string;
    }>(
      await tx.execute(sql`
        select p.id, p.customer_id, c.name as customer_name, p.received_at, p.method, p.reference, p.amount,
          i.number as invoice_number, p.collector_user_id, u.name as collector_name,
          r.received_at as reversed_at, r.reversal_reason, ru.name as reversed_by,
          coalesce((select sum(e.amount) from ledger_entries e
            where e.tenant_id = p.tenant_id and e.customer_id = p.customer_id and e.account = 'receivable'
              and e.id <= (select max(pe.id) from ledger_entries pe
                join ledger_transactions lt on lt.tenant_id = pe.tenant_id and lt.id = pe.transaction_id
                where lt.tenant_id = p.tenant_id and lt.payment_id = p.id)), 0) as balance_after
        from payments p
        join customers c on c.tenant_id = p.tenant_id and c.id = p.customer_id
        left join invoices i on i.tenant_id = p.tenant_id and i.id = p.invoice_id
        left join users u on u.id = p.collector_user_id
        left join payments r on r.tenant_id = p.tenant_id and r.reversal_of = p.id
        left join users ru on ru.id = r.collector_user_id
        where p.tenant_id = ${actor.tenantId}::uuid and p.id = ${id}::uuid and p.reversal_of is null`),
    );
    if (!r) return null;
    return {
      id: r.id,
      customerId: r.customer_id,
      customerName: r.customer_name,
      receivedAt: asDate(r.received_at),
      method: r.method,
      reference: r.reference,
      amountMinor: Number(r.amount),
      invoiceNumber: r.invoice_number,
      balanceAfterMinor: Number(r.balance_after),
      collectorUserId: r.collector_user_id,
      receivedByName: r.collector_name,
      reversal:
        r.reversed_at !== null
          ? { at: asDate(r.reversed_at), byName: r.reversed_by, reason: r.reversal_reason ?? "" }
          : null,
    };
  });
}

export interface PaymentRow {
  id: string;
  receivedAt: Date;
  customerName: string;
  amountMinor: number;
  method: Method;
  reference: string | null;
  collectorName: string | null;
  reversalOf: string | null;
  reversed: boolean;
}

type RawPaymentRow = {
  id: string;
  received_at: Date | string;
  customer_name: string;
  amount: string;
  method: Method;
  reference: string | null;
  collector_name: string | null;
  reversal_of: string | null;
  reversed: boolean;
};

const paymentColumns = sql`p.id, p.received_at, c.name as customer_name, p.amount, p.method, p.reference,
  u.name as collector_name, p.reversal_of,
  exists (select 1 from payments r where r.tenant_id = p.tenant_id and r.reversal_of = p.id) as reversed`;
const paymentJoins = sql`from payments p
  join customers c on c.tenant_id = p.tenant_id and c.id = p.customer_id
  left join users u on u.id = p.collector_user_id`;

const toPaymentRow = (r: RawPaymentRow): PaymentRow => ({
  id: r.id,
  receivedAt: asDate(r.received_at),
  customerName: r.customer_name,
  amountMinor: Number(r.amount),
  method: r.method,
  reference: r.reference,
  collectorName: r.collector_name,
  reversalOf: r.reversal_of,
  reversed: Boolean(r.reversed),
});

/** Everyone's payments and reversals, newest first, filtered, one page of them and how many in all. */
export async function listPayments(
  database: Database,
  actor: Actor,
  filter: { method?: Method; collectorId?: string; day?: string; page: number },
): Promise<{ rows: PaymentRow[]; total: number }> {
  const where = [sql`p.tenant_id = ${actor.tenantId}::uuid`];
  if (filter.method) where.push(sql`p.method = ${filter.method}`);
  if (filter.collectorId) where.push(sql`p.collector_user_id = ${filter.collectorId}::uuid`);
  const from = filter.day ? startOfDayIn(filter.day, actor.timeZone) : null;
  const to = filter.day ? startOfDayIn(nextDay(filter.day), actor.timeZone) : null;
  if (from && to) {
    where.push(
      sql`p.received_at >= ${from.toISOString()}::timestamptz and p.received_at < ${to.toISOString()}::timestamptz`,
    );
  }
  const condition = sql.join(where, sql` and `);
  return database.withTenant(actor.tenantId, async (tx) => {
    const rows = rowsOf<RawPaymentRow>(
      await tx.execute(sql`
        select ${paymentColumns} ${paymentJoins}
        where ${condition}
        order by p.received_at desc, p.created_at desc, p.id
        limit ${PAYMENT_PAGE} offset ${(filter.page - 1) * PAYMENT_PAGE}`),
    );
    const [count] = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from payments p where ${condition}`),
    );
    return { rows: rows.map(toPaymentRow), total: Number(count?.n ?? 0) };
  });
}

/**
 * The payments one person received on one local day, oldest first: the same rows the day's
 * summary (`collectorDay`) counts, each saying whether it was reversed since.
 */
export async function collectorPayments(database: Database, actor: Actor, userId: string, day: string) {
  const from = startOfDayIn(day, actor.timeZone);
  const to = startOfDayIn(nextDay(day), actor.timeZone);
  if (!from || !to) return [];
  return database.withTenant(actor.tenantId, async (tx) => {
    const rows = rowsOf<RawPaymentRow>(
      await tx.execute(sql`
        select ${paymentColumns} ${paymentJoins}
        where p.tenant_id = ${actor.tenantId}::uuid and p.collector_user_id = ${userId}::uuid
          and p.reversal_of is null
          and p.received_at >= ${from.toISOString()}::timestamptz and p.received_at < ${to.toISOString()}::timestamptz
        order by p.received_at, p.created_at, p.id`),
    );
    return rows.map(toPaymentRow);
  });
}

/** The members who may take money (for the admin's pickers), by name. */
export async function paymentTakers(database: Database, actor: Actor): Promise<{ id: string; name: string }[]> {
  return database.withTenant(actor.tenantId, async (tx) => {
    const rows = await tx
      .select({ id: memberships.userId, name: users.name, role: memberships.role })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.tenantId, actor.tenantId))
      .orderBy(asc(users.name), asc(users.id));
    return rows.filter((r) => can(r.role, "payments.record")).map(({ id, name }) => ({ id, name }));
  });
}

/** A member of the tenant by user id, with their name; null when not a member. */
export async function memberOf(database: Database, actor: Actor, userId: string) {
  return database.withTenant(actor.tenantId, async (tx) => {
    const [row] = await tx
      .select({ id: memberships.userId, name: users.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.tenantId, actor.tenantId), eq(memberships.userId, userId)));
    return row ?? null;
  });
}
