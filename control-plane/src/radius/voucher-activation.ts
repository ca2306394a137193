import { sql } from "drizzle-orm";
import { auditLog } from "../audit/audit.tables.ts";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { recordVoucherChanges, voucherIdIn } from "../sites/site-state-vouchers.ts";
import type { IngestContext } from "../sync/journal-ingest.ts";
import { jsonRows } from "./record-values.ts";

export interface Activation {
  seq: number;
  voucherId: string;
  activatedAt: string;
  expiresAt: string;
  mac: string | null;
  nasId: string;
}

/**
 * `radius.voucher_activated` (issue 6 §5): a code's first login at a site makes the voucher
 * active in the cloud, and its validity (activation, expiry, bound MAC) goes to every site that
 * holds the code, so another hotspot honours the same expiry. The first activation wins: a
 * voucher already active (another site was quicker) changes nothing. A site may only activate
 * codes it holds. Audited as the system, one row per voucher, in one statement.
 */
export async function activateVouchers(tx: Tx, ctx: IngestContext, activations: readonly Activation[]): Promise<void> {
  if (activations.length === 0) return;
  const earliest = new Map<string, Activation>();
  for (const a of activations) {
    const seen = earliest.get(a.voucherId);
    if (!seen || a.activatedAt < seen.activatedAt) earliest.set(a.voucherId, a);
  }
  const payload = [...earliest.values()].map((a) => ({
    seq: a.seq,
    voucher_id: a.voucherId,
    activated_at: a.activatedAt,
    expires_at: a.expiresAt,
    mac: a.mac,
    nas_id: a.nasId,
  }));
  const activated = rowsOf<{ id: string; code: string; seq: string | number; nas_id: string; mac: string | null }>(
    await tx.execute(sql`
      update vouchers v
      set state = 'active', activated_at = r.activated_at, expires_at = r.expires_at, mac = r.mac
      from ${jsonRows(payload)} as r(seq bigint, voucher_id uuid,
             activated_at timestamptz, expires_at timestamptz, mac macaddr, nas_id text),
           voucher_batches b
      where v.tenant_id = ${ctx.tenantId} and v.id = r.voucher_id and v.state in ('new', 'sold')
        and b.tenant_id = v.tenant_id and b.id = v.batch_id and (b.site_id is null or b.site_id = ${ctx.siteId})
      returning v.id, v.code, r.seq, r.nas_id, v.mac::text as mac`),
  );
  if (activated.length === 0) return;
  const byId = new Map(payload.map((p) => [p.voucher_id, p] as const));
  const ids = activated.map((a) => a.id);
  await recordVoucherChanges(tx, ctx.tenantId, "voucher_activated", voucherIdIn(ids));
  await tx.insert(auditLog).values(
    activated.map((a) => ({
      tenantId: ctx.tenantId,
      actorUserId: null,
      action: "voucher.activated",
      entityType: "voucher",
      entityId: a.id,
      after: {
        code: a.code,
        siteId: ctx.siteId,
        nasId: a.nas_id,
        mac: a.mac,
        activatedAt: byId.get(a.id)?.activated_at ?? null,
        expiresAt: byId.get(a.id)?.expires_at ?? null,
      },
      ip: null,
      requestId: `journal:${ctx.agentId}:${a.seq}`,
    })),
  );
}
