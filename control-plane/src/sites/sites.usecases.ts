import { and, eq, sql } from "drizzle-orm";
import { noAgent } from "../agents/enrollment.usecases.ts";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import type { Clock } from "../clock.ts";
import type { Database } from "../db/database.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { notFound } from "../http/errors.ts";
import { listSiteNas, type NasRow } from "../nas/nas.repository.ts";
import { nasDevices } from "../nas/nas.tables.ts";
import { type CommandSender, requestCommand } from "../sync/commands.usecases.ts";
import { recordPolicyChanges } from "./site-state-policy.ts";
import { type SiteUsage, siteInUse, siteNameTaken } from "./sites.errors.ts";
import {
  findSite,
  hasActiveAgent,
  isSiteUsed,
  listSitesWithStatus,
  siteNameTaken as nameTaken,
  recentChanges,
  recentCommands,
  recentEvents,
  type SiteCommandRow,
  type SiteRow,
  type SiteStatus,
  siteStatus,
  siteUsage,
} from "./sites.repository.ts";
import type { SiteInput } from "./sites.schemas.ts";
import { sites } from "./sites.tables.ts";

export type { SiteUsage } from "./sites.errors.ts";
export type { AgentStatus, SiteCommandRow, SiteRow, SiteStatus } from "./sites.repository.ts";

export interface SitesDeps {
  database: Database;
  clock: Clock;
}

type SitesActor = Pick<Actor, "tenantId" | "userId">;

/** The columns the site's form sets, in the order the audit log lists them. */
const inputKeys = ["name", "location", "timeZone", "hotspotLoginUrl"] as const satisfies readonly (keyof SiteInput)[];

export const siteInput = (row: SiteRow): SiteInput => ({
  name: row.name,
  location: row.location,
  timeZone: row.timeZone,
  hotspotLoginUrl: row.hotspotLoginUrl,
});

/** The sites page and its polled status column: every site with its agent, one query. */
export function listSites(deps: Pick<SitesDeps, "database">, actor: Pick<Actor, "tenantId">) {
  return deps.database.withTenant(actor.tenantId, (tx) => listSitesWithStatus(tx, actor.tenantId));
}

/** The polled status block of one site, or null (another tenant's site is simply not there). */
export function getSiteStatus(
  deps: Pick<SitesDeps, "database">,
  actor: Pick<Actor, "tenantId">,
  siteId: string,
): Promise<SiteStatus | null> {
  return deps.database.withTenant(actor.tenantId, (tx) => siteStatus(tx, actor.tenantId, siteId));
}

export interface SiteDetail {
  site: SiteRow;
  status: SiteStatus;
  usage: SiteUsage;
  events: Awaited<ReturnType<typeof recentEvents>>;
  changes: Awaited<ReturnType<typeof recentChanges>>;
  commands: SiteCommandRow[];
  /** The site's routers (RADIUS clients), never their secrets. */
  routers: NasRow[];
}

/** One site's page: the site, its status, what uses it, its recent events and changes; or null. */
export function getSite(
  deps: Pick<SitesDeps, "database">,
  actor: Pick<Actor, "tenantId">,
  siteId: string,
): Promise<SiteDetail | null> {
  const { tenantId } = actor;
  return deps.database.withTenant(tenantId, async (tx) => {
    const site = await findSite(tx, tenantId, siteId);
    const status = site ? await siteStatus(tx, tenantId, siteId) : null;
    const commands = site ? await recentCommands(tx, tenantId, siteId) : null;
    if (!site || !status || !commands) return null;
    return {
      site,
      status,
      usage: await siteUsage(tx, tenantId, siteId),
      events: await recentEvents(tx, tenantId, siteId),
      changes: await recentChanges(tx, tenantId, siteId),
      commands,
      routers: await listSiteNas(tx, tenantId, siteId),
    };
  });
}

/** The polled commands block of one site, or null (another tenant's site is simply not there). */
export function listSiteCommands(
  deps: Pick<SitesDeps, "database">,
  actor: Pick<Actor, "tenantId">,
  siteId: string,
): Promise<SiteCommandRow[] | null> {
  return deps.database.withTenant(actor.tenantId, (tx) => recentCommands(tx, actor.tenantId, siteId));
}

/**
 * Asks the site's agent for its diagnostics; the answer lands on the site's commands later. A
 * site without an agent is refused rather than sent a command no one would ever answer. The
 * check and the command are two transactions: an agent revoked in between gets a command that
 * simply expires, shown as such.
 */
export async function requestDiagnostics(
  deps: SitesDeps & { send: CommandSender },
  actor: Actor,
  siteId: string,
  meta: RequestMeta,
): Promise<string> {
  await deps.database.withTenant(actor.tenantId, async (tx) => {
    if (!(await findSite(tx, actor.tenantId, siteId))) throw notFound("site");
    if (!(await hasActiveAgent(tx, actor.tenantId, siteId))) throw noAgent();
  });
  return requestCommand(deps, actor, siteId, "diagnostics", meta);
}

/** The unique index is the last guard against two people saving the same name at once. */
async function guardName<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error, "sites_name_unique")) throw siteNameTaken();
    throw error;
  }
}

export function createSite(deps: SitesDeps, actor: SitesActor, input: SiteInput, meta: RequestMeta): Promise<string> {
  return guardName(() =>
    deps.database.withTenant(actor.tenantId, async (tx) => {
      if (await nameTaken(tx, actor.tenantId, input.name)) throw siteNameTaken();
      const id = crypto.randomUUID();
      const now = deps.clock.now();
      await tx.insert(sites).values({ ...input, tenantId: actor.tenantId, id, createdAt: now, updatedAt: now });
      await recordPolicyChanges(tx, actor.tenantId, "site_created", sql`st.id = ${id}`);
      await audit(tx, meta, {
        tenantId: actor.tenantId,
        actorUserId: actor.userId,
        action: "site.created",
        entityType: "site",
        entityId: id,
        after: { ...input },
      });
      return id;
    }),
  );
}

/** Saves the form; only what changed is written and audited. Returns the changed fields. */
export function updateSite(
  deps: SitesDeps,
  actor: SitesActor,
  siteId: string,
  input: SiteInput,
  meta: RequestMeta,
): Promise<(keyof SiteInput)[]> {
  return guardName(() =>
    deps.database.withTenant(actor.tenantId, async (tx) => {
      const site = await findSite(tx, actor.tenantId, siteId, true);
      if (!site) throw notFound("site");
      const before = siteInput(site);
      const changed = inputKeys.filter((k) => before[k] !== input[k]);
      if (changed.length === 0) return changed;
      if (changed.includes("name") && (await nameTaken(tx, actor.tenantId, input.name, siteId))) {
        throw siteNameTaken();
      }
      const set = Object.fromEntries(changed.map((k) => [k, input[k]]));
      await tx
        .update(sites)
        .set({ ...set, updatedAt: deps.clock.now() })
        .where(and(eq(sites.tenantId, actor.tenantId), eq(sites.id, siteId)));
      await audit(tx, meta, {
        tenantId: actor.tenantId,
        actorUserId: actor.userId,
        action: "site.updated",
        entityType: "site",
        entityId: siteId,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: set,
      });
      return changed;
    }),
  );
}

/**
 * Only a site nothing points at is deleted: subscriptions and voucher batches belong to it, and
 * an agent, even revoked, is named by the journal records it sent. The site row is locked
 * first: a subscription or agent being added meanwhile holds a key-share lock on it, so either
 * we wait and then count it, or it waits and then fails its foreign key. Its revision log,
 * events, commands and enrollment tokens go with it.
 */
export function deleteSite(deps: SitesDeps, actor: SitesActor, siteId: string, meta: RequestMeta): Promise<void> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const site = await findSite(tx, actor.tenantId, siteId, true);
    if (!site) throw notFound("site");
    const usage = await siteUsage(tx, actor.tenantId, siteId);
    if (isSiteUsed(usage)) throw siteInUse(usage);
    // Its routers are configuration of the site alone: nothing else points at them.
    await tx.delete(nasDevices).where(and(eq(nasDevices.tenantId, actor.tenantId), eq(nasDevices.siteId, siteId)));
    await tx.delete(sites).where(and(eq(sites.tenantId, actor.tenantId), eq(sites.id, siteId)));
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "site.deleted",
      entityType: "site",
      entityId: siteId,
      before: { ...siteInput(site), revision: site.revision },
    });
  });
}
