// Helpers for the customers tests. Not imported by the application.
import { and, eq } from "drizzle-orm";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { auditLog } from "../audit/audit.tables.ts";
import { plans } from "../plans/plans.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { sites } from "../sites/sites.tables.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";
import { customers } from "./customers.tables.ts";

/** A valid customer form; overrides change or add fields. */
export const customerForm = (overrides: Record<string, string> = {}) => ({
  name: "Budi Santoso",
  phone: "0812-3456-7890",
  email: "Budi@Example.COM",
  address: "Jl. Merdeka No. 1, RT 03/RW 05",
  latitude: "-6.2088",
  longitude: "106.8456",
  tags: "vip, RT 03, VIP",
  notes: "Pasang 10 Mei",
  ...overrides,
});

/** Creates a customer through the form; returns its id. */
export async function createVia(browser: TestClient, overrides: Record<string, string> = {}): Promise<string> {
  const res = await browser.post("/customers", customerForm(overrides));
  const location = res.headers.get("location") ?? "";
  const id = /^\/customers\/([0-9a-f-]{36})\?done=created$/.exec(location)?.[1];
  if (res.status !== 303 || !id) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return id;
}

export const customersOf = (cp: AssembledControlPlane, tenantId: string) =>
  cp.database.withTenant(tenantId, (tx) => tx.select().from(customers).where(eq(customers.tenantId, tenantId)));

export async function customerRow(cp: AssembledControlPlane, tenantId: string, id: string) {
  const [row] = await cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(customers)
      .where(and(eq(customers.tenantId, tenantId), eq(customers.id, id))),
  );
  return row;
}

export const auditOf = (cp: AssembledControlPlane, tenantId: string, action: string) =>
  cp.database.withTenant(tenantId, (tx) => tx.select().from(auditLog).where(eq(auditLog.action, action)));

/** Customers written straight to the database (many at once, for paging and search). */
export async function seedCustomers(
  cp: AssembledControlPlane,
  tenantId: string,
  rows: { name: string; phone?: string | null }[],
): Promise<string[]> {
  const values = rows.map((r) => ({ tenantId, id: crypto.randomUUID(), name: r.name, phoneE164: r.phone ?? null }));
  await cp.database.withTenant(tenantId, (tx) => tx.insert(customers).values(values));
  return values.map((v) => v.id);
}

/**
 * A PPPoE subscription for the customer, written as the subscriptions area will (that area has no
 * pages yet): on the tenant's first site, with a plan made for it.
 */
export async function subscribe(cp: AssembledControlPlane, tenantId: string, customerId: string, username: string) {
  await cp.database.withTenant(tenantId, async (tx) => {
    const [site] = await tx.select({ id: sites.id }).from(sites).where(eq(sites.tenantId, tenantId)).limit(1);
    if (!site) throw new Error("the tenant has no site");
    const planId = crypto.randomUUID();
    await tx.insert(plans).values({
      tenantId,
      id: planId,
      name: `Rumahan ${planId.slice(0, 8)}`,
      type: "pppoe",
      price: 150_000,
      cycle: "monthly",
      downloadKbps: 20_480,
      uploadKbps: 10_240,
    });
    await tx.insert(subscriptions).values({
      tenantId,
      id: crypto.randomUUID(),
      customerId,
      planId,
      siteId: site.id,
      access: "pppoe",
      pppoeUsername: username,
      pppoePasswordSealed: "sealed",
      billingDay: 1,
    });
  });
}

/** Uploads a CSV to the import, pressing "Check first" or "Import". */
export function uploadCsv(
  browser: TestClient,
  text: string | Uint8Array,
  mode: "check" | "import",
  headers: Record<string, string> = {},
  name = "pelanggan.csv",
) {
  const body = new FormData();
  const part = typeof text === "string" ? text : (text as Uint8Array<ArrayBuffer>);
  body.set("file", new File([part], name, { type: "text/csv" }));
  body.set("mode", mode);
  return browser.request("/customers/import", { method: "POST", body, headers });
}

/** The ids of the customers a list page (or its htmx fragment) shows, in order. */
export const listedIds = (html: string) =>
  [...html.matchAll(/<tr id="customer-([0-9a-f-]{36})"/g)].map((m) => m[1] as string);

/** A link of the pager, decoded (hono/jsx escapes & in attributes). */
export function pagerLink(html: string, rel: "next" | "prev"): string | null {
  const match = new RegExp(`<a class="button button-quiet" href="([^"]+)" rel="${rel}">`).exec(html);
  return match?.[1]?.replaceAll("&amp;", "&") ?? null;
}
