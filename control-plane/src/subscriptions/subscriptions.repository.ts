import { and, asc, desc, eq, ilike, isNull, or, type SQL, sql } from "drizzle-orm";
import { customers } from "../customers/customers.tables.ts";
import type { Tx } from "../db/database.ts";
import { plans } from "../plans/plans.tables.ts";
import { siteChanges, sites } from "../sites/sites.tables.ts";
import { subscriptions } from "./subscriptions.tables.ts";

export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type PlanRow = typeof plans.$inferSelect;

/** A subscription with its plan, locked for the caller's transaction; null when not this tenant's. */
export async function lockSubscription(
  tx: Tx,
  tenantId: string,
  id: string,
): Promise<{ sub: SubscriptionRow; plan: PlanRow } | null> {
  const [row] = await tx
    .select({ sub: subscriptions, plan: plans })
    .from(subscriptions)
    .innerJoin(plans, and(eq(plans.tenantId, subscriptions.tenantId), eq(plans.id, subscriptions.planId)))
    .where(and(eq(subscriptions.tenantId, tenantId), eq(subscriptions.id, id)))
    .for("update", { of: subscriptions });
  return row ?? null;
}

/** A subscription's own row, unlocked (for pages). */
export async function subscriptionRowOf(tx: Tx, tenantId: string, id: string): Promise<SubscriptionRow | null> {
  const [row] = await tx
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, tenantId), eq(subscriptions.id, id)));
  return row ?? null;
}

/** A plan new subscriptions may take: this tenant's and not archived. */
export async function offeredPlan(tx: Tx, tenantId: string, planId: string): Promise<PlanRow | null> {
  const [plan] = await tx
    .select()
    .from(plans)
    .where(and(eq(plans.tenantId, tenantId), eq(plans.id, planId), isNull(plans.archivedAt)));
  return plan ?? null;
}

export async function customerOf(tx: Tx, tenantId: string, customerId: string) {
  const [row] = await tx
    .select({ id: customers.id, name: customers.name, phoneE164: customers.phoneE164 })
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)));
  return row ?? null;
}

export async function siteOf(tx: Tx, tenantId: string, siteId: string) {
  const [row] = await tx
    .select({ id: sites.id, name: sites.name })
    .from(sites)
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)));
  return row ?? null;
}

export function sitesOf(tx: Tx, tenantId: string) {
  return tx
    .select({ id: sites.id, name: sites.name })
    .from(sites)
    .where(eq(sites.tenantId, tenantId))
    .orderBy(asc(sites.name));
}

export function offeredPlans(tx: Tx, tenantId: string) {
  return tx
    .select()
    .from(plans)
    .where(and(eq(plans.tenantId, tenantId), isNull(plans.archivedAt)))
    .orderBy(asc(plans.name));
}

const listColumns = {
  id: subscriptions.id,
  status: subscriptions.status,
  access: subscriptions.access,
  pppoeUsername: subscriptions.pppoeUsername,
  staticIp: subscriptions.staticIp,
  mac: subscriptions.mac,
  billingDay: subscriptions.billingDay,
  activatedAt: subscriptions.activatedAt,
  expiresAt: subscriptions.expiresAt,
  keepActiveUntil: subscriptions.keepActiveUntil,
  isolatedBy: subscriptions.isolatedBy,
  customerId: customers.id,
  customerName: customers.name,
  planId: plans.id,
  planName: plans.name,
  planPrice: plans.price,
  planCycle: plans.cycle,
  siteName: sites.name,
};

function joined(tx: Tx) {
  return tx
    .select(listColumns)
    .from(subscriptions)
    .innerJoin(
      customers,
      and(eq(customers.tenantId, subscriptions.tenantId), eq(customers.id, subscriptions.customerId)),
    )
    .innerJoin(plans, and(eq(plans.tenantId, subscriptions.tenantId), eq(plans.id, subscriptions.planId)))
    .innerJoin(sites, and(eq(sites.tenantId, subscriptions.tenantId), eq(sites.id, subscriptions.siteId)));
}

const PAGE_SIZE = 50;

/** Subscriptions by status and a search over username, address, MAC and the customer's name. */
export async function listSubscriptions(
  tx: Tx,
  tenantId: string,
  filters: { q: string; status: string; page: number; customerId?: string },
) {
  const conditions: SQL[] = [eq(subscriptions.tenantId, tenantId)];
  if (filters.status) conditions.push(sql`${subscriptions.status} = ${filters.status}`);
  if (filters.customerId) conditions.push(eq(subscriptions.customerId, filters.customerId));
  if (filters.q) {
    const like = `%${filters.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    conditions.push(
      or(
        ilike(subscriptions.pppoeUsername, like),
        ilike(customers.name, like),
        sql`host(${subscriptions.staticIp}) like ${like}`,
        sql`${subscriptions.mac}::text ilike ${like}`,
      ) as SQL,
    );
  }
  const rows = await joined(tx)
    .where(and(...conditions))
    .orderBy(asc(customers.name), asc(subscriptions.id))
    .limit(PAGE_SIZE + 1)
    .offset((filters.page - 1) * PAGE_SIZE);
  return { rows: rows.slice(0, PAGE_SIZE), more: rows.length > PAGE_SIZE };
}

export async function subscriptionView(tx: Tx, tenantId: string, id: string) {
  const [row] = await joined(tx).where(and(eq(subscriptions.tenantId, tenantId), eq(subscriptions.id, id)));
  return row ?? null;
}

/** The latest changes the site was asked to follow for this subscription. */
export function recentSiteChanges(tx: Tx, tenantId: string, subscriptionId: string, limit = 10) {
  return tx
    .select({
      id: siteChanges.id,
      op: siteChanges.op,
      reason: siteChanges.reason,
      payload: siteChanges.payload,
      createdAt: siteChanges.createdAt,
    })
    .from(siteChanges)
    .where(and(eq(siteChanges.tenantId, tenantId), eq(siteChanges.entityId, subscriptionId)))
    .orderBy(desc(siteChanges.id))
    .limit(limit);
}
