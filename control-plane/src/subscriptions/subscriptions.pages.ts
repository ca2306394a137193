import type { SubscriptionFormValues } from "@kilusi/web/pages/subscriptions/subscription-form.tsx";
import type { SubscriptionPageProps } from "@kilusi/web/pages/subscriptions/subscription-page.tsx";
import { and, asc, eq, ilike, or } from "drizzle-orm";
import type { Actor } from "../auth/actor.ts";
import { allowedEvents } from "../billing/subscription.models.ts";
import { customers } from "../customers/customers.tables.ts";
import type { Database } from "../db/database.ts";
import {
  customerOf,
  listSubscriptions,
  offeredPlans,
  recentSiteChanges,
  sitesOf,
  subscriptionRowOf,
  subscriptionView,
} from "./subscriptions.repository.ts";

// What the subscription pages show, read in one tenant transaction each: the routes stay thin.

const planOption = (p: { id: string; name: string; price: number; cycle: "monthly" | "prepaid" }) => ({
  id: p.id,
  name: p.name,
  priceMinor: p.price,
  cycle: p.cycle,
});

export async function listData(
  deps: { database: Database },
  actor: Actor,
  filters: { q: string; status: string; page: number; customerId?: string },
) {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const { rows, more } = await listSubscriptions(tx, actor.tenantId, filters);
    return {
      more,
      rows: rows.map((r) => ({
        id: r.id,
        status: r.status,
        access: r.access,
        pppoeUsername: r.pppoeUsername,
        staticIp: r.staticIp,
        mac: r.mac,
        customerId: r.customerId,
        customerName: r.customerName,
        planName: r.planName,
        siteName: r.siteName,
      })),
    };
  });
}

/** The new-subscription form: the customer (or a search for one), offered plans, sites. */
export async function newFormData(
  deps: { database: Database },
  actor: Actor,
  customerId: string | undefined,
  q: string,
) {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const customer = customerId ? await customerOf(tx, actor.tenantId, customerId) : null;
    const term = q.trim().slice(0, 100);
    const like = `%${term.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    const results =
      !customer && term
        ? await tx
            .select({ id: customers.id, name: customers.name, phone: customers.phoneE164 })
            .from(customers)
            .where(
              and(
                eq(customers.tenantId, actor.tenantId),
                or(
                  ilike(customers.name, like),
                  ilike(customers.phoneE164, `%${term.replace(/\D/g, "").replace(/^0/, "")}%`),
                ),
              ),
            )
            .orderBy(asc(customers.name))
            .limit(20)
        : [];
    return {
      customer: customer ? { id: customer.id, name: customer.name } : null,
      customerSearch: { q: term, results },
      plans: (await offeredPlans(tx, actor.tenantId)).map(planOption),
      sites: await sitesOf(tx, actor.tenantId),
    };
  });
}

/** Everything the subscription page shows, or null when it is not this tenant's. */
export async function detailData(
  deps: { database: Database },
  actor: Actor,
  id: string,
): Promise<Omit<SubscriptionPageProps, "frame" | "currency" | "timeZone" | "can"> | null> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const view = await subscriptionView(tx, actor.tenantId, id);
    const sub = view ? await subscriptionRowOf(tx, actor.tenantId, id) : null;
    if (!view || !sub) return null;
    const plans = (await offeredPlans(tx, actor.tenantId))
      .filter((p) => p.cycle === view.planCycle && p.id !== view.planId)
      .map(planOption);
    const changes = await recentSiteChanges(tx, actor.tenantId, id);
    const values: SubscriptionFormValues = {
      siteId: sub.siteId,
      access: sub.access,
      pppoeUsername: sub.pppoeUsername ?? "",
      staticIp: sub.staticIp ?? "",
      mac: sub.mac ?? "",
      billingDay: String(sub.billingDay),
      monthlyDiscount: sub.monthlyDiscount > 0 ? String(sub.monthlyDiscount) : "",
    };
    return {
      sub: {
        id: sub.id,
        status: sub.status,
        access: sub.access,
        pppoeUsername: sub.pppoeUsername,
        staticIp: sub.staticIp,
        mac: sub.mac,
        billingDay: sub.billingDay,
        activatedAt: sub.activatedAt,
        expiresAt: sub.expiresAt,
        keepActiveUntil: sub.keepActiveUntil,
        isolatedBy: sub.isolatedBy,
        monthlyDiscountMinor: sub.monthlyDiscount,
        customerId: view.customerId,
        customerName: view.customerName,
        planId: view.planId,
        planName: view.planName,
        planPriceMinor: view.planPrice,
        planCycle: view.planCycle,
        siteName: view.siteName,
      },
      events: allowedEvents(sub.status),
      plans,
      sites: await sitesOf(tx, actor.tenantId),
      edit: { values, errors: {} },
      changes: changes.map((c) => {
        const state = (c.payload ?? {}) as { status?: string };
        return { id: c.id, reason: c.reason ?? c.op, status: state.status ?? "", at: c.createdAt };
      }),
    };
  });
}
