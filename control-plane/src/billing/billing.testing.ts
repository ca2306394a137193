// Helpers for the billing schema tests: a tenant with a site, a plan, a customer and a PPPoE
// subscription, written through the application role. Not imported by the application.
import { customers } from "../customers/customers.tables.ts";
import type { Database } from "../db/database.ts";
import { plans } from "../plans/plans.tables.ts";
import { sites } from "../sites/sites.tables.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";
import { tenants } from "../tenants/tenants.tables.ts";

export interface BillingTenant {
  tenantId: string;
  siteId: string;
  planId: string;
  customerId: string;
  subscriptionId: string;
}

const short = () => crypto.randomUUID().replaceAll("-", "").slice(0, 10);

export async function seedBillingTenant(database: Database): Promise<BillingTenant> {
  const ids = {
    tenantId: crypto.randomUUID(),
    siteId: crypto.randomUUID(),
    planId: crypto.randomUUID(),
    customerId: crypto.randomUUID(),
    subscriptionId: crypto.randomUUID(),
  };
  await database.withTenant(ids.tenantId, async (tx) => {
    await tx.insert(tenants).values({ id: ids.tenantId, slug: `isp-${short()}`, name: "Billing ISP" });
    await tx.insert(sites).values({ tenantId: ids.tenantId, id: ids.siteId, name: "POP Utama" });
    await tx.insert(plans).values({
      tenantId: ids.tenantId,
      id: ids.planId,
      name: "Home 20 Mbps",
      type: "pppoe",
      price: 150_000,
      cycle: "monthly",
      downloadKbps: 20_000,
      uploadKbps: 10_000,
    });
    await tx
      .insert(customers)
      .values({ tenantId: ids.tenantId, id: ids.customerId, name: "Budi Santoso", phoneE164: "+6281234567890" });
    await tx.insert(subscriptions).values({
      tenantId: ids.tenantId,
      id: ids.subscriptionId,
      customerId: ids.customerId,
      planId: ids.planId,
      siteId: ids.siteId,
      access: "pppoe",
      pppoeUsername: `budi-${short()}`,
      pppoePasswordSealed: "sealed",
      billingDay: 1,
    });
  });
  return ids;
}

export type PlanRow = typeof plans.$inferInsert;
export type SubscriptionRow = typeof subscriptions.$inferInsert;

/** A plan row for `tenantId` with sensible defaults (a monthly PPPoE plan of Rp150.000). */
export function planRow(tenantId: string, values: Partial<PlanRow> = {}): PlanRow {
  return {
    tenantId,
    id: crypto.randomUUID(),
    name: `Plan ${short()}`,
    type: "pppoe",
    price: 150_000,
    cycle: "monthly",
    downloadKbps: 20_000,
    uploadKbps: 10_000,
    ...values,
  };
}

/** An active PPPoE subscription row of a customer on a plan at a site. */
export function subscriptionRow(
  ids: { tenantId: string; customerId: string; planId: string; siteId: string },
  values: Partial<SubscriptionRow> = {},
): SubscriptionRow {
  return {
    ...ids,
    id: crypto.randomUUID(),
    access: "pppoe",
    pppoeUsername: `u-${short()}`,
    pppoePasswordSealed: "sealed",
    billingDay: 1,
    status: "active",
    activatedAt: new Date("2025-01-01T00:00:00Z"),
    ...values,
  };
}
