import { and, asc, eq, isNotNull, isNull, ne, type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";
import { voucherBatches } from "../vouchers/vouchers.tables.ts";
import type { PlanCycle, PlanType } from "./plans.schemas.ts";
import { plans } from "./plans.tables.ts";

export type PlanRow = typeof plans.$inferSelect;

/** Who points at a plan: every subscription (terminated ones too) and voucher batch. */
export interface PlanUsage {
  /** Every subscription on the plan, terminated ones included (they keep their history). */
  subscriptions: number;
  /** Subscriptions not terminated: the plan's subscribers. */
  subscribers: number;
  /** Active or isolated: the subscribers the network is enforcing the plan for. */
  onNetwork: number;
  voucherBatches: number;
}

export const isUsed = (u: PlanUsage) => u.subscriptions > 0 || u.voucherBatches > 0;

const byId = (tenantId: string, planId: string) => and(eq(plans.tenantId, tenantId), eq(plans.id, planId));

export async function findPlan(tx: Tx, tenantId: string, planId: string, lock = false): Promise<PlanRow | null> {
  const query = tx.select().from(plans).where(byId(tenantId, planId));
  const [row] = lock ? await query.for("update") : await query;
  return row ?? null;
}

/** Escapes LIKE's wildcards so that a search for "50%" finds "50%", not everything. */
const likeText = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Plans in use or archived, by name, each with its subscriber count (one grouped scan). */
export async function listPlans(tx: Tx, tenantId: string, filter: { archived: boolean; q: string }) {
  const counts = tx
    .select({ planId: subscriptions.planId, subscribers: sql<number>`count(*)::int`.as("subscribers") })
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, tenantId), ne(subscriptions.status, "terminated")))
    .groupBy(subscriptions.planId)
    .as("counts");
  const conditions: SQL[] = [eq(plans.tenantId, tenantId)];
  conditions.push(filter.archived ? isNotNull(plans.archivedAt) : isNull(plans.archivedAt));
  if (filter.q) conditions.push(sql`${plans.name} ilike ${likeText(filter.q)}`);
  return tx
    .select({ plan: plans, subscribers: sql<number>`coalesce(${counts.subscribers}, 0)::int` })
    .from(plans)
    .leftJoin(counts, eq(counts.planId, plans.id))
    .where(and(...conditions))
    .orderBy(asc(sql`lower(${plans.name})`), asc(plans.id));
}

export async function planUsage(tx: Tx, tenantId: string, planId: string): Promise<PlanUsage> {
  const [subs] = await tx
    .select({
      subscriptions: sql<number>`count(*)::int`,
      subscribers: sql<number>`(count(*) filter (where ${subscriptions.status} <> 'terminated'))::int`,
      onNetwork: sql<number>`(count(*) filter (where ${subscriptions.status} in ('active', 'isolated')))::int`,
    })
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, tenantId), eq(subscriptions.planId, planId)));
  const [batches] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(voucherBatches)
    .where(and(eq(voucherBatches.tenantId, tenantId), eq(voucherBatches.planId, planId)));
  return {
    subscriptions: subs?.subscriptions ?? 0,
    subscribers: subs?.subscribers ?? 0,
    onNetwork: subs?.onNetwork ?? 0,
    voucherBatches: batches?.n ?? 0,
  };
}

/** Whether a plan in use other than `exceptId` has this name, in any case. */
export async function nameTaken(tx: Tx, tenantId: string, name: string, exceptId?: string): Promise<boolean> {
  const conditions: SQL[] = [
    eq(plans.tenantId, tenantId),
    isNull(plans.archivedAt),
    sql`lower(${plans.name}) = lower(${name})`,
  ];
  if (exceptId) conditions.push(ne(plans.id, exceptId));
  const [row] = await tx
    .select({ id: plans.id })
    .from(plans)
    .where(and(...conditions))
    .limit(1);
  return row !== undefined;
}

/** What a picker of plans for new subscriptions or voucher batches needs. */
export interface OfferedPlan {
  id: string;
  name: string;
  type: PlanType;
  cycle: PlanCycle;
  price: number;
  validityHours: number | null;
  validityDays: number | null;
  taxRateBp: number;
  taxInclusive: boolean;
  installationFee: number;
}

const offeredColumns = {
  id: plans.id,
  name: plans.name,
  type: plans.type,
  cycle: plans.cycle,
  price: plans.price,
  validityHours: plans.validityHours,
  validityDays: plans.validityDays,
  taxRateBp: plans.taxRateBp,
  taxInclusive: plans.taxInclusive,
  installationFee: plans.installationFee,
};

export async function selectOffered(
  tx: Tx,
  tenantId: string,
  filter: { cycle?: PlanCycle; type?: PlanType; id?: string },
): Promise<OfferedPlan[]> {
  const conditions: SQL[] = [eq(plans.tenantId, tenantId), isNull(plans.archivedAt)];
  if (filter.cycle) conditions.push(eq(plans.cycle, filter.cycle));
  if (filter.type) conditions.push(eq(plans.type, filter.type));
  if (filter.id) conditions.push(eq(plans.id, filter.id));
  return tx
    .select(offeredColumns)
    .from(plans)
    .where(and(...conditions))
    .orderBy(asc(sql`lower(${plans.name})`), asc(plans.id));
}
