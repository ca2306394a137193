import { sql } from "drizzle-orm";
import { check, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantIsolation } from "../db/tenancy.ts";

/** An ISP using Kilusi. Its own row is visible only inside its own tenant transaction. */
export const tenants = pgTable(
  "tenants",
  {
    id: uuid("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    status: text("status", { enum: ["active", "suspended"] })
      .notNull()
      .default("active"),
    currency: text("currency").notNull().default("IDR"),
    timeZone: text("time_zone").notNull().default("Asia/Jakarta"),
    locale: text("locale", { enum: ["id", "en"] })
      .notNull()
      .default("id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantIsolation(t.id),
    check("tenants_slug_format", sql`${t.slug} ~ '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$'`),
    check("tenants_status_valid", sql`${t.status} in ('active', 'suspended')`),
    check("tenants_currency_format", sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
).enableRLS();
