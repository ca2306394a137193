import { and, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { users } from "../accounts/accounts.tables.ts";
import type { Database } from "../db/database.ts";
import { memberships } from "../tenants/tenants.tables.ts";
import { auditLog } from "./audit.tables.ts";

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilter {
  /** Matches actions that start with it: "member." finds every change to members. */
  action?: string;
  actorId?: string;
  /** Inclusive start, exclusive end, already converted from the tenant's calendar days. */
  from?: Date;
  to?: Date;
  /** Keyset pagination: rows with a smaller id than this (the last one of the previous page). */
  before?: number;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  ip: string | null;
  requestId: string | null;
  before: unknown;
  after: unknown;
}

/**
 * One page of the tenant's audit log, newest first. Row-level security limits it to the tenant
 * (its rows only, none of the sign-ins outside any tenant); the id keyset keeps deep pages cheap
 * and stable while new rows arrive.
 */
export async function listAudit(database: Database, tenantId: string, filter: AuditFilter) {
  const where: SQL[] = [eq(auditLog.tenantId, tenantId)];
  if (filter.action) where.push(sql`starts_with(${auditLog.action}, ${filter.action})`);
  if (filter.actorId) where.push(eq(auditLog.actorUserId, filter.actorId));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lt(auditLog.at, filter.to));
  if (filter.before !== undefined) where.push(lt(auditLog.id, filter.before));
  return database.withTenant(tenantId, async (tx) => {
    const rows = await tx
      .select({
        id: auditLog.id,
        at: auditLog.at,
        actorName: users.name,
        action: auditLog.action,
        entityType: auditLog.entityType,
        entityId: auditLog.entityId,
        ip: auditLog.ip,
        requestId: auditLog.requestId,
        before: auditLog.before,
        after: auditLog.after,
      })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(and(...where))
      .orderBy(desc(auditLog.id))
      .limit(AUDIT_PAGE_SIZE + 1);
    const more = rows.length > AUDIT_PAGE_SIZE;
    const page: AuditEntry[] = rows.slice(0, AUDIT_PAGE_SIZE);
    return { entries: page, nextBefore: more ? (page.at(-1)?.id ?? null) : null };
  });
}

/** The people of the tenant, for the "who" filter. */
export function listAuditActors(database: Database, tenantId: string) {
  return database.withTenant(tenantId, (tx) =>
    tx
      .select({ id: users.id, name: users.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.tenantId, tenantId))
      .orderBy(users.name),
  );
}

/** Milliseconds the zone is ahead of UTC at that instant. */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - utcMs;
}

/**
 * Midnight at the start of a calendar day (`YYYY-MM-DD`) in a time zone, as a UTC instant; null
 * for a day that does not exist. The second pass corrects for a zone whose offset changes that day.
 */
export function startOfDayIn(day: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const guess = Date.UTC(y, m - 1, d);
  const check = new Date(guess);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  let at = guess - zoneOffsetMs(guess, timeZone);
  at = guess - zoneOffsetMs(at, timeZone);
  return new Date(at);
}

/** The calendar day after `day` (`YYYY-MM-DD`), for an inclusive "to" day. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}
