import { index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { tenantIdColumn, tenantReference } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";
import { customers } from "./customers.tables.ts";

/**
 * What customer search looks up: every word of a customer's name and of their PPPoE usernames,
 * lower-cased, kept in step with customers and subscriptions by triggers (migration 0013).
 * Search is by word prefix with btree range operators: under row-level security PostgreSQL
 * uses an index only for leakproof operators, which LIKE, ILIKE and pg_trgm's are not (ADR 0006).
 */
export const customerSearchTerms = pgTable(
  "customer_search_terms",
  {
    tenantId: tenantIdColumn(),
    customerId: uuid("customer_id").notNull(),
    term: text("term").notNull(),
  },
  (t) => [
    primaryKey({ name: "customer_search_terms_pkey", columns: [t.tenantId, t.customerId, t.term] }),
    tenantReference("customer_search_terms_customer_fk", [t.tenantId, t.customerId], customers).onDelete("cascade"),
    index("customer_search_terms_term_idx").on(t.tenantId, t.term.op("text_pattern_ops")),
    tenantIsolation(t.tenantId),
  ],
).enableRLS();
