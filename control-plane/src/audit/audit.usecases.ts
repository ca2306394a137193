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
