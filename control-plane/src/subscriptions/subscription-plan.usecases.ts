import { translator } from "@kilusi/web/i18n/i18n.ts";
import { and, eq, isNull } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import { printedDate } from "../billing/cycle-invoice.models.ts";
import type { InvoiceLineInput } from "../billing/invoice.models.ts";
import { expiresAt } from "../billing/period.models.ts";
import { periodContaining, planChangeProration } from "../billing/proration.models.ts";
import { notFound } from "../http/errors.ts";
import { invoices } from "../invoices/invoices.tables.ts";
import { type IssuedInvoice, issueOneOffInvoice } from "../invoices/one-off-invoice.ts";
import { recordSubscriberChange } from "../sites/site-changes.ts";
import { addDays, localDateOf } from "../time/zoned.ts";
import { applyTransition, prepaidPurchase, validityOf } from "./subscription-lifecycle.ts";
import { cycleMismatch, samePlan, transitionRefused, unknownPlan } from "./subscriptions.errors.ts";
import { lockSubscription, offeredPlan } from "./subscriptions.repository.ts";
import { subscriptions } from "./subscriptions.tables.ts";
import { type SubscriptionsDeps, tenantOf } from "./subscriptions.usecases.ts";

/**
 * A plan change that takes effect today. When this cycle was already invoiced at the old plan,
 * a one-off invoice settles the difference at once: the old plan's unused days come back (a
 * credit line), the new plan's remaining days are charged (proration.models.ts); a downgrade
 * whose credit is larger makes it a credit note. The network follows in the same transaction.
 */
export async function changePlan(
  deps: SubscriptionsDeps,
  actor: Actor,
  id: string,
  planId: string,
  meta: RequestMeta,
): Promise<{ invoice: IssuedInvoice | null }> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const locked = await lockSubscription(tx, actor.tenantId, id);
    if (!locked || locked.sub.status === "terminated") throw notFound("subscription");
    const { sub, plan: old } = locked;
    const next = await offeredPlan(tx, actor.tenantId, planId);
    if (!next) throw unknownPlan();
    if (next.id === old.id) throw samePlan();
    if (next.cycle !== old.cycle) throw cycleMismatch();
    const now = deps.clock.now();
    const today = localDateOf(now, actor.timeZone);

    let invoice: IssuedInvoice | null = null;
    const onNetwork = sub.status === "active" || sub.status === "isolated";
    if (onNetwork && old.cycle === "monthly") {
      const period = periodContaining(today, sub.billingDay);
      const [billed] = await tx
        .select({ id: invoices.id })
        .from(invoices)
        .where(
          and(
            eq(invoices.tenantId, actor.tenantId),
            eq(invoices.subscriptionId, sub.id),
            eq(invoices.period, period.start.slice(0, 7)),
            isNull(invoices.voidedAt),
          ),
        );
      if (billed) {
        const p = planChangeProration({
          changeDate: today,
          billingDay: sub.billingDay,
          oldPriceMinor: old.price,
          newPriceMinor: next.price,
        });
        const t = translator(actor.locale);
        const span = { days: p.remainingDays, from: printedDate(today), to: printedDate(addDays(p.period.end, -1)) };
        const lines: InvoiceLineInput[] = [];
        if (p.creditMinor > 0) {
          lines.push({
            kind: "proration",
            description: t("invoices.line.planCredit", { plan: old.name, ...span }),
            quantity: 1,
            unitPriceMinor: -p.creditMinor,
            discountMinor: 0,
            taxRateBp: old.taxRateBp,
            taxInclusive: old.taxInclusive,
          });
        }
        if (p.chargeMinor > 0) {
          lines.push({
            kind: "proration",
            description: t("invoices.line.planCharge", { plan: next.name, ...span }),
            quantity: 1,
            unitPriceMinor: p.chargeMinor,
            discountMinor: 0,
            taxRateBp: next.taxRateBp,
            taxInclusive: next.taxInclusive,
          });
        }
        if (lines.length > 0) {
          invoice = await issueOneOffInvoice(tx, {
            tenantId: actor.tenantId,
            currency: actor.currency,
            customerId: sub.customerId,
            subscriptionId: sub.id,
            today,
            lines,
            allowCredit: true,
            now,
            createdBy: actor.userId,
            memo: `plan change ${old.name} → ${next.name}`,
          });
        }
      }
    }
    await tx
      .update(subscriptions)
      .set({ planId: next.id, updatedAt: now })
      .where(and(eq(subscriptions.tenantId, actor.tenantId), eq(subscriptions.id, sub.id)));
    if (onNetwork) await recordSubscriberChange(tx, actor.tenantId, sub.id, "plan_changed");
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "subscription.plan_changed",
      entityType: "subscription",
      entityId: sub.id,
      before: { planId: old.id, plan: old.name },
      after: { planId: next.id, plan: next.name, invoice: invoice?.number ?? null, amount: invoice?.totalMinor ?? 0 },
    });
    return { invoice };
  });
}

/**
 * "Keep active until" (dunning override): no automatic isolation through that day. Asking to
 * restore now also lifts an isolation at once; without it an isolated subscriber stays so.
 */
export async function setKeepActiveUntil(
  deps: SubscriptionsDeps,
  actor: Actor,
  id: string,
  input: { until: string | null; restoreNow: boolean },
  meta: RequestMeta,
): Promise<void> {
  await deps.database.withTenant(actor.tenantId, async (tx) => {
    const locked = await lockSubscription(tx, actor.tenantId, id);
    if (!locked || locked.sub.status === "terminated") throw notFound("subscription");
    const now = deps.clock.now();
    await tx
      .update(subscriptions)
      .set({ keepActiveUntil: input.until, updatedAt: now })
      .where(and(eq(subscriptions.tenantId, actor.tenantId), eq(subscriptions.id, id)));
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "subscription.keep_active_set",
      entityType: "subscription",
      entityId: id,
      before: { keepActiveUntil: locked.sub.keepActiveUntil },
      after: { keepActiveUntil: input.until },
    });
    if (input.restoreNow && locked.sub.status === "isolated") {
      await applyTransition(
        tx,
        { sealing: { secretBox: deps.secretBox } },
        tenantOf(actor),
        { sub: { ...locked.sub, keepActiveUntil: input.until }, plan: locked.plan },
        "restore",
        { by: "staff", userId: actor.userId },
        now,
        meta,
      );
    }
  });
}

/**
 * A prepaid subscription bought again: a one-off invoice of the plan's price, and the validity
 * runs on from when the current one ends (or from now, once it has ended).
 */
export async function renewPrepaid(
  deps: SubscriptionsDeps,
  actor: Actor,
  id: string,
  meta: RequestMeta,
): Promise<{ invoice: IssuedInvoice; expiresAt: Date }> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const locked = await lockSubscription(tx, actor.tenantId, id);
    if (!locked || locked.sub.status === "terminated") throw notFound("subscription");
    const { sub, plan } = locked;
    const validity = validityOf(plan);
    if (plan.cycle !== "prepaid" || !validity || sub.status !== "active") throw transitionRefused(sub.status, "renew");
    const now = deps.clock.now();
    const from = sub.expiresAt && sub.expiresAt > now ? sub.expiresAt : now;
    const until = expiresAt(from, validity, actor.timeZone);
    const invoice = await prepaidPurchase(tx, tenantOf(actor), sub, plan, now, actor.userId, false);
    await tx
      .update(subscriptions)
      .set({ expiresAt: until, updatedAt: now })
      .where(and(eq(subscriptions.tenantId, actor.tenantId), eq(subscriptions.id, id)));
    await recordSubscriberChange(tx, actor.tenantId, id, "plan_updated");
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "subscription.renewed",
      entityType: "subscription",
      entityId: id,
      before: { expiresAt: sub.expiresAt },
      after: { expiresAt: until, invoice: invoice.number },
    });
    return { invoice, expiresAt: until };
  });
}
