import { and, asc, count, desc, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import { users } from "../accounts/accounts.tables.ts";
import type { VoucherState } from "../billing/vouchers.models.ts";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { plans } from "../plans/plans.tables.ts";
import { sites } from "../sites/sites.tables.ts";
import { voucherBatches, vouchers } from "./vouchers.tables.ts";

// Every query names the tenant although row-level security already limits it: the index
// (tenant_id, …) is then usable, and a query that forgot RLS would still be right.

export type PlanRow = {
  id: string;
  name: string;
  type: "pppoe" | "hotspot" | "static";
  cycle: "monthly" | "prepaid";
  price: number;
  validityDays: number | null;
  validityHours: number | null;
  archivedAt: Date | null;
};

const planColumns = {
  id: plans.id,
  name: plans.name,
  type: plans.type,
  cycle: plans.cycle,
  price: plans.price,
  validityDays: plans.validityDays,
  validityHours: plans.validityHours,
  archivedAt: plans.archivedAt,
};

/** Plans a voucher can be sold for: hotspot or prepaid, and not archived. */
export function voucherPlans(tx: Tx, tenantId: string): Promise<PlanRow[]> {
  return tx
    .select(planColumns)
    .from(plans)
    .where(
      and(
        eq(plans.tenantId, tenantId),
        isNull(plans.archivedAt),
        or(eq(plans.type, "hotspot"), eq(plans.cycle, "prepaid")),
      ),
    )
    .orderBy(asc(plans.name));
}

/** Any plan of the tenant, archived or not, so a refusal can say why. */
export async function planById(tx: Tx, tenantId: string, planId: string): Promise<PlanRow | null> {
  const [row] = await tx
    .select(planColumns)
    .from(plans)
    .where(and(eq(plans.tenantId, tenantId), eq(plans.id, planId)));
  return row ?? null;
}

export function siteOptions(tx: Tx, tenantId: string): Promise<{ id: string; name: string }[]> {
  return tx
    .select({ id: sites.id, name: sites.name })
    .from(sites)
    .where(eq(sites.tenantId, tenantId))
    .orderBy(asc(sites.name));
}

export async function siteExists(tx: Tx, tenantId: string, siteId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: sites.id })
    .from(sites)
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)));
  return row !== undefined;
}

/**
 * The tenant's codes that start with `prefix` and are `totalLength` long: exactly the codes a
 * new code of this prefix and length could collide with, whatever prefix made them.
 */
export async function takenCodes(tx: Tx, tenantId: string, prefix: string, totalLength: number): Promise<Set<string>> {
  const rows = await tx
    .select({ code: vouchers.code })
    .from(vouchers)
    .where(
      and(
        eq(vouchers.tenantId, tenantId),
        sql`starts_with(${vouchers.code}, ${prefix})`,
        sql`length(${vouchers.code}) = ${totalLength}`,
      ),
    );
  return new Set(rows.map((r) => r.code));
}

/** How many codes of each total length start with `prefix`, to suggest a length that fits. */
export async function codeCountsByLength(tx: Tx, tenantId: string, prefix: string): Promise<Map<number, number>> {
  const length = sql<number>`length(${vouchers.code})::int`;
  const rows = await tx
    .select({ length, n: count() })
    .from(vouchers)
    .where(and(eq(vouchers.tenantId, tenantId), sql`starts_with(${vouchers.code}, ${prefix})`))
    .groupBy(length);
  return new Map(rows.map((r) => [Number(r.length), Number(r.n)]));
}

export type NewBatchRow = typeof voucherBatches.$inferInsert;

export async function insertBatch(tx: Tx, row: NewBatchRow): Promise<void> {
  await tx.insert(voucherBatches).values(row);
}

/**
 * All codes of a batch in one statement. The codes are letters, digits and "-" (the models and
 * a table check say so), so a comma-joined list is an unambiguous single parameter.
 */
export async function insertCodes(tx: Tx, tenantId: string, batchId: string, codes: readonly string[]): Promise<void> {
  await tx.execute(sql`
    insert into ${vouchers} (tenant_id, id, batch_id, code)
    select ${tenantId}::uuid, gen_random_uuid(), ${batchId}::uuid, c
    from unnest(string_to_array(${codes.join(",")}::text, ',')) as c`);
}

const batchColumns = {
  id: voucherBatches.id,
  planId: voucherBatches.planId,
  planName: plans.name,
  siteId: voucherBatches.siteId,
  siteName: sites.name,
  siteLoginUrl: sites.hotspotLoginUrl,
  count: voucherBatches.count,
  prefix: voucherBatches.prefix,
  codeLength: voucherBatches.codeLength,
  price: voucherBatches.price,
  resellerPrice: voucherBatches.resellerPrice,
  validityDays: voucherBatches.validityDays,
  validityHours: voucherBatches.validityHours,
  createdAt: voucherBatches.createdAt,
  createdByName: users.name,
};

function selectBatches(tx: Tx, where: SQL | undefined) {
  return tx
    .select(batchColumns)
    .from(voucherBatches)
    .innerJoin(plans, and(eq(plans.tenantId, voucherBatches.tenantId), eq(plans.id, voucherBatches.planId)))
    .leftJoin(sites, and(eq(sites.tenantId, voucherBatches.tenantId), eq(sites.id, voucherBatches.siteId)))
    .leftJoin(users, eq(users.id, voucherBatches.createdBy))
    .where(where);
}

export type BatchRow = Awaited<ReturnType<typeof selectBatches>>[number];

export async function batchById(tx: Tx, tenantId: string, batchId: string): Promise<BatchRow | null> {
  const [row] = await selectBatches(tx, and(eq(voucherBatches.tenantId, tenantId), eq(voucherBatches.id, batchId)));
  return row ?? null;
}

/** One page of batches, newest first, and how many there are. */
export async function listBatches(tx: Tx, tenantId: string, limit: number, offset: number) {
  const rows = await selectBatches(tx, eq(voucherBatches.tenantId, tenantId))
    .orderBy(desc(voucherBatches.createdAt), desc(voucherBatches.id))
    .limit(limit)
    .offset(offset);
  const [total] = await tx.select({ n: count() }).from(voucherBatches).where(eq(voucherBatches.tenantId, tenantId));
  return { rows, total: Number(total?.n ?? 0) };
}

export type StateCounts = Record<VoucherState, number>;
export const noVouchers = (): StateCounts => ({ new: 0, sold: 0, active: 0, expired: 0, exhausted: 0, void: 0 });

/** How many vouchers of each batch are in each state. */
export async function stateCounts(tx: Tx, tenantId: string, batchIds: readonly string[]) {
  const out = new Map<string, StateCounts>(batchIds.map((id) => [id, noVouchers()]));
  if (batchIds.length === 0) return out;
  const rows = await tx
    .select({ batchId: vouchers.batchId, state: vouchers.state, n: count() })
    .from(vouchers)
    .where(and(eq(vouchers.tenantId, tenantId), inArray(vouchers.batchId, [...batchIds])))
    .groupBy(vouchers.batchId, vouchers.state);
  for (const r of rows) {
    const counts = out.get(r.batchId);
    if (counts) counts[r.state] = Number(r.n);
  }
  return out;
}

const voucherColumns = {
  id: vouchers.id,
  batchId: vouchers.batchId,
  code: vouchers.code,
  state: vouchers.state,
  soldAt: vouchers.soldAt,
  soldTo: vouchers.soldTo,
  activatedAt: vouchers.activatedAt,
  expiresAt: vouchers.expiresAt,
};

export type VoucherRow = {
  id: string;
  batchId: string;
  code: string;
  state: VoucherState;
  soldAt: Date | null;
  soldTo: string | null;
  activatedAt: Date | null;
  expiresAt: Date | null;
};

export interface VoucherFilter {
  states?: readonly VoucherState[];
  /** Part of a code, upper case. */
  q?: string;
}

function voucherWhere(tenantId: string, batchId: string, filter: VoucherFilter): SQL | undefined {
  const where: SQL[] = [eq(vouchers.tenantId, tenantId), eq(vouchers.batchId, batchId)];
  if (filter.states) where.push(inArray(vouchers.state, [...filter.states]));
  // strpos, not LIKE: a "%" or "_" typed in the search box is just a character.
  if (filter.q) where.push(sql`strpos(${vouchers.code}, ${filter.q}) > 0`);
  return and(...where);
}

/** A page of a batch's vouchers in code order (the order of the printed sheets), and the total. */
export async function listVouchers(
  tx: Tx,
  tenantId: string,
  batchId: string,
  filter: VoucherFilter,
  limit: number,
  offset: number,
): Promise<{ rows: VoucherRow[]; total: number }> {
  const where = voucherWhere(tenantId, batchId, filter);
  const rows = await tx
    .select(voucherColumns)
    .from(vouchers)
    .where(where)
    .orderBy(asc(vouchers.code))
    .limit(limit)
    .offset(offset);
  const [total] = await tx.select({ n: count() }).from(vouchers).where(where);
  return { rows, total: Number(total?.n ?? 0) };
}

/** One voucher of one batch, locked for a change when `lock` is set. */
export async function voucherById(
  tx: Tx,
  tenantId: string,
  batchId: string,
  voucherId: string,
  lock = false,
): Promise<VoucherRow | null> {
  const query = tx
    .select(voucherColumns)
    .from(vouchers)
    .where(and(eq(vouchers.tenantId, tenantId), eq(vouchers.batchId, batchId), eq(vouchers.id, voucherId)));
  const [row] = lock ? await query.for("update") : await query;
  return row ?? null;
}

export async function updateVoucher(
  tx: Tx,
  tenantId: string,
  voucherId: string,
  set: Partial<Pick<typeof vouchers.$inferInsert, "state" | "soldAt" | "soldTo" | "voidedAt" | "voidReason">>,
): Promise<VoucherRow> {
  const [row] = await tx
    .update(vouchers)
    .set(set)
    .where(and(eq(vouchers.tenantId, tenantId), eq(vouchers.id, voucherId)))
    .returning(voucherColumns);
  if (!row) throw new Error(`voucher ${voucherId} vanished while locked`);
  return row;
}

/**
 * Moves up to `limit` vouchers of a batch from `from` to `to` in one statement, first in code
 * order (null: all of them), and returns their codes. The rows are locked as they are picked,
 * so two people selling from the same batch at once never sell the same voucher twice.
 */
export async function moveVouchers(
  tx: Tx,
  args: {
    tenantId: string;
    batchId: string;
    from: readonly VoucherState[];
    to: VoucherState;
    limit: number | null;
    soldAt?: Date;
    soldTo?: string | null;
    voidedAt?: Date;
    voidReason?: string;
  },
): Promise<string[]> {
  const states = sql.join(
    args.from.map((s) => sql`${s}`),
    sql`, `,
  );
  const limit = args.limit === null ? sql`` : sql`limit ${args.limit}`;
  const sold =
    args.soldAt !== undefined
      ? sql`, sold_at = ${args.soldAt.toISOString()}::timestamptz, sold_to = ${args.soldTo ?? null}`
      : sql``;
  const voided =
    args.voidedAt !== undefined
      ? sql`, voided_at = ${args.voidedAt.toISOString()}::timestamptz, void_reason = ${args.voidReason ?? null}`
      : sql``;
  const result = await tx.execute(sql`
    with picked as (
      select id from ${vouchers}
      where tenant_id = ${args.tenantId}::uuid and batch_id = ${args.batchId}::uuid and state in (${states})
      order by code
      ${limit}
      for update
    )
    update ${vouchers} as v set state = ${args.to}${sold}${voided}
    from picked
    where v.tenant_id = ${args.tenantId}::uuid and v.id = picked.id
    returning v.code`);
  return rowsOf<{ code: string }>(result)
    .map((r) => r.code)
    .sort();
}

/** Every voucher of a batch in the given states, in code order (the sheet, the CSV). */
export function vouchersOfBatch(
  tx: Tx,
  tenantId: string,
  batchId: string,
  states: readonly VoucherState[] | undefined,
  limit?: number,
  offset = 0,
): Promise<VoucherRow[]> {
  const query = tx
    .select(voucherColumns)
    .from(vouchers)
    .where(voucherWhere(tenantId, batchId, { states }))
    .orderBy(asc(vouchers.code))
    .offset(offset);
  return limit === undefined ? query : query.limit(limit);
}

export async function countVouchers(tx: Tx, tenantId: string, batchId: string, states: readonly VoucherState[]) {
  const [row] = await tx
    .select({ n: count() })
    .from(vouchers)
    .where(voucherWhere(tenantId, batchId, { states }));
  return Number(row?.n ?? 0);
}
