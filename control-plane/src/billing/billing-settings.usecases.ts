import { eq, sql } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { recordPolicyChanges } from "../sites/site-state-policy.ts";
import { sites } from "../sites/sites.tables.ts";
import type { BillingSettingsInput } from "./billing-settings.schemas.ts";
import { billingSettings } from "./billing-settings.tables.ts";
import type { DunningPolicy } from "./dunning.models.ts";

export interface BillingSettings {
  invoiceDueDays: number;
  invoicePrefix: string;
  policy: DunningPolicy;
  isolationProfile: string;
  isolationAddressList: string;
  /** Mikrotik-Rate-Limit while isolated; null: none sent. */
  isolationRateLimit: string | null;
  /** Framed-Pool while isolated; null: the plan's pool. */
  isolationPool: string | null;
  defaultTaxRateBp: number;
  defaultTaxInclusive: boolean;
  hotspotLoginUrl: string;
  /** Printed at the foot of invoices and receipts (how to pay, the ISP's address). */
  invoiceFooter: string | null;
}

/** The tenant's billing rules, in the caller's tenant transaction; defaults when none were saved. */
export async function billingSettingsOf(tx: Tx, tenantId: string): Promise<BillingSettings> {
  let [row] = await tx.select().from(billingSettings).where(eq(billingSettings.tenantId, tenantId));
  if (!row) {
    await tx.insert(billingSettings).values({ tenantId }).onConflictDoNothing();
    [row] = await tx.select().from(billingSettings).where(eq(billingSettings.tenantId, tenantId));
    if (!row) throw new Error(`billing settings: none readable for tenant ${tenantId}`);
  }
  return {
    invoiceDueDays: row.invoiceDueDays,
    invoicePrefix: row.invoicePrefix,
    policy: { reminderOffsets: row.reminderOffsets, graceDays: row.graceDays, isolateAfterDays: row.isolateAfterDays },
    isolationProfile: row.isolationProfile,
    isolationAddressList: row.isolationAddressList,
    isolationRateLimit: row.isolationRateLimit,
    isolationPool: row.isolationPool,
    defaultTaxRateBp: row.defaultTaxRateBp,
    defaultTaxInclusive: row.defaultTaxInclusive,
    hotspotLoginUrl: row.hotspotLoginUrl,
    invoiceFooter: row.invoiceFooter,
  };
}

const DEFAULT_SITE_NAME = { id: "Lokasi utama", en: "Main site" } as const;

/**
 * What a new ISP needs before its first subscriber: its billing settings and one site (every
 * subscription is at a site). Runs in the sign-up transaction.
 */
export async function provisionTenantBilling(tx: Tx, tenantId: string, locale: "id" | "en" = "id"): Promise<void> {
  await tx.insert(billingSettings).values({ tenantId }).onConflictDoNothing();
  const siteId = crypto.randomUUID();
  await tx.insert(sites).values({ tenantId, id: siteId, name: DEFAULT_SITE_NAME[locale] });
  await recordPolicyChanges(tx, tenantId, "site_created", sql`st.id = ${siteId}`);
}

/** What every site's RADIUS server gives isolated subscribers (sites/site-state-policy.ts). */
const ISOLATION_KEYS: ReadonlySet<string> = new Set([
  "isolationProfile",
  "isolationAddressList",
  "isolationRateLimit",
  "isolationPool",
]);

/** Saves the billing settings; what changed is audited. Invoices already issued keep their terms. */
export async function updateBillingSettings(
  deps: { database: Database; clock: Clock },
  actor: { tenantId: string; userId: string },
  input: BillingSettingsInput,
  meta: RequestMeta,
): Promise<void> {
  await deps.database.withTenant(actor.tenantId, async (tx) => {
    const before = await billingSettingsOf(tx, actor.tenantId);
    const next = {
      invoiceDueDays: input.invoiceDueDays,
      invoicePrefix: input.invoicePrefix,
      reminderOffsets: [...input.reminderOffsets],
      graceDays: input.graceDays,
      isolateAfterDays: input.isolateAfterDays,
      isolationProfile: input.isolationProfile,
      isolationAddressList: input.isolationAddressList,
      isolationRateLimit: input.isolationRateLimit,
      isolationPool: input.isolationPool,
      defaultTaxRateBp: input.defaultTaxRate,
      defaultTaxInclusive: input.defaultTaxInclusive,
      hotspotLoginUrl: input.hotspotLoginUrl,
      invoiceFooter: input.invoiceFooter,
    };
    const previous: Record<keyof typeof next, unknown> = {
      invoiceDueDays: before.invoiceDueDays,
      invoicePrefix: before.invoicePrefix,
      reminderOffsets: before.policy.reminderOffsets,
      graceDays: before.policy.graceDays,
      isolateAfterDays: before.policy.isolateAfterDays,
      isolationProfile: before.isolationProfile,
      isolationAddressList: before.isolationAddressList,
      isolationRateLimit: before.isolationRateLimit,
      isolationPool: before.isolationPool,
      defaultTaxRateBp: before.defaultTaxRateBp,
      defaultTaxInclusive: before.defaultTaxInclusive,
      hotspotLoginUrl: before.hotspotLoginUrl,
      invoiceFooter: before.invoiceFooter,
    };
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter(
      (k) => JSON.stringify(next[k]) !== JSON.stringify(previous[k]),
    );
    if (changed.length === 0) return;
    await tx
      .update(billingSettings)
      .set({ ...next, updatedAt: deps.clock.now() })
      .where(eq(billingSettings.tenantId, actor.tenantId));
    if (changed.some((k) => ISOLATION_KEYS.has(k))) await recordPolicyChanges(tx, actor.tenantId, "policy_changed");
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "billing.settings_changed",
      entityType: "tenant",
      entityId: actor.tenantId,
      before: Object.fromEntries(changed.map((k) => [k, previous[k]])),
      after: Object.fromEntries(changed.map((k) => [k, next[k]])),
    });
  });
}
