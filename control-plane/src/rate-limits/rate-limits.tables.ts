import { bigserial, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** Failed sign-ins, one row each, so limits over sliding windows are exact across replicas. */
export const loginFailures = pgTable(
  "login_failures",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** SHA-256 of the normalized e-mail address: limits apply to accounts that do not exist too. */
    accountKey: text("account_key").notNull(),
    ip: text("ip").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [index("login_failures_account_at_idx").on(t.accountKey, t.at)],
);

/** Fixed-window counters for everything else (sign-up and reset per IP, API per tenant). */
export const rateLimitCounters = pgTable(
  "rate_limit_counters",
  {
    bucket: text("bucket").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    hits: integer("hits").notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.windowStart] })],
);
