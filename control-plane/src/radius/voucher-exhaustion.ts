import { sql } from "drizzle-orm";
import { auditLog } from "../audit/audit.tables.ts";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { recordVoucherChanges, voucherIdIn } from "../sites/site-state-vouchers.ts";
import type { IngestContext } from "../sync/journal-ingest.ts";
import type { AccountingRow } from "./accounting.models.ts";

/**
 * Vouchers whose plan's data quota is used become `exhausted` (issue 6 §5: the voucher's state
 * follows its consumption). Use is counted here over every site's sessions of the code, octets
 * both ways — a site counts only its own, so a tenant-wide code used up at two hotspots is
 * refused at both only from this. Run in the ingest transaction after the sessions moved, for
 * the codes the batch's new requests name; every site that holds a code is told, and refuses it
 * "Voucher data quota used up". Audited as the system, one row per voucher.
 */
export async function exhaustVouchers(tx: Tx, ctx: IngestContext, rows: readonly AccountingRow[]): Promise<void> {
  const newest = new Map<string, number>();
  for (const r of rows)
    if (r.voucherCode !== null) newest.set(r.voucherCode, Math.max(r.seq, newest.get(r.voucherCode) ?? 0));
  if (newest.size === 0) return;
  const codes = JSON.stringify([...newest.keys()]);
  const exhausted = rowsOf<{ id: string; code: string; used: string | number; quota: string | number }>(
    await tx.execute(sql`
      with used as (
        select s.voucher_code as code, sum(s.input_octets + s.output_octets) as octets
        from radius_sessions s
        where s.tenant_id = ${ctx.tenantId}
          and s.voucher_code in (select jsonb_array_elements_text(${codes}::jsonb))
        group by s.voucher_code)
      update vouchers v set state = 'exhausted'
      from used, voucher_batches b, plans p
      where v.tenant_id = ${ctx.tenantId} and v.code = used.code and v.state = 'active'
        and b.tenant_id = v.tenant_id and b.id = v.batch_id and p.tenant_id = b.tenant_id and p.id = b.plan_id
        and p.quota_bytes is not null and used.octets >= p.quota_bytes
      returning v.id, v.code, used.octets as used, p.quota_bytes as quota`),
  );
  if (exhausted.length === 0) return;
  await recordVoucherChanges(tx, ctx.tenantId, "voucher_exhausted", voucherIdIn(exhausted.map((v) => v.id)));
  await tx.insert(auditLog).values(
    exhausted.map((v) => ({
      tenantId: ctx.tenantId,
      actorUserId: null,
      action: "voucher.exhausted",
      entityType: "voucher",
      entityId: v.id,
      before: { state: "active" },
      after: {
        code: v.code,
        state: "exhausted",
        usedOctets: Number(v.used),
        quotaBytes: Number(v.quota),
        siteId: ctx.siteId,
      },
      ip: null,
      requestId: `journal:${ctx.agentId}:${newest.get(v.code)}`,
    })),
  );
}
