import { and, asc, desc, eq, isNull, ne, type SQL, sql } from "drizzle-orm";
import { users } from "../accounts/accounts.tables.ts";
import { siteAgents } from "../agents/agents.tables.ts";
import type { Tx } from "../db/database.ts";
import { subscriptions } from "../subscriptions/subscriptions.tables.ts";
import { siteCommands } from "../sync/commands.tables.ts";
import { voucherBatches } from "../vouchers/vouchers.tables.ts";
import type { SiteUsage } from "./sites.errors.ts";
import { siteChanges, siteEvents, sites } from "./sites.tables.ts";

export type SiteRow = typeof sites.$inferSelect;

/** What the agent last told us, for the site's status (DESIGN §6, presence and heartbeat). */
export interface AgentStatus {
  id: string;
  hostname: string | null;
  enrolledAt: Date;
  credentialsRotatedAt: Date;
  online: boolean;
  lastSeenAt: Date | null;
  agentVersion: string | null;
  protocol: number | null;
  startedAt: Date | null;
  appliedRevision: number;
  journalBacklog: number;
  journalBytes: number;
  journalCapBytes: number;
  journalOldestAt: Date | null;
  /** Why the site's journal refuses appends (its accounting goes unanswered); null: it accepts. */
  journalRefusing: "full" | "failed" | null;
  clockSkewMs: number | null;
  rttMs: number | null;
}

/** A site's live status: its current revision and its agent (the one not revoked), if any. */
export interface SiteStatus {
  siteId: string;
  revision: number;
  agent: (AgentStatus & { presenceSince: Date | null }) | null;
}

const agentColumns = {
  id: siteAgents.id,
  hostname: siteAgents.hostname,
  enrolledAt: siteAgents.enrolledAt,
  credentialsRotatedAt: siteAgents.credentialsRotatedAt,
  online: siteAgents.online,
  lastSeenAt: siteAgents.lastSeenAt,
  agentVersion: siteAgents.agentVersion,
  protocol: siteAgents.protocol,
  startedAt: siteAgents.startedAt,
  appliedRevision: siteAgents.appliedRevision,
  journalBacklog: siteAgents.journalBacklog,
  journalBytes: siteAgents.journalBytes,
  journalCapBytes: siteAgents.journalCapBytes,
  journalOldestAt: siteAgents.journalOldestAt,
  journalRefusing: siteAgents.journalRefusing,
  clockSkewMs: siteAgents.clockSkewMs,
  rttMs: siteAgents.rttMs,
};

/** The site's one agent that is not revoked (the partial unique index allows at most one). */
const activeAgentOf = and(
  eq(siteAgents.tenantId, sites.tenantId),
  eq(siteAgents.siteId, sites.id),
  isNull(siteAgents.revokedAt),
);

const byId = (tenantId: string, siteId: string) => and(eq(sites.tenantId, tenantId), eq(sites.id, siteId));

export async function findSite(tx: Tx, tenantId: string, siteId: string, lock = false): Promise<SiteRow | null> {
  const query = tx.select().from(sites).where(byId(tenantId, siteId));
  const [row] = lock ? await query.for("update") : await query;
  return row ?? null;
}

/** Every site with its agent's status, by name: one query (the list polls it). */
export async function listSitesWithStatus(tx: Tx, tenantId: string) {
  const rows = await tx
    .select({ site: sites, agent: agentColumns })
    .from(sites)
    .leftJoin(siteAgents, activeAgentOf)
    .where(eq(sites.tenantId, tenantId))
    .orderBy(asc(sql`lower(${sites.name})`), asc(sites.id));
  return rows.map((r) => ({ site: r.site, agent: r.agent as AgentStatus | null }));
}

/**
 * One site's status in one query (the status block polls it). "Since" is the newest presence
 * event of the agent's current state; null when the agent never reported that state.
 */
export async function siteStatus(tx: Tx, tenantId: string, siteId: string): Promise<SiteStatus | null> {
  const presenceSince = sql<Date | null>`(
    select max(${siteEvents.at}) from ${siteEvents}
    where ${siteEvents.tenantId} = ${sites.tenantId} and ${siteEvents.siteId} = ${sites.id}
      and ${siteEvents.agentId} = ${siteAgents.id}
      and ${siteEvents.kind} = case when ${siteAgents.online} then 'agent.online' else 'agent.offline' end)`.mapWith(
    siteEvents.at,
  );
  const [row] = await tx
    .select({ siteId: sites.id, revision: sites.revision, agent: { ...agentColumns, presenceSince } })
    .from(sites)
    .leftJoin(siteAgents, activeAgentOf)
    .where(byId(tenantId, siteId));
  if (!row) return null;
  return { siteId: row.siteId, revision: row.revision, agent: row.agent?.id ? row.agent : null };
}

export const RECENT_LIMIT = 20;

/** The newest events of the site, newest first. */
export function recentEvents(tx: Tx, tenantId: string, siteId: string) {
  return tx
    .select({ id: siteEvents.id, kind: siteEvents.kind, detail: siteEvents.detail, at: siteEvents.at })
    .from(siteEvents)
    .where(and(eq(siteEvents.tenantId, tenantId), eq(siteEvents.siteId, siteId)))
    .orderBy(desc(siteEvents.at), desc(siteEvents.id))
    .limit(RECENT_LIMIT);
}

/** The newest rows of the site's revision log, newest first. */
export function recentChanges(tx: Tx, tenantId: string, siteId: string) {
  return tx
    .select({
      revision: siteChanges.revision,
      kind: siteChanges.kind,
      op: siteChanges.op,
      reason: siteChanges.reason,
      createdAt: siteChanges.createdAt,
    })
    .from(siteChanges)
    .where(and(eq(siteChanges.tenantId, tenantId), eq(siteChanges.siteId, siteId)))
    .orderBy(desc(siteChanges.revision))
    .limit(RECENT_LIMIT);
}

export const COMMANDS_LIMIT = 10;

/** A command sent to the site's agent, with who asked for it (null once that person is deleted). */
export interface SiteCommandRow {
  id: string;
  name: string;
  createdAt: Date;
  notAfter: Date;
  completedAt: Date | null;
  ok: boolean | null;
  result: unknown;
  error: unknown;
  requestedByName: string | null;
}

/**
 * The site's newest commands, newest first, or null when there is no such site: one query (the
 * block polls it), so the site's existence and its commands are read together.
 */
export async function recentCommands(tx: Tx, tenantId: string, siteId: string): Promise<SiteCommandRow[] | null> {
  const recent = tx
    .select({
      id: siteCommands.id,
      name: siteCommands.name,
      createdAt: siteCommands.createdAt,
      notAfter: siteCommands.notAfter,
      completedAt: siteCommands.completedAt,
      ok: siteCommands.ok,
      result: siteCommands.result,
      error: siteCommands.error,
      requestedBy: siteCommands.requestedBy,
    })
    .from(siteCommands)
    .where(and(eq(siteCommands.tenantId, sites.tenantId), eq(siteCommands.siteId, sites.id)))
    .orderBy(desc(siteCommands.createdAt), desc(siteCommands.id))
    .limit(COMMANDS_LIMIT)
    .as("recent");
  const rows = await tx
    .select({
      siteId: sites.id,
      id: recent.id,
      name: recent.name,
      createdAt: recent.createdAt,
      notAfter: recent.notAfter,
      completedAt: recent.completedAt,
      ok: recent.ok,
      result: recent.result,
      error: recent.error,
      requestedByName: users.name,
    })
    .from(sites)
    .leftJoinLateral(recent, sql`true`)
    .leftJoin(users, eq(users.id, recent.requestedBy))
    .where(byId(tenantId, siteId))
    .orderBy(desc(recent.createdAt), desc(recent.id));
  if (rows.length === 0) return null;
  return rows.flatMap(({ siteId: _, id, name, createdAt, notAfter, ...rest }) =>
    id !== null && name !== null && createdAt !== null && notAfter !== null
      ? [{ id, name, createdAt, notAfter, ...rest }]
      : [],
  );
}

/** Whether the site has an agent that is not revoked, to send commands to. */
export async function hasActiveAgent(tx: Tx, tenantId: string, siteId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: siteAgents.id })
    .from(siteAgents)
    .where(and(eq(siteAgents.tenantId, tenantId), eq(siteAgents.siteId, siteId), isNull(siteAgents.revokedAt)));
  return row !== undefined;
}

/** Whether a site other than `exceptId` has this name, in any case. */
export async function siteNameTaken(tx: Tx, tenantId: string, name: string, exceptId?: string): Promise<boolean> {
  const conditions: SQL[] = [eq(sites.tenantId, tenantId), sql`lower(${sites.name}) = lower(${name})`];
  if (exceptId) conditions.push(ne(sites.id, exceptId));
  const [row] = await tx
    .select({ id: sites.id })
    .from(sites)
    .where(and(...conditions))
    .limit(1);
  return row !== undefined;
}

export async function siteUsage(tx: Tx, tenantId: string, siteId: string): Promise<SiteUsage> {
  const count = sql<number>`count(*)::int`;
  const [subs] = await tx
    .select({ n: count })
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, tenantId), eq(subscriptions.siteId, siteId)));
  const [batches] = await tx
    .select({ n: count })
    .from(voucherBatches)
    .where(and(eq(voucherBatches.tenantId, tenantId), eq(voucherBatches.siteId, siteId)));
  const [agents] = await tx
    .select({ n: count })
    .from(siteAgents)
    .where(and(eq(siteAgents.tenantId, tenantId), eq(siteAgents.siteId, siteId)));
  return { subscriptions: subs?.n ?? 0, voucherBatches: batches?.n ?? 0, agents: agents?.n ?? 0 };
}

export const isSiteUsed = (u: SiteUsage) => u.subscriptions > 0 || u.voucherBatches > 0 || u.agents > 0;
