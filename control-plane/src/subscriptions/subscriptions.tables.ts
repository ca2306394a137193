import { sql } from "drizzle-orm";
import {
  check,
  date,
  index,
  inet,
  macaddr,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { customers } from "../customers/customers.tables.ts";
import { createdAt, money, tenantIdColumn, tenantReference, updatedAt } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";
import { plans } from "../plans/plans.tables.ts";
import { sites } from "../sites/sites.tables.ts";

export const accessKinds = ["pppoe", "static", "mac"] as const;
export const subscriptionStatuses = ["pending", "active", "isolated", "suspended", "terminated"] as const;

/**
 * A customer's service: a plan at a site, reached by PPPoE, a static IP or a MAC address. The
 * status is driven by the subscription state machine (a pure model); every change the network
 * must follow writes a `site_changes` row in the same transaction.
 */
export const subscriptions = pgTable(
  "subscriptions",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    customerId: uuid("customer_id").notNull(),
    planId: uuid("plan_id").notNull(),
    siteId: uuid("site_id").notNull(),
    access: text("access", { enum: accessKinds }).notNull(),
    /** Unique in the tenant (RADIUS looks it up). */
    pppoeUsername: text("pppoe_username"),
    /** Sealed with the tenant's data key, AAD bound to the row; never stored in the clear. */
    pppoePasswordSealed: text("pppoe_password_sealed"),
    staticIp: inet("static_ip"),
    mac: macaddr("mac"),
    /** Day of the month the period starts (1–28, so every month has it). */
    billingDay: smallint("billing_day").notNull(),
    status: text("status", { enum: subscriptionStatuses }).notNull().default("pending"),
    activatedAt: timestamp("activated_at", { withTimezone: true }),
    terminatedAt: timestamp("terminated_at", { withTimezone: true }),
    /** Who isolated it: dunning restores only what dunning isolated (dunning.models.ts). */
    isolatedBy: text("isolated_by", { enum: ["dunning", "staff"] }),
    /** Taken off every monthly invoice as a discount line (prorated with the plan). */
    monthlyDiscount: money("monthly_discount").notNull().default(0),
    /** Dunning override (audited): not isolated before the end of this day, tenant time. */
    keepActiveUntil: date("keep_active_until", { mode: "string" }),
    /** Prepaid: the end of the bought validity. */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("subscriptions_customer_fk", [t.tenantId, t.customerId], customers),
    tenantReference("subscriptions_plan_fk", [t.tenantId, t.planId], plans),
    tenantReference("subscriptions_site_fk", [t.tenantId, t.siteId], sites),
    uniqueIndex("subscriptions_pppoe_username_unique").on(t.tenantId, t.pppoeUsername),
    // One live subscription per address at a site: the router could not tell two apart.
    uniqueIndex("subscriptions_static_ip_unique")
      .on(t.tenantId, t.siteId, t.staticIp)
      .where(sql`${t.staticIp} is not null and ${t.status} <> 'terminated'`),
    uniqueIndex("subscriptions_mac_unique")
      .on(t.tenantId, t.siteId, t.mac)
      .where(sql`${t.mac} is not null and ${t.status} <> 'terminated'`),
    index("subscriptions_customer_idx").on(t.tenantId, t.customerId),
    index("subscriptions_status_idx").on(t.tenantId, t.status),
    index("subscriptions_site_idx").on(t.tenantId, t.siteId),
    index("subscriptions_plan_idx").on(t.tenantId, t.planId),
    tenantIsolation(t.tenantId),
    check("subscriptions_access_valid", sql`${t.access} in ('pppoe', 'static', 'mac')`),
    check(
      "subscriptions_status_valid",
      sql`${t.status} in ('pending', 'active', 'isolated', 'suspended', 'terminated')`,
    ),
    check(
      "subscriptions_access_complete",
      sql`case ${t.access}
        when 'pppoe' then ${t.pppoeUsername} is not null and ${t.pppoePasswordSealed} is not null
        when 'static' then ${t.staticIp} is not null
        else ${t.mac} is not null end`,
    ),
    check("subscriptions_pppoe_username_format", sql`${t.pppoeUsername} ~ '^[A-Za-z0-9._@-]{1,64}$'`),
    check("subscriptions_billing_day_range", sql`${t.billingDay} between 1 and 28`),
    check(
      "subscriptions_activated",
      sql`${t.status} not in ('active', 'isolated', 'suspended') or ${t.activatedAt} is not null`,
    ),
    check("subscriptions_terminated", sql`(${t.status} = 'terminated') = (${t.terminatedAt} is not null)`),
    check("subscriptions_isolated_by", sql`(${t.status} = 'isolated') = (${t.isolatedBy} is not null)`),
    check("subscriptions_isolated_by_valid", sql`${t.isolatedBy} in ('dunning', 'staff')`),
    check("subscriptions_monthly_discount_not_negative", sql`${t.monthlyDiscount} >= 0`),
  ],
).enableRLS();
