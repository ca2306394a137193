import type { ReportsOverview, UnpaidInvoice } from "@kilusi/web/pages/reports/report-data.ts";
import type { Actor } from "../auth/actor.ts";
import type { Clock } from "../clock.ts";
import type { Database } from "../db/database.ts";
import { daysBetween, localDateOf } from "../time/zoned.ts";
import {
  agingBucketOf,
  changeBp,
  collectionRateBp,
  monthBoundaries,
  monthOf,
  monthsEnding,
  mrrOf,
  receivablesOf,
} from "./reports.models.ts";
import {
  chargeGroups,
  collectedByMonth,
  invoiceFigures,
  openInvoices,
  subscriberCounts,
} from "./reports.repository.ts";

export interface ReportsDeps {
  database: Database;
  clock: Clock;
}

/** The dashboard shows half a year; the reports page a year. */
export const DASHBOARD_MONTHS = 6;
export const REPORT_MONTHS = 12;

/**
 * Every headline figure and the last `monthCount` local months of the tenant, as of now in its
 * zone: four grouped statements in one transaction, whatever the number of subscriptions.
 */
export async function reportsOverview(deps: ReportsDeps, actor: Actor, monthCount: number): Promise<ReportsOverview> {
  const today = localDateOf(deps.clock.now(), actor.timeZone);
  const months = monthsEnding(monthOf(today), monthCount);
  const bounds = monthBoundaries(months, actor.timeZone);
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const groups = await chargeGroups(tx, actor.tenantId);
    const subscribers = await subscriberCounts(tx, actor.tenantId, bounds);
    const collected = await collectedByMonth(tx, actor.tenantId, bounds);
    const invoices = await invoiceFigures(tx, actor.tenantId, `${months[0]}-01`);
    const receivables = receivablesOf(invoices.open, today);
    const collectedNow = collected.at(-1) ?? 0;
    const collectedBefore = collected.at(-2) ?? 0;
    return {
      currency: actor.currency,
      timeZone: actor.timeZone,
      today,
      mrrMinor: mrrOf(groups),
      collectedChangeBp: changeBp(collectedNow, collectedBefore),
      activeCount: (subscribers.byStatus.active ?? 0) + (subscribers.byStatus.isolated ?? 0),
      isolatedCount: subscribers.byStatus.isolated ?? 0,
      ...receivables,
      months: months.map((month, i) => {
        const issued = invoices.issued.get(month) ?? { count: 0, totalMinor: 0, paidMinor: 0 };
        return {
          month,
          invoicedMinor: issued.totalMinor,
          invoicedCount: issued.count,
          paidOfInvoicedMinor: issued.paidMinor,
          collectionRateBp: collectionRateBp(issued.paidMinor, issued.totalMinor),
          collectedMinor: collected[i] ?? 0,
          newCount: subscribers.activated[i] ?? 0,
          churnedCount: subscribers.terminated[i] ?? 0,
        };
      }),
    };
  });
}

/** Every invoice with something open, oldest due first, with how late it is. */
export async function unpaidInvoices(
  deps: ReportsDeps,
  actor: Actor,
): Promise<{ today: string; rows: UnpaidInvoice[] }> {
  const today = localDateOf(deps.clock.now(), actor.timeZone);
  const open = await deps.database.withTenant(actor.tenantId, (tx) => openInvoices(tx, actor.tenantId));
  const rows = open.map((r) => {
    const days = daysBetween(r.dueOn, today);
    return { ...r, daysPastDue: Math.max(days, 0), bucket: agingBucketOf(days) };
  });
  return { today, rows };
}
