import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { invoices } from "../invoices/invoices.tables.ts";
import { ledgerEntries, payments } from "../payments/payments.tables.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";
import { customerSearchTerms } from "./customer-search.tables.ts";
import { type SearchTerms, searchTerms } from "./customers.models.ts";
import { customers } from "./customers.tables.ts";

/** A position in the list, sorted by name then id: the last row of a page, or the first. */
export interface Cursor {
  name: string;
  id: string;
}

export interface CustomerSearch {
  /** What the search box says; blank lists everyone. */
  q: string;
  /** Rows after this one (the next page), or before it (the previous page). */
  after?: Cursor;
  before?: Cursor;
  limit: number;
}

export interface CustomerListRow {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  tags: string[];
  notes: string | null;
  /** The PPPoE usernames of the customer's subscriptions. */
  usernames: string[];
}

export interface CustomerPage {
  rows: CustomerListRow[];
  /** Whether there are rows before the first and after the last of this page. */
  hasPrevious: boolean;
  hasNext: boolean;
}

/** Every spelling of a short prefix in upper and lower case: "su" → Su, SU, sU, su. */
export function caseVariants(prefix: string): string[] {
  let out = [""];
  for (const ch of prefix) {
    const forms = new Set([ch, ch.toLowerCase(), ch.toUpperCase()].filter((f) => f.length === ch.length));
    out = out.flatMap((head) => [...forms].map((f) => head + f));
  }
  return out;
}

/** The first string after every string that starts with `prefix`, in code-point order. */
export function pastPrefix(prefix: string): string {
  const chars = [...prefix];
  const last = chars.pop() ?? "";
  // Past the last code point there is nothing: the range is then empty rather than an error.
  return chars.join("") + String.fromCodePoint(Math.min((last.codePointAt(0) ?? 0) + 1, 0x10ffff));
}

/** Builds the ids and names of one page's candidates, given the keyset condition on `c`. */
export type HitsQuery = (page: (where: SQL) => SQL, search: CustomerSearch) => SQL;

/**
 * One page of the tenant's customers among `hits`, sorted by name, then id; keyset paging on
 * (name, id), so a deep page costs what the first one does (no OFFSET).
 */
export async function customerPage(
  tx: Tx,
  tenantId: string,
  search: CustomerSearch,
  hits: HitsQuery,
): Promise<CustomerPage> {
  const backwards = search.before !== undefined && search.after === undefined;
  const cursor = backwards ? search.before : search.after;
  const take = search.limit + 1;
  const dir = backwards ? sql`desc` : sql`asc`;
  const keyset = !cursor
    ? sql`true`
    : // The bare comparison on name is what the index can use; the row comparison breaks ties.
      backwards
      ? sql`c.name <= ${cursor.name} and (c.name, c.id) < (${cursor.name}, ${cursor.id}::uuid)`
      : sql`c.name >= ${cursor.name} and (c.name, c.id) > (${cursor.name}, ${cursor.id}::uuid)`;
  const page = (where: SQL) =>
    sql`(select c.id, c.name from ${customers} c where c.tenant_id = ${tenantId} and ${where} and ${keyset}
          order by c.name ${dir}, c.id ${dir} limit ${take})`;
  const result = await tx.execute(sql`
    with hits as (${hits(page, search)})
    select c.id, c.name, c.phone_e164 as phone, c.email, c.address, c.latitude, c.longitude, c.tags, c.notes,
      array(select s.pppoe_username from ${subscriptions} s
            where s.tenant_id = c.tenant_id and s.customer_id = c.id and s.pppoe_username is not null
            order by s.pppoe_username) as usernames
    from hits h join ${customers} c on c.tenant_id = ${tenantId} and c.id = h.id
    order by h.name ${dir}, h.id ${dir}
    limit ${take}`);
  const rows = rowsOf<CustomerListRow>(result);
  const more = rows.length > search.limit;
  const shown = rows.slice(0, search.limit);
  if (backwards) shown.reverse();
  return {
    rows: shown,
    hasPrevious: backwards ? more : cursor !== undefined,
    hasNext: backwards ? true : more,
  };
}

/** One or two characters: names that start with them, a range of the (tenant, name) index per spelling. */
export const namePrefixHits = (page: (where: SQL) => SQL, prefix: string): SQL =>
  sql.join(
    caseVariants(prefix).map((v) =>
      page(sql`c.name >= ${v} and c.name < ${pastPrefix(v)} and starts_with(c.name, ${v})`),
    ),
    sql` union `,
  );

/** Whether the search is one or two characters, which find the names that start with them. */
export const isShortSearch = (terms: SearchTerms) => terms.text.length < 3 && terms.words.length === 1;

/**
 * The customers that match what the search box says, one page of them.
 *
 * Row-level security decides how this can be fast: PostgreSQL uses an index under a policy only
 * for LEAKPROOF operators, and LIKE, ILIKE and pg_trgm's are not (ADR 0006). Btree comparisons
 * and the pattern operators (~>=~, ~<~) are, so every lookup here is a range of a btree:
 *
 * - one or two characters find names that start with them: a range of the (tenant, name) index
 *   per upper/lower-case spelling, each already in order, at any depth and for any prefix;
 * - longer text finds customers with a word (of the name, or of a PPPoE username: the search
 *   terms table, kept by triggers) starting with every word typed, and customers whose phone
 *   starts with the number typed (0812 3456 → +628123456, see phoneSearchPrefix).
 */
export function searchCustomers(tx: Tx, tenantId: string, search: CustomerSearch): Promise<CustomerPage> {
  return customerPage(tx, tenantId, search, (page) => {
    const terms = searchTerms(search.q);
    if (!terms) return page(sql`true`);
    if (isShortSearch(terms)) return namePrefixHits(page, terms.text);
    const startsWith = (word: string) => {
      const prefix = word.toLowerCase();
      return sql`(select t.customer_id from ${customerSearchTerms} t where t.tenant_id = ${tenantId}
        and t.term ~>=~ ${prefix} and t.term ~<~ ${pastPrefix(prefix)})`;
    };
    // Typed words split as the terms are (at anything but letters and digits): "rt03.de" is two.
    const parts = terms.words.flatMap((w) => w.split(/[^\p{L}\p{N}]+/u)).filter(Boolean);
    const candidates = parts.length > 0 ? [sql.join(parts.map(startsWith), sql` intersect `)] : [];
    if (terms.phonePrefix) {
      candidates.push(sql`(select p.id from ${customers} p where p.tenant_id = ${tenantId}
        and p.phone_e164 ~>=~ ${terms.phonePrefix} and p.phone_e164 ~<~ ${pastPrefix(terms.phonePrefix)})`);
    }
    if (candidates.length === 0) return page(sql`false`);
    return page(sql`c.id in (${sql.join(candidates, sql` union `)})`);
  });
}

/** Counting stops here: past it the list says "more than", and a count never costs more. */
export const COUNT_CAP = 10_000;

/**
 * How many customers the tenant has, for the list's summary when nothing is searched: exact up
 * to COUNT_CAP, else COUNT_CAP + 1 (counting 100,000 rows would cost more than the page).
 */
export async function countCustomers(tx: Tx, tenantId: string): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(
    await tx.execute(sql`select count(*)::int as n from
      (select 1 from ${customers} where ${customers.tenantId} = ${tenantId} limit ${COUNT_CAP + 1}) capped`),
  );
  return Number(row?.n ?? 0);
}

/** What keeps a customer from being deleted: their subscriptions, invoices and payments. */
export interface CustomerUsage {
  subscriptions: number;
  invoices: number;
  payments: number;
  /** Entries come with invoices and payments; counted too, so that none could ever be orphaned. */
  ledgerEntries: number;
}

export const inUse = (u: CustomerUsage) => u.subscriptions + u.invoices + u.payments + u.ledgerEntries > 0;

export async function customerUsage(tx: Tx, tenantId: string, customerId: string): Promise<CustomerUsage> {
  const count = (table: typeof subscriptions | typeof invoices | typeof payments | typeof ledgerEntries) =>
    sql`(select count(*)::int from ${table} where ${table.tenantId} = ${tenantId} and ${table.customerId} = ${customerId})`;
  const [row] = rowsOf<Record<keyof CustomerUsage, number | string>>(
    await tx.execute(sql`select ${count(subscriptions)} as "subscriptions", ${count(invoices)} as "invoices",
      ${count(payments)} as "payments", ${count(ledgerEntries)} as "ledgerEntries"`),
  );
  return {
    subscriptions: Number(row?.subscriptions ?? 0),
    invoices: Number(row?.invoices ?? 0),
    payments: Number(row?.payments ?? 0),
    ledgerEntries: Number(row?.ledgerEntries ?? 0),
  };
}

export const byId = (tenantId: string, id: string) => and(eq(customers.tenantId, tenantId), eq(customers.id, id));
