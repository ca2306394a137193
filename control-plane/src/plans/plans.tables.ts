import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, money, tenantIdColumn, updatedAt } from "../db/columns.ts";
import { tenantIsolation } from "../db/tenancy.ts";

export const planTypes = ["pppoe", "hotspot", "static"] as const;
export const planCycles = ["monthly", "prepaid"] as const;

/**
 * What a tenant sells. A plan in use is archived (`archivedAt`), never deleted: subscriptions,
 * voucher batches and invoices keep pointing at it.
 */
export const plans = pgTable(
  "plans",
  {
    tenantId: tenantIdColumn(),
    id: uuid("id").notNull(),
    name: text("name").notNull(),
    type: text("type", { enum: planTypes }).notNull(),
    /** Per cycle (monthly) or per purchase (prepaid), tax as `taxInclusive` says. */
    price: money("price").notNull(),
    /** Monthly is postpaid, invoiced per billing period; prepaid buys a validity. */
    cycle: text("cycle", { enum: planCycles }).notNull(),
    /** Prepaid only, exactly one of the two: a 24-hour plan expires 24 h after activation. */
    validityHours: integer("validity_hours"),
    validityDays: integer("validity_days"),
    downloadKbps: integer("download_kbps").notNull(),
    uploadKbps: integer("upload_kbps").notNull(),
    // Optional burst (MikroTik rate-limit): all five set, or none.
    burstDownloadKbps: integer("burst_download_kbps"),
    burstUploadKbps: integer("burst_upload_kbps"),
    burstThresholdDownloadKbps: integer("burst_threshold_download_kbps"),
    burstThresholdUploadKbps: integer("burst_threshold_upload_kbps"),
    burstTimeSeconds: integer("burst_time_seconds"),
    /** Router address pool and PPP/hotspot profile names. */
    addressPool: text("address_pool"),
    profileName: text("profile_name"),
    /** Data quota per cycle; null is unlimited. */
    quotaBytes: bigint("quota_bytes", { mode: "number" }),
    /** Tax (PPN) in basis points: 1100 = 11 %. */
    taxRateBp: integer("tax_rate_bp").notNull().default(0),
    taxInclusive: boolean("tax_inclusive").notNull().default(true),
    installationFee: money("installation_fee").notNull().default(0),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("plans_name_unique").on(t.tenantId, sql`lower(${t.name})`).where(sql`${t.archivedAt} is null`),
    tenantIsolation(t.tenantId),
    check("plans_name_present", sql`btrim(${t.name}) <> ''`),
    check("plans_type_valid", sql`${t.type} in ('pppoe', 'hotspot', 'static')`),
    check("plans_cycle_valid", sql`${t.cycle} in ('monthly', 'prepaid')`),
    check("plans_price_not_negative", sql`${t.price} >= 0`),
    check("plans_installation_fee_not_negative", sql`${t.installationFee} >= 0`),
    check(
      "plans_validity_matches_cycle",
      sql`case ${t.cycle}
        when 'monthly' then ${t.validityHours} is null and ${t.validityDays} is null
        else num_nonnulls(${t.validityHours}, ${t.validityDays}) = 1 end`,
    ),
    check("plans_validity_positive", sql`coalesce(${t.validityHours}, ${t.validityDays}, 1) > 0`),
    check("plans_speed_positive", sql`${t.downloadKbps} > 0 and ${t.uploadKbps} > 0`),
    check(
      "plans_burst_complete",
      sql`num_nulls(${t.burstDownloadKbps}, ${t.burstUploadKbps}, ${t.burstThresholdDownloadKbps},
        ${t.burstThresholdUploadKbps}, ${t.burstTimeSeconds}) in (0, 5)`,
    ),
    check(
      "plans_burst_valid",
      sql`${t.burstDownloadKbps} is null or (${t.burstDownloadKbps} >= ${t.downloadKbps}
        and ${t.burstUploadKbps} >= ${t.uploadKbps} and ${t.burstThresholdDownloadKbps} > 0
        and ${t.burstThresholdUploadKbps} > 0 and ${t.burstTimeSeconds} > 0)`,
    ),
    check("plans_quota_positive", sql`${t.quotaBytes} is null or ${t.quotaBytes} > 0`),
    check("plans_tax_rate_range", sql`${t.taxRateBp} between 0 and 10000`),
  ],
).enableRLS();
