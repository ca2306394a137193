import { sql } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import {
  entropyBits,
  generateBatch,
  MAX_CODE_LENGTH,
  type RandomBytes,
  SPARSENESS_BITS,
  type VoucherEvent,
  type VoucherState,
  voucherStates,
  voucherTransition,
} from "../billing/vouchers.models.ts";
import type { Clock } from "../clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { notFound } from "../http/errors.ts";
import { recordVoucherChanges } from "../sites/site-state-vouchers.ts";
import {
  codesKeptColliding,
  notEnoughVouchers,
  planArchived,
  planNotForVouchers,
  planUnknown,
  resellerAbovePrice,
  siteUnknown,
  spaceTooSmall,
  transitionRefused,
} from "./vouchers.errors.ts";
import {
  type BatchRow,
  batchById,
  codeCountsByLength,
  insertBatch,
  insertCodes,
  moveVouchers,
  type PlanRow,
  planById,
  siteExists,
  siteOptions,
  takenCodes,
  updateVoucher,
  type VoucherRow,
  voucherById,
  voucherPlans,
} from "./vouchers.repository.ts";
import type { BatchInput } from "./vouchers.schemas.ts";

export interface VouchersDeps {
  database: Database;
  clock: Clock;
  /** Tests script the codes; everyone else gets crypto.getRandomValues. */
  random?: RandomBytes;
}

/** How often a batch is generated again when a concurrent batch took one of its codes first. */
const CODE_ATTEMPTS = 3;

/** A monthly hotspot plan sold as a voucher buys a month: 30 days from activation, like a prepaid plan. */
const MONTH_AS_DAYS = 30;

export type Validity = { days: number; hours: null } | { days: null; hours: number };

/** What a voucher of this plan is valid for once activated; null for a plan vouchers cannot be sold for. */
export function validityOf(plan: Pick<PlanRow, "type" | "cycle" | "validityDays" | "validityHours">): Validity | null {
  if (plan.cycle === "prepaid") {
    if (plan.validityDays) return { days: plan.validityDays, hours: null };
    if (plan.validityHours) return { days: null, hours: plan.validityHours };
    return null;
  }
  return plan.type === "hotspot" ? { days: MONTH_AS_DAYS, hours: null } : null;
}

/** What the new-batch form offers: the plans vouchers can be sold for and the sites. */
export function batchFormChoices(deps: Pick<VouchersDeps, "database">, actor: Actor) {
  return deps.database.withTenant(actor.tenantId, async (tx) => ({
    plans: (await voucherPlans(tx, actor.tenantId)).flatMap((p) => {
      const validity = validityOf(p);
      return validity ? [{ ...p, validity }] : [];
    }),
    sites: await siteOptions(tx, actor.tenantId),
  }));
}

/** A code length that would hold the batch, for the refusal; null when none up to 32 would. */
async function lengthAdvice(tx: Tx, actor: Actor, input: BatchInput) {
  const counts = await codeCountsByLength(tx, actor.tenantId, input.prefix);
  const taken = (length: number) => counts.get(input.prefix.length + length) ?? 0;
  const fits = (length: number) => Math.log2(input.count + taken(length)) <= entropyBits(length) - SPARSENESS_BITS;
  const capacity = Math.floor(2 ** (entropyBits(input.codeLength) - SPARSENESS_BITS));
  let suggested: number | null = null;
  for (let length = input.codeLength + 1; length <= MAX_CODE_LENGTH && suggested === null; length++) {
    if (fits(length)) suggested = length;
  }
  return spaceTooSmall(Math.max(0, capacity - taken(input.codeLength)), suggested);
}

/**
 * Creates a batch and all its codes in one transaction. The codes avoid the tenant's existing
 * ones; should a concurrent batch commit one of the same codes first, the unique key refuses
 * the whole insert and the batch is generated again against the codes now taken.
 */
export async function createBatch(
  deps: VouchersDeps,
  actor: Actor,
  input: BatchInput,
  meta: RequestMeta,
): Promise<{ batchId: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.database.withTenant(actor.tenantId, (tx) => insertNewBatch(tx, deps, actor, input, meta));
    } catch (error) {
      if (!isUniqueViolation(error, "vouchers_code_unique")) throw error;
      if (attempt >= CODE_ATTEMPTS) throw codesKeptColliding();
    }
  }
}

async function insertNewBatch(tx: Tx, deps: VouchersDeps, actor: Actor, input: BatchInput, meta: RequestMeta) {
  const plan = await planById(tx, actor.tenantId, input.planId);
  if (!plan) throw planUnknown();
  if (plan.archivedAt) throw planArchived();
  const validity = validityOf(plan);
  if (!validity) throw planNotForVouchers();
  if (input.siteId && !(await siteExists(tx, actor.tenantId, input.siteId))) throw siteUnknown();
  const price = input.price ?? plan.price;
  if (input.resellerPrice !== null && input.resellerPrice > price) throw resellerAbovePrice();

  const format = { prefix: input.prefix, length: input.codeLength };
  const taken = await takenCodes(tx, actor.tenantId, input.prefix, input.prefix.length + input.codeLength);
  const generated = generateBatch(input.count, format, taken, deps.random);
  if (!generated.ok) {
    if (generated.code === "vouchers.space-too-small") throw await lengthAdvice(tx, actor, input);
    // The schema checks what the model checks; reaching this is a bug, not bad input.
    throw new Error(`voucher batch refused by the model: ${generated.code}`);
  }

  const batchId = crypto.randomUUID();
  const row = {
    tenantId: actor.tenantId,
    id: batchId,
    planId: plan.id,
    siteId: input.siteId,
    count: input.count,
    prefix: input.prefix,
    codeLength: input.codeLength,
    price,
    resellerPrice: input.resellerPrice,
    validityDays: validity.days,
    validityHours: validity.hours,
    createdBy: actor.userId,
    createdAt: deps.clock.now(),
  };
  await insertBatch(tx, row);
  await insertCodes(tx, actor.tenantId, batchId, generated.codes);
  await recordVoucherChanges(tx, actor.tenantId, "voucher_created", sql`v.batch_id = ${batchId}`);
  const { tenantId: _t, id: _i, createdBy: _c, createdAt: _a, ...after } = row;
  await audit(tx, meta, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: "voucher_batch.created",
    entityType: "voucher_batch",
    entityId: batchId,
    after: { ...after, planName: plan.name },
  });
  return { batchId };
}

/** The states an event may leave from, straight from the model's table. */
const statesAllowing = (event: VoucherEvent): VoucherState[] =>
  voucherStates.filter((s) => voucherTransition(s, event).ok);

function targetOf(state: VoucherState, event: VoucherEvent): VoucherState {
  const next = voucherTransition(state, event);
  if (!next.ok) throw transitionRefused(state, event);
  return next.to;
}

async function lockedVoucher(tx: Tx, actor: Actor, batchId: string, voucherId: string): Promise<VoucherRow> {
  const row = await voucherById(tx, actor.tenantId, batchId, voucherId, true);
  if (!row) throw notFound("voucher");
  return row;
}

async function existingBatch(tx: Tx, actor: Actor, batchId: string): Promise<BatchRow> {
  const batch = await batchById(tx, actor.tenantId, batchId);
  if (!batch) throw notFound("voucher batch");
  return batch;
}

/**
 * One voucher one step through the state machine (voucherTransition), with the columns that
 * step sets and its audit row, in one transaction.
 */
function stepVoucher(
  deps: VouchersDeps,
  actor: Actor,
  target: { batchId: string; voucherId: string },
  step: {
    event: "sell" | "void";
    action: string;
    columns: (now: Date) => Parameters<typeof updateVoucher>[3];
    after: Record<string, unknown>;
  },
  meta: RequestMeta,
): Promise<VoucherRow> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const before = await lockedVoucher(tx, actor, target.batchId, target.voucherId);
    const state = targetOf(before.state, step.event);
    const after = await updateVoucher(tx, actor.tenantId, before.id, { state, ...step.columns(deps.clock.now()) });
    await recordVoucherChanges(tx, actor.tenantId, "voucher_changed", sql`v.id = ${before.id}`);
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: step.action,
      entityType: "voucher",
      entityId: before.id,
      before: { code: before.code, state: before.state },
      after: { state, ...step.after },
    });
    return after;
  });
}

export function sellVoucher(
  deps: VouchersDeps,
  actor: Actor,
  input: { batchId: string; voucherId: string; soldTo: string | null },
  meta: RequestMeta,
): Promise<VoucherRow> {
  return stepVoucher(
    deps,
    actor,
    input,
    {
      event: "sell",
      action: "voucher.sold",
      columns: (now) => ({ soldAt: now, soldTo: input.soldTo }),
      after: { soldTo: input.soldTo },
    },
    meta,
  );
}

export function voidVoucher(
  deps: VouchersDeps,
  actor: Actor,
  input: { batchId: string; voucherId: string; reason: string },
  meta: RequestMeta,
): Promise<VoucherRow> {
  return stepVoucher(
    deps,
    actor,
    input,
    {
      event: "void",
      action: "voucher.voided",
      columns: (now) => ({ voidedAt: now, voidReason: input.reason }),
      after: { reason: input.reason },
    },
    meta,
  );
}

/**
 * Sells the first `count` new vouchers of a batch in code order (all of them when null). Fewer
 * than asked for refuses the whole sale: half a reseller's order marked sold is worse than none.
 */
export async function sellFromBatch(
  deps: VouchersDeps,
  actor: Actor,
  input: { batchId: string; count: number | null; soldTo: string | null },
  meta: RequestMeta,
): Promise<{ sold: number }> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    await existingBatch(tx, actor, input.batchId);
    const from = statesAllowing("sell");
    const to = targetOf(from[0] ?? "new", "sell");
    const codes = await moveVouchers(tx, {
      tenantId: actor.tenantId,
      batchId: input.batchId,
      from,
      to,
      limit: input.count,
      soldAt: deps.clock.now(),
      soldTo: input.soldTo,
    });
    if (codes.length === 0 || (input.count !== null && codes.length < input.count)) {
      throw notEnoughVouchers(codes.length);
    }
    await recordVoucherChanges(tx, actor.tenantId, "voucher_changed", sql`v.code in ${codes}`);
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "voucher_batch.sold",
      entityType: "voucher_batch",
      entityId: input.batchId,
      before: { state: from },
      after: { state: to, soldTo: input.soldTo, count: codes.length, codes },
    });
    return { sold: codes.length };
  });
}

/** Voids every voucher of the batch that has not been sold yet (a lost or damaged sheet). */
export async function voidUnsold(
  deps: VouchersDeps,
  actor: Actor,
  input: { batchId: string; reason: string },
  meta: RequestMeta,
): Promise<{ voided: number }> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    await existingBatch(tx, actor, input.batchId);
    // Unsold: still sellable, and voidable (the model allows both from "new" only).
    const voidable = new Set(statesAllowing("void"));
    const from = statesAllowing("sell").filter((s) => voidable.has(s));
    const to = targetOf(from[0] ?? "new", "void");
    const codes = await moveVouchers(tx, {
      tenantId: actor.tenantId,
      batchId: input.batchId,
      from,
      to,
      limit: null,
      voidedAt: deps.clock.now(),
      voidReason: input.reason,
    });
    if (codes.length === 0) throw notEnoughVouchers(0);
    await recordVoucherChanges(tx, actor.tenantId, "voucher_changed", sql`v.code in ${codes}`);
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "voucher_batch.voided",
      entityType: "voucher_batch",
      entityId: input.batchId,
      before: { state: from },
      after: { state: to, reason: input.reason, count: codes.length, codes },
    });
    return { voided: codes.length };
  });
}
