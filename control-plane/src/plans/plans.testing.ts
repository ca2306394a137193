// Helpers for the plans tests. Not imported by the application.
import { and, eq, ne } from "drizzle-orm";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { auditLog } from "../audit/audit.tables.ts";
import { customers } from "../customers/customers.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { siteChanges, sites } from "../sites/sites.tables.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";
import { voucherBatches } from "../vouchers/vouchers.tables.ts";
import { plans } from "./plans.tables.ts";

let n = 0;
const unique = () => `${Date.now().toString(36)}${++n}`;

/** A valid plan form with every field filled; overrides replace fields. */
export function planFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    name: `Rumah 20 Mbps ${unique()}`,
    type: "pppoe",
    cycle: "monthly",
    validity: "",
    validityUnit: "days",
    price: "Rp 150.000",
    installationFee: "250.000",
    taxRate: "11",
    taxMode: "exclusive",
    speedUnit: "mbps",
    download: "20",
    upload: "10",
    burstDownload: "40",
    burstUpload: "20",
    burstThresholdDownload: "16",
    burstThresholdUpload: "8",
    burstTime: "16",
    addressPool: "pool-rumah",
    profileName: "rumah_20M",
    quotaGb: "50",
    ...overrides,
  };
}

/** A form without burst, quota, pool or profile: the plain plan most ISPs start with. */
export function plainPlanFields(overrides: Record<string, string> = {}): Record<string, string> {
  return planFields({
    burstDownload: "",
    burstUpload: "",
    burstThresholdDownload: "",
    burstThresholdUpload: "",
    burstTime: "",
    addressPool: "",
    profileName: "",
    quotaGb: "",
    ...overrides,
  });
}

/** Creates a plan through the form and returns its id. */
export async function createPlanVia(browser: TestClient, fields: Record<string, string>): Promise<string> {
  const res = await browser.post("/plans", fields);
  if (res.status !== 303) throw new Error(`plan not created: ${res.status} ${await res.text()}`);
  const match = /^\/plans\/([0-9a-f-]{36})\?done=created$/.exec(res.headers.get("location") ?? "");
  if (!match?.[1]) throw new Error(`unexpected location ${res.headers.get("location")}`);
  return match[1];
}

export const planRows = (cp: AssembledControlPlane, tenantId: string) =>
  cp.database.withTenant(tenantId, (tx) => tx.select().from(plans).where(eq(plans.tenantId, tenantId)));

export async function planRow(cp: AssembledControlPlane, tenantId: string, planId: string) {
  const [row] = await cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(plans)
      .where(and(eq(plans.tenantId, tenantId), eq(plans.id, planId))),
  );
  return row;
}

export const auditRows = (cp: AssembledControlPlane, tenantId: string, action: string) =>
  cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action))),
  );

/** The site changes a plan edit wrote (subscribers and hotspot codes; not the site's own policy row). */
export const siteChangeRows = (cp: AssembledControlPlane, tenantId: string) =>
  cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(siteChanges)
      .where(and(eq(siteChanges.tenantId, tenantId), ne(siteChanges.kind, "policy")))
      .orderBy(siteChanges.revision),
  );

/** A customer with a PPPoE subscription on the plan, at the tenant's first site (plain inserts). */
export async function seedSubscription(
  cp: AssembledControlPlane,
  tenantId: string,
  planId: string,
  status: "pending" | "active" | "terminated" = "active",
): Promise<string> {
  const id = crypto.randomUUID();
  await cp.database.withTenant(tenantId, async (tx) => {
    const [site] = await tx.select({ id: sites.id }).from(sites).where(eq(sites.tenantId, tenantId)).limit(1);
    if (!site) throw new Error("the tenant has no site");
    const customerId = crypto.randomUUID();
    await tx.insert(customers).values({ tenantId, id: customerId, name: "Budi Santoso", phoneE164: "+6281234567890" });
    const now = new Date();
    await tx.insert(subscriptions).values({
      tenantId,
      id,
      customerId,
      planId,
      siteId: site.id,
      access: "pppoe",
      pppoeUsername: `budi-${unique()}`,
      pppoePasswordSealed: "sealed",
      billingDay: 1,
      status,
      activatedAt: status === "pending" ? null : now,
      terminatedAt: status === "terminated" ? now : null,
    });
  });
  return id;
}

/** A voucher batch of the plan (plain insert). */
export async function seedVoucherBatch(cp: AssembledControlPlane, tenantId: string, planId: string): Promise<void> {
  await cp.database.withTenant(tenantId, (tx) =>
    tx
      .insert(voucherBatches)
      .values({ tenantId, id: crypto.randomUUID(), planId, count: 10, codeLength: 6, price: 5000, validityHours: 24 }),
  );
}
