import { and, eq, sql } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import { billingSettingsOf } from "../billing/billing-settings.usecases.ts";
import type { Clock } from "../clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { notFound } from "../http/errors.ts";
import { recordPlanSubscribersChanged } from "../sites/site-changes.ts";
import { recordVoucherChanges } from "../sites/site-state-vouchers.ts";
import { planFieldLocked, planInUse, planNameTaken } from "./plans.errors.ts";
import {
  findPlan,
  isUsed,
  listPlans,
  nameTaken,
  type OfferedPlan,
  type PlanRow,
  type PlanUsage,
  planUsage,
  selectOffered,
} from "./plans.repository.ts";
import type { PlanCycle, PlanInput, PlanType } from "./plans.schemas.ts";
import { plans } from "./plans.tables.ts";

export type { OfferedPlan, PlanRow, PlanUsage } from "./plans.repository.ts";

export interface PlansDeps {
  database: Database;
  clock: Clock;
}

type PlansActor = Pick<Actor, "tenantId" | "userId">;

/** The columns a plan's form sets, in the order the audit log lists them. */
const inputKeys = [
  "name",
  "type",
  "cycle",
  "validityDays",
  "validityHours",
  "price",
  "installationFee",
  "taxRateBp",
  "taxInclusive",
  "downloadKbps",
  "uploadKbps",
  "burstDownloadKbps",
  "burstUploadKbps",
  "burstThresholdDownloadKbps",
  "burstThresholdUploadKbps",
  "burstTimeSeconds",
  "addressPool",
  "profileName",
  "quotaBytes",
] as const satisfies readonly (keyof PlanInput)[];

/**
 * What the site holds of a plan (sites/site-changes.ts planNetworkState): a change must reach
 * it (DESIGN §6), the name included, or the site's state hash would drift from the cloud's.
 */
const networkKeys: ReadonlySet<keyof PlanInput> = new Set([
  "name",
  "type",
  "downloadKbps",
  "uploadKbps",
  "burstDownloadKbps",
  "burstUploadKbps",
  "burstThresholdDownloadKbps",
  "burstThresholdUploadKbps",
  "burstTimeSeconds",
  "addressPool",
  "profileName",
  "quotaBytes",
]);

export const planInput = (row: PlanRow): PlanInput =>
  Object.fromEntries(inputKeys.map((k) => [k, row[k]])) as unknown as PlanInput;

/** The plans page: in use by default, or the archive; optionally names containing `q`. */
export function listPlansPage(deps: PlansDeps, actor: PlansActor, filter: { archived: boolean; q: string }) {
  return deps.database.withTenant(actor.tenantId, (tx) => listPlans(tx, actor.tenantId, filter));
}

/** One plan and who uses it, or null (another tenant's plan is simply not there). */
export async function getPlan(
  deps: PlansDeps,
  actor: PlansActor,
  planId: string,
): Promise<{ plan: PlanRow; usage: PlanUsage } | null> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const plan = await findPlan(tx, actor.tenantId, planId);
    return plan ? { plan, usage: await planUsage(tx, actor.tenantId, planId) } : null;
  });
}

/** A new plan's tax: the tenant's default PPN rate and whether prices include it. */
export async function newPlanDefaults(deps: PlansDeps, actor: PlansActor) {
  const settings = await deps.database.withTenant(actor.tenantId, (tx) => billingSettingsOf(tx, actor.tenantId));
  return { taxRateBp: settings.defaultTaxRateBp, taxInclusive: settings.defaultTaxInclusive };
}

/**
 * The plans a new subscription or voucher batch may use: in use, not archived. Other areas
 * call this for their pickers.
 */
export function offeredPlans(
  deps: Pick<PlansDeps, "database">,
  actor: Pick<Actor, "tenantId">,
  filter: { cycle?: PlanCycle; type?: PlanType } = {},
): Promise<OfferedPlan[]> {
  return deps.database.withTenant(actor.tenantId, (tx) => selectOffered(tx, actor.tenantId, filter));
}

/**
 * The plan with this id if a new subscription or batch may use it, in the caller's transaction
 * (so an id posted by a form is checked where it is used); null when archived, missing or not
 * the tenant's.
 */
export async function findOfferedPlan(tx: Tx, tenantId: string, planId: string): Promise<OfferedPlan | null> {
  const [plan] = await selectOffered(tx, tenantId, { id: planId });
  return plan ?? null;
}

/** The unique index is the last guard against two people saving the same name at once. */
async function guardName<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error, "plans_name_unique")) throw planNameTaken();
    throw error;
  }
}

export function createPlan(deps: PlansDeps, actor: PlansActor, input: PlanInput, meta: RequestMeta): Promise<string> {
  return guardName(() =>
    deps.database.withTenant(actor.tenantId, async (tx) => {
      if (await nameTaken(tx, actor.tenantId, input.name)) throw planNameTaken();
      const id = crypto.randomUUID();
      const now = deps.clock.now();
      await tx.insert(plans).values({ ...input, tenantId: actor.tenantId, id, createdAt: now, updatedAt: now });
      await audit(tx, meta, {
        tenantId: actor.tenantId,
        actorUserId: actor.userId,
        action: "plan.created",
        entityType: "plan",
        entityId: id,
        after: { ...input },
      });
      return id;
    }),
  );
}

async function lockPlan(tx: Tx, tenantId: string, planId: string): Promise<PlanRow> {
  const plan = await findPlan(tx, tenantId, planId, true);
  if (!plan) throw notFound("plan");
  return plan;
}

/**
 * Saves the form. Price and tax changes reach only invoices issued afterwards (invoices copy
 * them into their lines). A change the network enforces is written, in this transaction, as a
 * site change for every subscriber of the plan who is on the network.
 */
export function updatePlan(
  deps: PlansDeps,
  actor: PlansActor,
  planId: string,
  input: PlanInput,
  meta: RequestMeta,
): Promise<{ changed: (keyof PlanInput)[]; siteChanges: number }> {
  return guardName(() =>
    deps.database.withTenant(actor.tenantId, async (tx) => {
      const plan = await lockPlan(tx, actor.tenantId, planId);
      const before = planInput(plan);
      const changed = inputKeys.filter((k) => before[k] !== input[k]);
      if (changed.length === 0) return { changed, siteChanges: 0 };
      if (changed.includes("type") || changed.includes("cycle")) {
        const usage = await planUsage(tx, actor.tenantId, planId);
        if (isUsed(usage)) throw planFieldLocked(changed.includes("type") ? "type" : "cycle");
      }
      // Archived plans may share a name: uniqueness holds among the plans in use only.
      if (changed.includes("name") && plan.archivedAt === null) {
        if (await nameTaken(tx, actor.tenantId, input.name, planId)) throw planNameTaken();
      }
      const set = Object.fromEntries(changed.map((k) => [k, input[k]]));
      await tx
        .update(plans)
        .set({ ...set, updatedAt: deps.clock.now() })
        .where(and(eq(plans.tenantId, actor.tenantId), eq(plans.id, planId)));
      const networkChanged = changed.some((k) => networkKeys.has(k));
      const siteChanges = networkChanged ? await recordPlanSubscribersChanged(tx, actor.tenantId, planId) : 0;
      // Hotspot codes of the plan carry its rates too.
      if (networkChanged) await recordVoucherChanges(tx, actor.tenantId, "plan_updated", sql`b.plan_id = ${planId}`);
      await audit(tx, meta, {
        tenantId: actor.tenantId,
        actorUserId: actor.userId,
        action: "plan.updated",
        entityType: "plan",
        entityId: planId,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: set,
      });
      return { changed, siteChanges };
    }),
  );
}

/** Archived plans stay on their subscriptions, batches and invoices but are offered no more. */
export function archivePlan(deps: PlansDeps, actor: PlansActor, planId: string, meta: RequestMeta): Promise<void> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const plan = await lockPlan(tx, actor.tenantId, planId);
    if (plan.archivedAt !== null) return;
    const archivedAt = deps.clock.now();
    await tx
      .update(plans)
      .set({ archivedAt, updatedAt: archivedAt })
      .where(and(eq(plans.tenantId, actor.tenantId), eq(plans.id, planId)));
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "plan.archived",
      entityType: "plan",
      entityId: planId,
      before: { archivedAt: null },
      after: { archivedAt: archivedAt.toISOString() },
    });
  });
}

/** Back in use, unless a plan in use took its name meanwhile. */
export function restorePlan(deps: PlansDeps, actor: PlansActor, planId: string, meta: RequestMeta): Promise<void> {
  return guardName(() =>
    deps.database.withTenant(actor.tenantId, async (tx) => {
      const plan = await lockPlan(tx, actor.tenantId, planId);
      if (plan.archivedAt === null) return;
      if (await nameTaken(tx, actor.tenantId, plan.name, planId)) throw planNameTaken();
      await tx
        .update(plans)
        .set({ archivedAt: null, updatedAt: deps.clock.now() })
        .where(and(eq(plans.tenantId, actor.tenantId), eq(plans.id, planId)));
      await audit(tx, meta, {
        tenantId: actor.tenantId,
        actorUserId: actor.userId,
        action: "plan.restored",
        entityType: "plan",
        entityId: planId,
        before: { archivedAt: plan.archivedAt.toISOString() },
        after: { archivedAt: null },
      });
    }),
  );
}

/**
 * Only a plan nothing points at is deleted. The plan row is locked first: a subscription being
 * added to it meanwhile holds a key-share lock on it, so either we wait and then count it, or
 * it waits and then fails its foreign key.
 */
export function deletePlan(deps: PlansDeps, actor: PlansActor, planId: string, meta: RequestMeta): Promise<void> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const plan = await lockPlan(tx, actor.tenantId, planId);
    const usage = await planUsage(tx, actor.tenantId, planId);
    if (isUsed(usage)) throw planInUse({ subscriptions: usage.subscriptions, voucherBatches: usage.voucherBatches });
    await tx.delete(plans).where(and(eq(plans.tenantId, actor.tenantId), eq(plans.id, planId)));
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "plan.deleted",
      entityType: "plan",
      entityId: planId,
      before: { ...planInput(plan), archivedAt: plan.archivedAt?.toISOString() ?? null },
    });
  });
}
