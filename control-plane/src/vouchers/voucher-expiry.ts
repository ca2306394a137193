import { sql } from "drizzle-orm";
import { auditLog } from "../audit/audit.tables.ts";
import type { RequestMeta } from "../audit/audit.ts";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { recordVoucherChanges, voucherIdIn } from "../sites/site-state-vouchers.ts";

/**
 * Vouchers whose validity has run out become `expired` (issue 6 §5: the voucher's state follows
 * its consumption), so the list, the counts and the reports stop calling them active. Every site
 * that holds a code is told, and keeps it as expired: a login with it is still answered "Voucher
 * expired", not refused as an unknown code. One statement for the tenant, audited as the system
 * (one row per voucher); idempotent and safe to run on every replica at once (a row already
 * expired by another is no longer `active`). Returns how many expired.
 */
export async function expireVouchers(tx: Tx, tenantId: string, now: Date, meta: RequestMeta): Promise<number> {
  const expired = rowsOf<{ id: string; code: string; expires_at: string | Date }>(
    await tx.execute(sql`
      update vouchers set state = 'expired'
      where tenant_id = ${tenantId} and state = 'active' and expires_at <= ${now.toISOString()}::timestamptz
      returning id, code, expires_at`),
  );
  if (expired.length === 0) return 0;
  const ids = expired.map((v) => v.id);
  await recordVoucherChanges(tx, tenantId, "voucher_expired", voucherIdIn(ids));
  await tx.insert(auditLog).values(
    expired.map((v) => ({
      tenantId,
      actorUserId: null,
      action: "voucher.expired",
      entityType: "voucher",
      entityId: v.id,
      before: { state: "active" },
      after: { code: v.code, state: "expired", expiresAt: new Date(v.expires_at).toISOString() },
      ip: meta.ip,
      requestId: meta.requestId,
    })),
  );
  return expired.length;
}

/** How long an expired or exhausted code stays on the sites after its validity's end. */
export const VOUCHER_SITE_RETENTION_DAYS = 30;

/**
 * Codes expired or exhausted for VOUCHER_SITE_RETENTION_DAYS leave every site's state (a login
 * with one is then refused as unknown): a site's store does not grow with every code ever sold.
 * The voucher keeps its state; `released_at` says it left. Audited as the system, one row per
 * voucher; idempotent like the expiry. Returns how many left.
 */
export async function releaseEndedVouchers(tx: Tx, tenantId: string, now: Date, meta: RequestMeta): Promise<number> {
  const cutoff = new Date(now.getTime() - VOUCHER_SITE_RETENTION_DAYS * 86_400_000);
  const released = rowsOf<{ id: string; code: string; state: string }>(
    await tx.execute(sql`
      update vouchers set released_at = ${now.toISOString()}::timestamptz
      where tenant_id = ${tenantId} and state in ('expired', 'exhausted') and released_at is null
        and expires_at <= ${cutoff.toISOString()}::timestamptz
      returning id, code, state`),
  );
  if (released.length === 0) return 0;
  await recordVoucherChanges(tx, tenantId, "voucher_released", voucherIdIn(released.map((v) => v.id)));
  await tx.insert(auditLog).values(
    released.map((v) => ({
      tenantId,
      actorUserId: null,
      action: "voucher.released",
      entityType: "voucher",
      entityId: v.id,
      before: null,
      after: { code: v.code, state: v.state, releasedAt: now.toISOString() },
      ip: meta.ip,
      requestId: meta.requestId,
    })),
  );
  return released.length;
}
