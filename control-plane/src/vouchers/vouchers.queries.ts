// What the voucher pages read: one tenant transaction per page, nothing written (except the
// billing settings' defaults row, which `billingSettingsOf` creates on first read).
import type { Actor } from "../auth/actor.ts";
import { billingSettingsOf } from "../billing/billing-settings.usecases.ts";
import { voucherTransition } from "../billing/vouchers.models.ts";
import type { Database } from "../db/database.ts";
import {
  type BatchRow,
  batchById,
  listBatches,
  listVouchers,
  noVouchers,
  type StateCounts,
  stateCounts,
  type VoucherRow,
  voucherById,
  vouchersOfBatch,
} from "./vouchers.repository.ts";
import { BATCH_PAGE_SIZE, VOUCHER_PAGE_SIZE, type VoucherQuery } from "./vouchers.schemas.ts";
import { CARDS_PER_PRINT } from "./vouchers.sheet.ts";

type Deps = { database: Database };

export type BatchSummary = BatchRow & {
  counts: StateCounts;
  validity: { days: number | null; hours: number | null };
};

const summary = (b: BatchRow, counts: StateCounts | undefined): BatchSummary => ({
  ...b,
  counts: counts ?? noVouchers(),
  validity: { days: b.validityDays, hours: b.validityHours },
});

/** A voucher with what the state machine lets a person do with it next. */
export type VoucherItem = VoucherRow & { canSell: boolean; canVoid: boolean };

export const voucherItem = (v: VoucherRow): VoucherItem => ({
  ...v,
  canSell: voucherTransition(v.state, "sell").ok,
  canVoid: voucherTransition(v.state, "void").ok,
});

export function batchesPage(deps: Deps, actor: Actor, page: number) {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const { rows, total } = await listBatches(tx, actor.tenantId, BATCH_PAGE_SIZE, (page - 1) * BATCH_PAGE_SIZE);
    const counts = await stateCounts(
      tx,
      actor.tenantId,
      rows.map((b) => b.id),
    );
    return { batches: rows.map((b) => summary(b, counts.get(b.id))), total };
  });
}

/** One batch with its state counts; null when the tenant has no such batch. */
export function findBatch(deps: Deps, actor: Actor, batchId: string): Promise<BatchSummary | null> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const batch = await batchById(tx, actor.tenantId, batchId);
    if (!batch) return null;
    return summary(batch, (await stateCounts(tx, actor.tenantId, [batch.id])).get(batch.id));
  });
}

export function batchPage(deps: Deps, actor: Actor, batchId: string, query: VoucherQuery) {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const batch = await batchById(tx, actor.tenantId, batchId);
    if (!batch) return null;
    const counts = (await stateCounts(tx, actor.tenantId, [batch.id])).get(batch.id);
    const filter = { states: query.state ? [query.state] : undefined, q: query.q };
    const offset = (query.page - 1) * VOUCHER_PAGE_SIZE;
    const page = await listVouchers(tx, actor.tenantId, batchId, filter, VOUCHER_PAGE_SIZE, offset);
    return { batch: summary(batch, counts), vouchers: page.rows.map(voucherItem), total: page.total };
  });
}

export function findVoucher(deps: Deps, actor: Actor, batchId: string, voucherId: string) {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const row = await voucherById(tx, actor.tenantId, batchId, voucherId);
    return row ? voucherItem(row) : null;
  });
}

/**
 * The printable vouchers of a batch (new and sold, or one of the two), a print page at a time,
 * with the login URL template: the batch's site's, else the tenant's.
 */
export function printSheet(deps: Deps, actor: Actor, batchId: string, query: { state?: "new" | "sold"; page: number }) {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const batch = await batchById(tx, actor.tenantId, batchId);
    if (!batch) return null;
    const loginUrl = batch.siteLoginUrl ?? (await billingSettingsOf(tx, actor.tenantId)).hotspotLoginUrl;
    const states: ("new" | "sold")[] = query.state ? [query.state] : ["new", "sold"];
    const counts = (await stateCounts(tx, actor.tenantId, [batch.id])).get(batch.id) ?? noVouchers();
    let total = 0;
    for (const s of states) total += counts[s];
    const offset = (query.page - 1) * CARDS_PER_PRINT;
    const vouchers = await vouchersOfBatch(tx, actor.tenantId, batchId, states, CARDS_PER_PRINT, offset);
    return { batch: summary(batch, counts), loginUrl, vouchers, total };
  });
}

/** Every voucher of a batch, in code order, for the CSV. */
export function exportBatch(deps: Deps, actor: Actor, batchId: string) {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const batch = await batchById(tx, actor.tenantId, batchId);
    if (!batch) return null;
    return { batch, vouchers: await vouchersOfBatch(tx, actor.tenantId, batchId, undefined) };
  });
}
