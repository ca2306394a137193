import { translator } from "@kilusi/web/i18n/i18n.ts";
import { and, eq } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import { expiresAt, type Validity } from "../billing/period.models.ts";
import { type SubscriptionEvent, transition } from "../billing/subscription.models.ts";
import type { Tx } from "../db/database.ts";
import { billInTransaction, lineLabels, type TenantRef } from "../invoices/billing-run.usecases.ts";
import { issueOneOffInvoice } from "../invoices/one-off-invoice.ts";
import { enqueueNotification, type Sealing } from "../notifications/outbox.ts";
import { recordSubscriberChange, type SiteChangeReason } from "../sites/site-changes.ts";
import { localDateOf } from "../time/zoned.ts";
import { transitionRefused } from "./subscriptions.errors.ts";
import type { PlanRow, SubscriptionRow } from "./subscriptions.repository.ts";
import { customerOf } from "./subscriptions.repository.ts";
import { subscriptions } from "./subscriptions.tables.ts";

const REASONS: Record<SubscriptionEvent, SiteChangeReason> = {
  activate: "activated",
  isolate: "isolated",
  restore: "restored",
  suspend: "suspended",
  resume: "resumed",
  terminate: "terminated",
};

/** Who changes a subscription's state; dunning acts for nobody, and only dunning restores what it isolated. */
export type TransitionCause = { by: "staff"; userId: string } | { by: "dunning" };

export interface TransitionOutcome {
  from: SubscriptionRow["status"];
  to: SubscriptionRow["status"];
  /** A first invoice issued by the activation. */
  invoiceNumbers: string[];
}

export function validityOf(plan: PlanRow): Validity | null {
  if (plan.validityHours) return { hours: plan.validityHours };
  if (plan.validityDays) return { days: plan.validityDays };
  return null;
}

/**
 * One state change of a locked subscription, in the caller's transaction, through the state
 * machine only: the new state, its timestamps, the site change the network must follow (same
 * transaction: the outbox), a WhatsApp message to the subscriber on isolation and restoration,
 * the audit row, and on activation the first invoice (monthly: the prorated rest of the cycle
 * with the installation fee; prepaid: the purchase, and the validity starts now).
 */
export async function applyTransition(
  tx: Tx,
  deps: { sealing: Sealing },
  tenant: TenantRef,
  locked: { sub: SubscriptionRow; plan: PlanRow },
  event: SubscriptionEvent,
  cause: TransitionCause,
  now: Date,
  meta: RequestMeta,
): Promise<TransitionOutcome> {
  const { sub, plan } = locked;
  const step = transition(sub.status, event);
  if (!step.ok) throw transitionRefused(sub.status, event);
  const changes: Partial<typeof subscriptions.$inferInsert> = { status: step.to, updatedAt: now };
  if (event === "activate") changes.activatedAt = now;
  if (event === "terminate") changes.terminatedAt = now;
  changes.isolatedBy = step.to === "isolated" ? cause.by : null;
  const validity = validityOf(plan);
  if (event === "activate" && plan.cycle === "prepaid" && validity) {
    changes.expiresAt = expiresAt(now, validity, tenant.timeZone);
  }
  await tx
    .update(subscriptions)
    .set(changes)
    .where(and(eq(subscriptions.tenantId, tenant.id), eq(subscriptions.id, sub.id)));
  if (step.site) await recordSubscriberChange(tx, tenant.id, sub.id, REASONS[event]);

  const invoiceNumbers: string[] = [];
  const actorUserId = cause.by === "staff" ? cause.userId : null;
  if (event === "activate") {
    if (plan.cycle === "monthly") {
      const billed = await billInTransaction(tx, tenant, now, actorUserId, sub.id);
      if (billed.firstNumber) invoiceNumbers.push(billed.firstNumber);
    } else {
      invoiceNumbers.push((await prepaidPurchase(tx, tenant, sub, plan, now, actorUserId, true)).number);
    }
  }
  if (event === "isolate" || event === "restore") {
    const customer = await customerOf(tx, tenant.id, sub.customerId);
    if (customer?.phoneE164) {
      await enqueueNotification(tx, deps.sealing, {
        tenantId: tenant.id,
        recipient: customer.phoneE164,
        template: event === "isolate" ? "subscription_isolated" : "subscription_restored",
        params: { customer: customer.name, username: sub.pppoeUsername ?? "", plan: plan.name },
      });
    }
  }
  await audit(tx, meta, {
    tenantId: tenant.id,
    actorUserId,
    action: `subscription.${REASONS[event]}`,
    entityType: "subscription",
    entityId: sub.id,
    before: { status: sub.status },
    after: { status: step.to, by: cause.by, ...(invoiceNumbers.length > 0 ? { invoices: invoiceNumbers } : {}) },
  });
  return { from: sub.status, to: step.to, invoiceNumbers };
}

/** A prepaid plan bought once more (or at activation): a one-off invoice of its price. */
export async function prepaidPurchase(
  tx: Tx,
  tenant: TenantRef,
  sub: SubscriptionRow,
  plan: PlanRow,
  now: Date,
  actorUserId: string | null,
  first: boolean,
) {
  const t = translator(tenant.locale);
  const validity = validityOf(plan);
  const validityText = validity
    ? "hours" in validity
      ? `${validity.hours} ${t("invoices.line.hours")}`
      : `${validity.days} ${t("invoices.line.days")}`
    : "";
  const tax = { taxRateBp: plan.taxRateBp, taxInclusive: plan.taxInclusive, quantity: 1, discountMinor: 0 };
  return issueOneOffInvoice(tx, {
    tenantId: tenant.id,
    currency: tenant.currency,
    customerId: sub.customerId,
    subscriptionId: sub.id,
    today: localDateOf(now, tenant.timeZone),
    lines: [
      {
        kind: "plan",
        description: t("invoices.line.prepaid", { plan: plan.name, validity: validityText }),
        unitPriceMinor: plan.price,
        ...tax,
      },
      ...(first && plan.installationFee > 0
        ? [
            {
              kind: "installation" as const,
              description: lineLabels(tenant.locale).installation,
              unitPriceMinor: plan.installationFee,
              ...tax,
            },
          ]
        : []),
    ],
    allowCredit: false,
    now,
    createdBy: actorUserId,
    memo: `prepaid ${plan.name}`,
  });
}
