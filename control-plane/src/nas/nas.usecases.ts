import { and, eq, sql } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import type { Clock } from "../clock.ts";
import { type MasterSealing, tenantSecretBox } from "../crypto/tenant-keys.ts";
import type { Database, Tx } from "../db/database.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { rowsOf } from "../db/rows.ts";
import { notFound } from "../http/errors.ts";
import { recordNasChanges, recordNasRemoved } from "../sites/site-state-nas.ts";
import { findSite, type SiteRow } from "../sites/sites.repository.ts";
import { nasAddressTaken, nasNameTaken } from "./nas.errors.ts";
import { generateNasSecret, OVERLAPS, type Overlap } from "./nas.models.ts";
import {
  nasAddressTaken as addressTaken,
  findNas,
  lockNas,
  type NasRow,
  nasNameTaken as nameTaken,
} from "./nas.repository.ts";
import type { NasInput } from "./nas.schemas.ts";
import { nasDevices } from "./nas.tables.ts";
import { NAS_BOX_PURPOSE, nasSecretAad } from "./nas-secret.ts";

// A site's routers (NAS): every change is one transaction with its audit row and the site's
// desired state (sites/site-state-nas.ts), so the agent learns of it with the next revision.
// Secrets are generated here, sealed under the tenant's key with AAD bound to the row and the
// column, and never written to the audit log.

export type { NasRow } from "./nas.repository.ts";

export interface NasDeps {
  database: Database;
  clock: Clock;
  secretBox: MasterSealing["secretBox"];
}

type NasActor = Pick<Actor, "tenantId" | "userId">;

/** The columns the router's form sets, in the order the audit log lists them. */
const inputKeys = [
  "name",
  "address",
  "coaPort",
  "requireMessageAuthenticator",
  "limitProxyState",
] as const satisfies readonly (keyof NasInput)[];

export const nasInput = (row: NasRow): NasInput => ({
  name: row.name,
  address: row.address,
  coaPort: row.coaPort,
  requireMessageAuthenticator: row.requireMessageAuthenticator,
  limitProxyState: row.limitProxyState,
});

const sealing = (deps: NasDeps): MasterSealing => ({ secretBox: deps.secretBox });
const nasBox = (tx: Tx, deps: NasDeps, tenantId: string) =>
  tenantSecretBox(tx, sealing(deps), tenantId, NAS_BOX_PURPOSE);

/** The address as PostgreSQL stores and shows it, so a change and its audit compare like with like. */
async function canonicalAddress(tx: Tx, address: string): Promise<string> {
  const [row] = rowsOf<{ host: string }>(await tx.execute(sql`select host(${address}::inet) as host`));
  return row?.host ?? address;
}

/** The unique keys are the last guard against two people saving the same router at once. */
async function guardUnique<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error, "nas_devices_name_unique")) throw nasNameTaken();
    if (isUniqueViolation(error, "nas_devices_address_unique")) throw nasAddressTaken();
    throw error;
  }
}

async function refuseTaken(tx: Tx, tenantId: string, siteId: string, input: NasInput, exceptId?: string) {
  if (await nameTaken(tx, tenantId, siteId, input.name, exceptId)) throw nasNameTaken();
  if (await addressTaken(tx, tenantId, siteId, input.address, exceptId)) throw nasAddressTaken();
}

const whereNas = (tenantId: string, nasId: string) => and(eq(nasDevices.tenantId, tenantId), eq(nasDevices.id, nasId));

/** A router's page: the site and the router, or null (not this tenant's, or not at this site). */
export function getNas(
  deps: Pick<NasDeps, "database">,
  actor: Pick<Actor, "tenantId">,
  siteId: string,
  nasId: string,
): Promise<{ site: SiteRow; nas: NasRow } | null> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const site = await findSite(tx, actor.tenantId, siteId);
    const nas = site ? await findNas(tx, actor.tenantId, siteId, nasId) : null;
    return site && nas ? { site, nas } : null;
  });
}

/** The site for a new router's form, or null. */
export function getSiteForNas(
  deps: Pick<NasDeps, "database">,
  actor: Pick<Actor, "tenantId">,
  siteId: string,
): Promise<SiteRow | null> {
  return deps.database.withTenant(actor.tenantId, (tx) => findSite(tx, actor.tenantId, siteId));
}

/** Adds a router to the site with a generated secret. Returns its id. */
export function addNas(
  deps: NasDeps,
  actor: NasActor,
  siteId: string,
  input: NasInput,
  meta: RequestMeta,
): Promise<string> {
  const { tenantId } = actor;
  return guardUnique(() =>
    deps.database.withTenant(tenantId, async (tx) => {
      if (!(await findSite(tx, tenantId, siteId))) throw notFound("site");
      const values = { ...input, address: await canonicalAddress(tx, input.address) };
      await refuseTaken(tx, tenantId, siteId, values);
      const id = crypto.randomUUID();
      const box = await nasBox(tx, deps, tenantId);
      const now = deps.clock.now();
      await tx.insert(nasDevices).values({
        ...values,
        tenantId,
        id,
        siteId,
        secretSealed: box.seal(generateNasSecret(), nasSecretAad(id, "secret")),
        createdAt: now,
        updatedAt: now,
      });
      await recordNasChanges(tx, tenantId, "nas_added", sql`n.id = ${id}`);
      await audit(tx, meta, {
        tenantId,
        actorUserId: actor.userId,
        action: "nas.created",
        entityType: "nas",
        entityId: id,
        after: { siteId, ...values },
      });
      return id;
    }),
  );
}

/** Saves the router's form; only what changed is written, audited and sent. Returns the changed fields. */
export function updateNas(
  deps: NasDeps,
  actor: NasActor,
  siteId: string,
  nasId: string,
  input: NasInput,
  meta: RequestMeta,
): Promise<(keyof NasInput)[]> {
  const { tenantId } = actor;
  return guardUnique(() =>
    deps.database.withTenant(tenantId, async (tx) => {
      const row = await lockNas(tx, tenantId, siteId, nasId);
      if (!row) throw notFound("router");
      const before = nasInput(row);
      const next = { ...input, address: await canonicalAddress(tx, input.address) };
      const changed = inputKeys.filter((k) => before[k] !== next[k]);
      if (changed.length === 0) return changed;
      await refuseTaken(tx, tenantId, siteId, next, nasId);
      const set = Object.fromEntries(changed.map((k) => [k, next[k]]));
      await tx
        .update(nasDevices)
        .set({ ...set, updatedAt: deps.clock.now() })
        .where(whereNas(tenantId, nasId));
      await recordNasChanges(tx, tenantId, "nas_updated", sql`n.id = ${nasId}`);
      await audit(tx, meta, {
        tenantId,
        actorUserId: actor.userId,
        action: "nas.updated",
        entityType: "nas",
        entityId: nasId,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: set,
      });
      return changed;
    }),
  );
}

/**
 * A new secret for the router; the current one becomes the previous, still accepted for the
 * overlap, so the router keeps working until someone pastes the new one. A rotation during an
 * overlap retires the older secret at once: only the newest two are ever accepted.
 */
export function rotateNasSecret(
  deps: NasDeps,
  actor: NasActor,
  siteId: string,
  nasId: string,
  overlap: Overlap,
  meta: RequestMeta,
): Promise<Date> {
  const { tenantId } = actor;
  return deps.database.withTenant(tenantId, async (tx) => {
    const row = await lockNas(tx, tenantId, siteId, nasId);
    if (!row) throw notFound("router");
    const box = await nasBox(tx, deps, tenantId);
    const current = box.open(row.secretSealed, nasSecretAad(nasId, "secret"));
    const now = deps.clock.now();
    const validUntil = new Date(now.getTime() + OVERLAPS[overlap]);
    await tx
      .update(nasDevices)
      .set({
        secretSealed: box.seal(generateNasSecret(), nasSecretAad(nasId, "secret")),
        previousSecretSealed: box.seal(current, nasSecretAad(nasId, "previous_secret")),
        previousSecretValidUntil: validUntil,
        updatedAt: now,
      })
      .where(whereNas(tenantId, nasId));
    await recordNasChanges(tx, tenantId, "nas_updated", sql`n.id = ${nasId}`);
    // The audit helper drops any key that names a secret; the action says what happened.
    await audit(tx, meta, {
      tenantId,
      actorUserId: actor.userId,
      action: "nas.secret_rotated",
      entityType: "nas",
      entityId: nasId,
      after: { rotated: true, overlap, overlapUntil: validUntil.toISOString() },
    });
    return validUntil;
  });
}

/** The previous secret is no longer accepted, from the next revision on. False when there was none. */
export function endNasOverlap(
  deps: NasDeps,
  actor: NasActor,
  siteId: string,
  nasId: string,
  meta: RequestMeta,
): Promise<boolean> {
  const { tenantId } = actor;
  return deps.database.withTenant(tenantId, async (tx) => {
    const row = await lockNas(tx, tenantId, siteId, nasId);
    if (!row) throw notFound("router");
    if (row.previousSecretSealed === null) return false;
    await tx
      .update(nasDevices)
      .set({ previousSecretSealed: null, previousSecretValidUntil: null, updatedAt: deps.clock.now() })
      .where(whereNas(tenantId, nasId));
    await recordNasChanges(tx, tenantId, "nas_updated", sql`n.id = ${nasId}`);
    await audit(tx, meta, {
      tenantId,
      actorUserId: actor.userId,
      action: "nas.overlap_ended",
      entityType: "nas",
      entityId: nasId,
      before: { overlapUntil: row.previousSecretValidUntil?.toISOString() ?? null },
    });
    return true;
  });
}

/** Removes the router; the site's agent stops answering it with the next revision. */
export function deleteNas(
  deps: NasDeps,
  actor: NasActor,
  siteId: string,
  nasId: string,
  meta: RequestMeta,
): Promise<void> {
  const { tenantId } = actor;
  return deps.database.withTenant(tenantId, async (tx) => {
    const row = await lockNas(tx, tenantId, siteId, nasId);
    if (!row) throw notFound("router");
    await tx.delete(nasDevices).where(whereNas(tenantId, nasId));
    await recordNasRemoved(tx, tenantId, siteId, nasId);
    await audit(tx, meta, {
      tenantId,
      actorUserId: actor.userId,
      action: "nas.deleted",
      entityType: "nas",
      entityId: nasId,
      before: { siteId, ...nasInput(row) },
    });
  });
}

/** The current secret in clear, for whoever configures the router; every look is audited. */
export function revealNasSecret(
  deps: NasDeps,
  actor: NasActor,
  siteId: string,
  nasId: string,
  meta: RequestMeta,
): Promise<{ nas: NasRow; secret: string }> {
  const { tenantId } = actor;
  return deps.database.withTenant(tenantId, async (tx) => {
    const row = await lockNas(tx, tenantId, siteId, nasId);
    if (!row) throw notFound("router");
    const box = await nasBox(tx, deps, tenantId);
    const secret = box.open(row.secretSealed, nasSecretAad(nasId, "secret"));
    await audit(tx, meta, {
      tenantId,
      actorUserId: actor.userId,
      action: "nas.secret_revealed",
      entityType: "nas",
      entityId: nasId,
    });
    const { secretSealed: _s, previousSecretSealed: _p, ...nas } = row;
    return { nas, secret };
  });
}
