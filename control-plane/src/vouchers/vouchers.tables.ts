import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  macaddr,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "../accounts/accounts.tables.ts";
import { createdAt, money, tenantIdColumn, tenantReference } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";
import { plans } from "../plans/plans.tables.ts";
import { sites } from "../sites/sites.tables.ts";

/** A printed run of hotspot vouchers of one plan; price and validity are copied at creation. */
export const voucherBatches = pgTable(
  "voucher_batches",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    planId: uuid("plan_id").notNull(),
    /** The hotspot the codes are for; null for every site of the tenant. */
    siteId: uuid("site_id"),
    count: integer("count").notNull(),
    prefix: text("prefix").notNull().default(""),
    /** Random characters after the prefix, from an alphabet without look-alikes (vouchers.models.ts). */
    codeLength: smallint("code_length").notNull(),
    price: money("price").notNull(),
    /** What a reseller pays; null when sold directly. */
    resellerPrice: money("reseller_price"),
    /** Exactly one, as the plan's: a 24-hour voucher expires 24 h after its activation. */
    validityHours: integer("validity_hours"),
    validityDays: integer("validity_days"),
    /** The first device that logs in with a code is the only one that may use it. */
    macBinding: boolean("mac_binding").notNull().default(true),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantReference("voucher_batches_plan_fk", [t.tenantId, t.planId], plans),
    tenantReference("voucher_batches_site_fk", [t.tenantId, t.siteId], sites),
    index("voucher_batches_created_idx").on(t.tenantId, t.createdAt),
    index("voucher_batches_plan_idx").on(t.tenantId, t.planId),
    tenantIsolation(t.tenantId),
    check("voucher_batches_count_range", sql`${t.count} between 1 and 10000`),
    check("voucher_batches_prefix_format", sql`${t.prefix} ~ '^[A-Z0-9-]{0,12}$'`),
    check("voucher_batches_code_length_range", sql`${t.codeLength} between 4 and 32`),
    check("voucher_batches_price_not_negative", sql`${t.price} >= 0`),
    check("voucher_batches_reseller_price_not_negative", sql`${t.resellerPrice} >= 0`),
    check("voucher_batches_validity_one", sql`num_nonnulls(${t.validityHours}, ${t.validityDays}) = 1`),
    check("voucher_batches_validity_positive", sql`coalesce(${t.validityHours}, ${t.validityDays}) > 0`),
  ],
).enableRLS();

export const voucherStates = ["new", "sold", "active", "expired", "exhausted", "void"] as const;

/** One hotspot code. Activation and consumption arrive with RADIUS. */
export const vouchers = pgTable(
  "vouchers",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    batchId: uuid("batch_id").notNull(),
    /** Prefix and random part, unique in the tenant (typed at the hotspot login). */
    code: text("code").notNull(),
    state: text("state", { enum: voucherStates }).notNull().default("new"),
    soldAt: timestamp("sold_at", { withTimezone: true }),
    /** Who it was sold to (a reseller, a warung), as typed. */
    soldTo: text("sold_to"),
    activatedAt: timestamp("activated_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    /** A void is final and says why (a lost sheet, a refund). */
    voidedAt: timestamp("voided_at", { withTimezone: true }),
    voidReason: text("void_reason"),
    /** The device that activated it. */
    mac: macaddr("mac"),
    /** When the jobs took it, expired or exhausted for weeks, off every site's state. */
    releasedAt: timestamp("released_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique("vouchers_code_unique").on(t.tenantId, t.code),
    tenantReference("vouchers_batch_fk", [t.tenantId, t.batchId], voucherBatches),
    index("vouchers_batch_idx").on(t.tenantId, t.batchId),
    tenantIsolation(t.tenantId),
    check("vouchers_state_valid", sql`${t.state} in ('new', 'sold', 'active', 'expired', 'exhausted', 'void')`),
    check("vouchers_code_format", sql`${t.code} ~ '^[A-Za-z0-9-]{4,44}$'`),
    check("vouchers_sold", sql`${t.state} <> 'sold' or ${t.soldAt} is not null`),
    check(
      "vouchers_void_complete",
      sql`(${t.state} = 'void') = (${t.voidedAt} is not null) and (${t.voidedAt} is null) = (${t.voidReason} is null)`,
    ),
    check("vouchers_released_ended", sql`${t.releasedAt} is null or ${t.state} in ('expired', 'exhausted')`),
    check(
      "vouchers_active",
      sql`${t.state} <> 'active' or (${t.activatedAt} is not null and ${t.expiresAt} is not null)`,
    ),
  ],
).enableRLS();
