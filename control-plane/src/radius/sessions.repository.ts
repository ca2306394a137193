import { and, asc, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { nasDevices } from "../nas/nas.tables.ts";
import { sites } from "../sites/sites.tables.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";
import { siteCommands } from "../sync/commands.tables.ts";
import { radiusSessions } from "./radius.tables.ts";
import type { SessionListQuery } from "./sessions.schemas.ts";

export const SESSIONS_PAGE = 50;

export interface SessionRow {
  id: string;
  siteId: string;
  siteName: string | null;
  nasId: string;
  nasName: string | null;
  acctSessionId: string;
  userName: string | null;
  /** Set only when the subscription is there to link to. */
  subscriptionId: string | null;
  voucherCode: string | null;
  framedIp: string | null;
  callingStationId: string | null;
  status: "online" | "stopped" | "stale";
  startedAt: Date;
  lastUpdateAt: Date;
  stoppedAt: Date | null;
  sessionTime: number;
  inputOctets: number;
  outputOctets: number;
  terminateCause: string | null;
}

const columns = {
  id: radiusSessions.id,
  siteId: radiusSessions.siteId,
  siteName: sites.name,
  nasId: radiusSessions.nasId,
  nasName: nasDevices.name,
  acctSessionId: radiusSessions.acctSessionId,
  userName: radiusSessions.userName,
  subscriptionId: subscriptions.id,
  voucherCode: radiusSessions.voucherCode,
  framedIp: sql<string | null>`host(${radiusSessions.framedIp})`,
  callingStationId: radiusSessions.callingStationId,
  status: radiusSessions.status,
  startedAt: radiusSessions.startedAt,
  lastUpdateAt: radiusSessions.lastUpdateAt,
  stoppedAt: radiusSessions.stoppedAt,
  sessionTime: radiusSessions.sessionTime,
  inputOctets: radiusSessions.inputOctets,
  outputOctets: radiusSessions.outputOctets,
  terminateCause: radiusSessions.terminateCause,
};

const like = (term: string) => `%${term.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

function sessionsQuery(tx: Tx, tenantId: string, where: SQL | undefined) {
  return tx
    .select(columns)
    .from(radiusSessions)
    .leftJoin(sites, and(eq(sites.tenantId, radiusSessions.tenantId), eq(sites.id, radiusSessions.siteId)))
    .leftJoin(
      nasDevices,
      and(eq(nasDevices.tenantId, radiusSessions.tenantId), eq(nasDevices.id, radiusSessions.nasId)),
    )
    .leftJoin(
      subscriptions,
      and(eq(subscriptions.tenantId, radiusSessions.tenantId), eq(subscriptions.id, radiusSessions.subscriptionId)),
    )
    .where(and(eq(radiusSessions.tenantId, tenantId), where));
}

/** One page of sessions by the list's filters, and whether there is another. */
export async function listSessions(
  tx: Tx,
  tenantId: string,
  q: SessionListQuery,
): Promise<{ rows: SessionRow[]; more: boolean }> {
  const conditions: SQL[] = [];
  if (q.status !== "all") conditions.push(eq(radiusSessions.status, q.status));
  if (q.site) conditions.push(eq(radiusSessions.siteId, q.site));
  if (q.q) {
    const term = like(q.q);
    conditions.push(
      or(
        ilike(radiusSessions.userName, term),
        ilike(radiusSessions.callingStationId, term),
        sql`host(${radiusSessions.framedIp}) like ${term}`,
        ilike(radiusSessions.acctSessionId, term),
      ) as SQL,
    );
  }
  const order =
    q.sort === "usage"
      ? [desc(sql`${radiusSessions.inputOctets} + ${radiusSessions.outputOctets}`), desc(radiusSessions.startedAt)]
      : q.sort === "user"
        ? [sql`${radiusSessions.userName} asc nulls last`, desc(radiusSessions.startedAt)]
        : [desc(radiusSessions.startedAt)];
  const rows = await sessionsQuery(tx, tenantId, and(...conditions))
    .orderBy(...order, asc(radiusSessions.id))
    .limit(SESSIONS_PAGE + 1)
    .offset((q.page - 1) * SESSIONS_PAGE);
  return { rows: rows.slice(0, SESSIONS_PAGE), more: rows.length > SESSIONS_PAGE };
}

/** One session of the tenant, or null. */
export async function sessionById(tx: Tx, tenantId: string, id: string): Promise<SessionRow | null> {
  const [row] = await sessionsQuery(tx, tenantId, eq(radiusSessions.id, id));
  return row ?? null;
}

/** The newest sessions of one subscription. */
export function subscriptionSessions(tx: Tx, tenantId: string, subscriptionId: string, limit = 20) {
  return sessionsQuery(tx, tenantId, eq(radiusSessions.subscriptionId, subscriptionId))
    .orderBy(desc(radiusSessions.startedAt), asc(radiusSessions.id))
    .limit(limit);
}

/** The sites, for the filter. */
export function siteOptions(tx: Tx, tenantId: string) {
  return tx
    .select({ id: sites.id, name: sites.name })
    .from(sites)
    .where(eq(sites.tenantId, tenantId))
    .orderBy(asc(sites.name));
}

export interface KickCommandRow {
  id: string;
  createdAt: Date;
  notAfter: Date;
  completedAt: Date | null;
  ok: boolean | null;
  result: unknown;
  error: unknown;
  args: unknown;
}

/** A kick command of the tenant, for its polled status; null for anything else. */
export async function kickCommand(tx: Tx, tenantId: string, cmdId: string): Promise<KickCommandRow | null> {
  const [row] = await tx
    .select({
      id: siteCommands.id,
      createdAt: siteCommands.createdAt,
      notAfter: siteCommands.notAfter,
      completedAt: siteCommands.completedAt,
      ok: siteCommands.ok,
      result: siteCommands.result,
      error: siteCommands.error,
      args: siteCommands.args,
    })
    .from(siteCommands)
    .where(and(eq(siteCommands.tenantId, tenantId), eq(siteCommands.id, cmdId), eq(siteCommands.name, "kick")));
  return row ?? null;
}
