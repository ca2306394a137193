// Helpers for the voucher tests: plans and sites written by hand (the plans and sites areas have
// their own pages), a batch made through the real form, and the rows read back. Not imported by
// the application.
import { and, asc, eq } from "drizzle-orm";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { auditLog } from "../audit/audit.tables.ts";
import type { Database } from "../db/database.ts";
import { plans } from "../plans/plans.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { sites } from "../sites/sites.tables.ts";
import { voucherBatches, vouchers } from "./vouchers.tables.ts";

type PlanValues = Partial<typeof plans.$inferInsert>;

let n = 0;

/** A plan of the tenant; by default a 1-day hotspot voucher plan of Rp 5.000. */
export async function seedPlan(database: Database, tenantId: string, values: PlanValues = {}): Promise<string> {
  const id = crypto.randomUUID();
  await database.withTenant(tenantId, (tx) =>
    tx.insert(plans).values({
      tenantId,
      id,
      name: `Voucher Harian ${++n}`,
      type: "hotspot",
      price: 5_000,
      cycle: "prepaid",
      validityDays: 1,
      downloadKbps: 5_120,
      uploadKbps: 2_048,
      ...values,
    }),
  );
  return id;
}

export async function seedSite(
  database: Database,
  tenantId: string,
  values: { name?: string; hotspotLoginUrl?: string } = {},
): Promise<string> {
  const id = crypto.randomUUID();
  await database.withTenant(tenantId, (tx) =>
    tx
      .insert(sites)
      .values({ tenantId, id, name: values.name ?? `Hotspot ${++n}`, hotspotLoginUrl: values.hotspotLoginUrl }),
  );
  return id;
}

/** Posts the new-batch form; returns the new batch's id (fails loudly when refused). */
export async function createBatchVia(browser: TestClient, fields: Record<string, string>): Promise<string> {
  const res = await browser.post("/vouchers", { count: "40", codeLength: "6", ...fields });
  if (res.status !== 303) throw new Error(`batch refused: ${res.status} ${await res.text()}`);
  const id = /^\/vouchers\/batches\/([0-9a-f-]{36})\?/.exec(res.headers.get("location") ?? "")?.[1];
  if (!id) throw new Error(`unexpected redirect ${res.headers.get("location")}`);
  return id;
}

export function vouchersOf(database: Database, tenantId: string, batchId?: string) {
  return database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(vouchers)
      .where(
        batchId ? and(eq(vouchers.tenantId, tenantId), eq(vouchers.batchId, batchId)) : eq(vouchers.tenantId, tenantId),
      )
      .orderBy(asc(vouchers.code)),
  );
}

export function batchesOf(database: Database, tenantId: string) {
  return database.withTenant(tenantId, (tx) =>
    tx.select().from(voucherBatches).where(eq(voucherBatches.tenantId, tenantId)),
  );
}

export function auditOf(database: Database, tenantId: string, action: string) {
  return database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action)))
      .orderBy(asc(auditLog.id)),
  );
}

/** Puts a voucher in a state by hand, as RADIUS will once activation exists. */
export async function setState(
  cp: AssembledControlPlane,
  tenantId: string,
  voucherId: string,
  state: "new" | "sold" | "active" | "expired" | "exhausted" | "void",
): Promise<void> {
  const now = new Date();
  const used = state === "active" || state === "expired" || state === "exhausted";
  await cp.database.withTenant(tenantId, (tx) =>
    tx
      .update(vouchers)
      .set({
        state,
        soldAt: state === "new" ? null : now,
        activatedAt: used ? now : null,
        expiresAt: used ? new Date(now.getTime() + 86_400_000) : null,
      })
      .where(and(eq(vouchers.tenantId, tenantId), eq(vouchers.id, voucherId))),
  );
}

/** The base64 SVGs of the QR images on a page, decoded. */
export function qrImagesOf(html: string): string[] {
  return [...html.matchAll(/<img class="voucher-qr" src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/g)].map((m) =>
    Buffer.from(m[1] ?? "", "base64").toString("utf8"),
  );
}

export const htmx = { "hx-request": "true" };
