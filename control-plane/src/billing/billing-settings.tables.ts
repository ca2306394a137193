import { sql } from "drizzle-orm";
import { boolean, check, integer, pgTable, smallint, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";
import { tenants } from "../tenants/tenants.tables.ts";

/**
 * A tenant's billing rules, one row per tenant; a tenant without a row uses the defaults
 * (insert … on conflict do nothing before the first read that needs them).
 */
export const billingSettings = pgTable(
  "billing_settings",
  {
    tenantId: uuid("tenant_id")
      .primaryKey()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** Due date = issue date + this many days. */
    invoiceDueDays: smallint("invoice_due_days").notNull().default(7),
    /** Printed numbers are `<prefix>/<year>/<seq, six digits>`, e.g. `INV/2026/000123`. */
    invoicePrefix: text("invoice_prefix").notNull().default("INV"),
    /** Reminders, in days relative to the due date (−3 = three days before). */
    reminderOffsets: integer("reminder_offsets").array().notNull().default(sql`'{-3,0,1}'::integer[]`),
    /** Days after the due date before an unpaid invoice counts as overdue. */
    graceDays: smallint("grace_days").notNull().default(0),
    /** Isolation at due date + N days (after the grace), restored on full payment; null never isolates. */
    isolateAfterDays: smallint("isolate_after_days").default(3),
    /** Router objects the agent uses for isolated customers (PPP profile, firewall address list). */
    isolationProfile: text("isolation_profile").notNull().default("isolir"),
    isolationAddressList: text("isolation_address_list").notNull().default("isolir"),
    /** Mikrotik-Rate-Limit while isolated (enough for the payment page); null sends none. */
    isolationRateLimit: text("isolation_rate_limit").default("256k/256k"),
    /** Framed-Pool while isolated; null keeps the plan's pool. */
    isolationPool: text("isolation_pool"),
    /** The hotspot login page for voucher QR codes when a site names none (`{code}` is the code). */
    hotspotLoginUrl: text("hotspot_login_url")
      .notNull()
      .default("http://hotspot.login/login?username={code}&password={code}"),
    /** Printed at the foot of every invoice: how to pay (bank accounts, e-wallets), the ISP's address. */
    invoiceFooter: text("invoice_footer"),
    /** Defaults for new plans: PPN in basis points, and whether prices include it. */
    defaultTaxRateBp: integer("default_tax_rate_bp").notNull().default(0),
    defaultTaxInclusive: boolean("default_tax_inclusive").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantIsolation(t.tenantId),
    check("billing_settings_due_days_range", sql`${t.invoiceDueDays} between 0 and 90`),
    check("billing_settings_invoice_prefix_format", sql`${t.invoicePrefix} ~ '^[A-Za-z0-9-]{1,12}$'`),
    // The dunning model's limits (billing/dunning.models.ts validatePolicy).
    check(
      "billing_settings_reminder_offsets_valid",
      sql`cardinality(${t.reminderOffsets}) <= 10 and array_position(${t.reminderOffsets}, null) is null
        and -30 <= all (${t.reminderOffsets}) and 90 >= all (${t.reminderOffsets})`,
    ),
    check("billing_settings_grace_days_range", sql`${t.graceDays} between 0 and 90`),
    check(
      "billing_settings_isolate_after_grace",
      sql`${t.isolateAfterDays} is null or (${t.isolateAfterDays} <= 90 and ${t.isolateAfterDays} > ${t.graceDays})`,
    ),
    check(
      "billing_settings_isolation_names_present",
      sql`btrim(${t.isolationProfile}) <> '' and btrim(${t.isolationAddressList}) <> ''`,
    ),
    check("billing_settings_default_tax_rate_range", sql`${t.defaultTaxRateBp} between 0 and 10000`),
    check("billing_settings_hotspot_login_url", sql`${t.hotspotLoginUrl} ~ '^https?://'`),
    check("billing_settings_invoice_footer_length", sql`length(${t.invoiceFooter}) <= 1000`),
  ],
).enableRLS();
