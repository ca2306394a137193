import { and, asc, eq, ne, type SQL, sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { nasDevices } from "./nas.tables.ts";

/** A router as the pages show it: never its secrets, sealed or not. */
export interface NasRow {
  id: string;
  siteId: string;
  name: string;
  /** Host text (PostgreSQL's `host()`): no prefix, IPv6 compressed. */
  address: string;
  coaPort: number;
  requireMessageAuthenticator: boolean;
  limitProxyState: boolean;
  /** Until when the rotated-out secret is still accepted; null when there is none. */
  previousSecretValidUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const shown = {
  id: nasDevices.id,
  siteId: nasDevices.siteId,
  name: nasDevices.name,
  address: sql<string>`host(${nasDevices.address})`,
  coaPort: nasDevices.coaPort,
  requireMessageAuthenticator: nasDevices.requireMessageAuthenticator,
  limitProxyState: nasDevices.limitProxyState,
  previousSecretValidUntil: nasDevices.previousSecretValidUntil,
  createdAt: nasDevices.createdAt,
  updatedAt: nasDevices.updatedAt,
};

const byId = (tenantId: string, siteId: string, nasId: string) =>
  and(eq(nasDevices.tenantId, tenantId), eq(nasDevices.siteId, siteId), eq(nasDevices.id, nasId));

/** The site's routers, by name. */
export function listSiteNas(tx: Tx, tenantId: string, siteId: string): Promise<NasRow[]> {
  return tx
    .select(shown)
    .from(nasDevices)
    .where(and(eq(nasDevices.tenantId, tenantId), eq(nasDevices.siteId, siteId)))
    .orderBy(asc(sql`lower(${nasDevices.name})`), asc(nasDevices.id));
}

/** One router of the site, or null (another site's or another tenant's is simply not there). */
export async function findNas(tx: Tx, tenantId: string, siteId: string, nasId: string): Promise<NasRow | null> {
  const [row] = await tx
    .select(shown)
    .from(nasDevices)
    .where(byId(tenantId, siteId, nasId));
  return row ?? null;
}

/** The router with its sealed secrets, locked for the change that follows. */
export async function lockNas(tx: Tx, tenantId: string, siteId: string, nasId: string) {
  const [row] = await tx
    .select({
      ...shown,
      secretSealed: nasDevices.secretSealed,
      previousSecretSealed: nasDevices.previousSecretSealed,
    })
    .from(nasDevices)
    .where(byId(tenantId, siteId, nasId))
    .for("update");
  return row ?? null;
}

/** Whether another router of the site (not `exceptId`) matches `condition`. */
async function taken(tx: Tx, tenantId: string, siteId: string, condition: SQL, exceptId?: string) {
  const conditions = [eq(nasDevices.tenantId, tenantId), eq(nasDevices.siteId, siteId), condition];
  if (exceptId) conditions.push(ne(nasDevices.id, exceptId));
  const [row] = await tx
    .select({ id: nasDevices.id })
    .from(nasDevices)
    .where(and(...conditions))
    .limit(1);
  return row !== undefined;
}

/** The name in any case: "Mikrotik-1" and "mikrotik-1" would be the same router to a person. */
export const nasNameTaken = (tx: Tx, tenantId: string, siteId: string, name: string, exceptId?: string) =>
  taken(tx, tenantId, siteId, sql`lower(${nasDevices.name}) = lower(${name})`, exceptId);

/** As an address, so "2001:db8::1" and "2001:DB8:0::1" are the same. */
export const nasAddressTaken = (tx: Tx, tenantId: string, siteId: string, address: string, exceptId?: string) =>
  taken(tx, tenantId, siteId, sql`${nasDevices.address} = ${address}::inet`, exceptId);
