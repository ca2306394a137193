import { eq } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { sites } from "../sites/sites.tables.ts";
import { billingSettings } from "./billing-settings.tables.ts";
import type { DunningPolicy } from "./dunning.models.ts";

export interface BillingSettings {
  invoiceDueDays: number;
  invoicePrefix: string;
  policy: DunningPolicy;
  isolationProfile: string;
  isolationAddressList: string;
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
  await tx.insert(sites).values({ tenantId, id: crypto.randomUUID(), name: DEFAULT_SITE_NAME[locale] });
}
