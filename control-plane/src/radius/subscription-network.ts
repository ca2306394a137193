import { and, desc, eq, sql } from "drizzle-orm";
import type { Actor } from "../auth/actor.ts";
import type { Database, Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { siteChanges } from "../sites/sites.tables.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";
import { addDays, localDateOf, startOfDayIn } from "../time/zoned.ts";
import {
  changeToEnforce,
  type DayUsage,
  type EnforcementEvent,
  lastDays,
  type SubscriberChange,
  usageSeries,
} from "./radius.models.ts";
import { enforcementEvents } from "./radius.tables.ts";
import { type SessionRow, subscriptionSessions } from "./sessions.repository.ts";

export const USAGE_DAYS = 30;

export interface SubscriptionNetwork {
  subscriptionId: string;
  status: string;
  event: EnforcementEvent | null;
  change: SubscriberChange | null;
  sessions: SessionRow[];
  usage: DayUsage[];
}

async function newestOutcome(tx: Tx, tenantId: string, subscriptionId: string): Promise<EnforcementEvent | null> {
  const [row] = await tx
    .select({
      siteId: enforcementEvents.siteId,
      revision: enforcementEvents.revision,
      reason: enforcementEvents.reason,
      action: enforcementEvents.action,
      outcome: enforcementEvents.outcome,
      attempts: enforcementEvents.attempts,
      errorCause: enforcementEvents.errorCause,
      errorCauseName: enforcementEvents.errorCauseName,
      detail: enforcementEvents.detail,
      completedAt: enforcementEvents.completedAt,
    })
    .from(enforcementEvents)
    .where(and(eq(enforcementEvents.tenantId, tenantId), eq(enforcementEvents.subscriptionId, subscriptionId)))
    .orderBy(desc(enforcementEvents.completedAt), desc(enforcementEvents.id))
    .limit(1);
  return (row as EnforcementEvent | undefined) ?? null;
}

async function subscriberChanges(tx: Tx, tenantId: string, subscriptionId: string): Promise<SubscriberChange[]> {
  const rows = await tx
    .select({
      siteId: siteChanges.siteId,
      revision: siteChanges.revision,
      op: siteChanges.op,
      reason: siteChanges.reason,
      createdAt: siteChanges.createdAt,
    })
    .from(siteChanges)
    .where(
      and(
        eq(siteChanges.tenantId, tenantId),
        eq(siteChanges.kind, "subscriber"),
        eq(siteChanges.entityId, subscriptionId),
      ),
    )
    .orderBy(desc(siteChanges.id))
    .limit(20);
  return rows as SubscriberChange[];
}

/**
 * Download and upload per day of the tenant's zone, from the accounting requests: each request's
 * growth over the highest count its session reported before it (a session begun before the
 * window starts from what it had reported by then), so a session of weeks is spread over its days
 * and a retransmit or an out-of-order interim adds nothing. Each Start begins a new count (a NAS
 * reuses session ids after a reboot). Download is what the NAS sent to the subscriber
 * (Acct-Output-Octets).
 */
async function dailyUsage(tx: Tx, tenantId: string, subscriptionId: string, from: Date, timeZone: string) {
  const rows = rowsOf<{ day: string; download: number | string; upload: number | string }>(
    await tx.execute(sql`
      with keys as (
        select distinct site_id, nas_id, session_id from radius_accounting
        where tenant_id = ${tenantId} and subscription_id = ${subscriptionId} and event_at >= ${from.toISOString()}
          and session_id is not null
      ),
      requests as (
        select a.site_id, a.nas_id, a.session_id, a.event_at, a.seq, a.input_octets, a.output_octets,
          count(*) filter (where a.status_type = 'Start')
            over (partition by a.site_id, a.nas_id, a.session_id order by a.event_at, a.seq) as generation
        from radius_accounting a
        join keys k on k.site_id = a.site_id and k.nas_id = a.nas_id and k.session_id = a.session_id
        where a.tenant_id = ${tenantId}
      ),
      growth as (
        select event_at,
          greatest(input_octets - coalesce(max(input_octets) over earlier, 0), 0) as upload,
          greatest(output_octets - coalesce(max(output_octets) over earlier, 0), 0) as download
        from requests
        window earlier as (partition by site_id, nas_id, session_id, generation order by event_at, seq
                           rows between unbounded preceding and 1 preceding)
      )
      select to_char((event_at at time zone ${timeZone})::date, 'YYYY-MM-DD') as day,
             sum(download)::float8 as download, sum(upload)::float8 as upload
      from growth where event_at >= ${from.toISOString()}
      group by 1`),
  );
  return rows.map((r) => ({ day: r.day, download: Number(r.download), upload: Number(r.upload) }));
}

/** What the subscription page shows of the network, or null when it is not the tenant's. */
export function subscriptionNetwork(
  deps: { database: Database; clock: { now(): Date } },
  actor: Pick<Actor, "tenantId" | "timeZone">,
  subscriptionId: string,
  withHistory = true,
): Promise<SubscriptionNetwork | null> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const [sub] = await tx
      .select({ id: subscriptions.id, status: subscriptions.status })
      .from(subscriptions)
      .where(and(eq(subscriptions.tenantId, actor.tenantId), eq(subscriptions.id, subscriptionId)));
    if (!sub) return null;
    const event = await newestOutcome(tx, actor.tenantId, sub.id);
    const change = changeToEnforce(await subscriberChanges(tx, actor.tenantId, sub.id));
    if (!withHistory) return { subscriptionId: sub.id, status: sub.status, event, change, sessions: [], usage: [] };
    const today = localDateOf(deps.clock.now(), actor.timeZone);
    const days = lastDays(today, USAGE_DAYS);
    const from = startOfDayIn(addDays(today, 1 - USAGE_DAYS), actor.timeZone) ?? new Date(0);
    return {
      subscriptionId: sub.id,
      status: sub.status,
      event,
      change,
      sessions: await subscriptionSessions(tx, actor.tenantId, sub.id),
      usage: usageSeries(days, await dailyUsage(tx, actor.tenantId, sub.id, from, actor.timeZone)),
    };
  });
}
