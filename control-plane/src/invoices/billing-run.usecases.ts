import { type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import { audit, type RequestMeta } from "../audit/audit.ts";
import { billingSettingsOf } from "../billing/billing-settings.usecases.ts";
import type { LineLabels } from "../billing/cycle-invoice.models.ts";
import type { Clock } from "../clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { type LocalDate, localDateOf } from "../time/zoned.ts";
import { type BillingRunResult, lockTenantBilling, runBillingSql } from "./billing-run.sql.ts";

/** What billing needs to know of a tenant; from the session (a person) or the tenants table (the job). */
export interface TenantRef {
  id: string;
  timeZone: string;
  currency: string;
  locale: "id" | "en";
}

/** Where a change made by a job, not a person, came from (audit rows name no person). */
export const jobMeta = (job: string): RequestMeta => ({ ip: null, requestId: `job:${job}`, userAgent: null });

/** The words invoice lines are written in: the ISP's language, not the reader's. */
export function lineLabels(locale: "id" | "en"): LineLabels {
  const t: Translate = translator(locale);
  return {
    installation: t("invoices.line.installation"),
    discount: t("invoices.line.discount"),
    days: t("invoices.line.days"),
  };
}

/** Bills inside the caller's transaction: every subscription due today, or only `subscriptionId`. */
export async function billInTransaction(
  tx: Tx,
  tenant: TenantRef,
  now: Date,
  actorUserId: string | null,
  subscriptionId?: string,
): Promise<BillingRunResult & { today: LocalDate }> {
  const today = localDateOf(now, tenant.timeZone);
  await lockTenantBilling(tx, tenant.id);
  const settings = await billingSettingsOf(tx, tenant.id);
  const result = await runBillingSql(tx, {
    tenantId: tenant.id,
    today,
    timeZone: tenant.timeZone,
    dueDays: settings.invoiceDueDays,
    prefix: settings.invoicePrefix,
    currency: tenant.currency,
    labels: lineLabels(tenant.locale),
    actorUserId,
    now,
    ...(subscriptionId ? { subscriptionId } : {}),
  });
  return { ...result, today };
}

/**
 * The monthly billing run of one tenant: what the job does every few minutes and "run billing
 * now" does on request. Idempotent and safe to run on every replica at once (one advisory lock
 * per tenant; the second run finds nothing left). A run that issued something is audited.
 */
export async function runBilling(
  deps: { database: Database; clock: Clock },
  tenant: TenantRef,
  actorUserId: string | null,
  meta: RequestMeta,
) {
  return deps.database.withTenant(tenant.id, async (tx) => {
    const result = await billInTransaction(tx, tenant, deps.clock.now(), actorUserId);
    if (result.created > 0) {
      await audit(tx, meta, {
        tenantId: tenant.id,
        actorUserId,
        action: "billing.run",
        entityType: "tenant",
        entityId: tenant.id,
        after: {
          today: result.today,
          invoices: result.created,
          first: result.firstNumber,
          last: result.lastNumber,
          total: result.totalMinor,
        },
      });
    }
    return result;
  });
}
