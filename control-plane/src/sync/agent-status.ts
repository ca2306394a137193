import type { UpMessage } from "@kilusi/shared/sync/messages";
import { and, eq, isNull, sql } from "drizzle-orm";
import { siteAgents } from "../agents/agents.tables.ts";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { siteEvents } from "../sites/sites.tables.ts";
import type { IngestContext } from "./journal-ingest.ts";

const activeAgent = (ctx: IngestContext) =>
  and(
    eq(siteAgents.tenantId, ctx.tenantId),
    eq(siteAgents.id, ctx.agentId),
    eq(siteAgents.siteId, ctx.siteId),
    isNull(siteAgents.revokedAt),
  );

/** Whether the agent is this site's current one (the broker let it publish here; it may since have been revoked). */
export async function isActiveAgent(tx: Tx, ctx: IngestContext): Promise<boolean> {
  const [row] = await tx.select({ id: siteAgents.id }).from(siteAgents).where(activeAgent(ctx));
  return row !== undefined;
}

/** hello: the agent is up with this version and revision. Returns the site's current revision, or null for an unknown agent. */
export async function agentHello(
  tx: Tx,
  ctx: IngestContext,
  hello: UpMessage<"hello">,
  protocol: number | null,
  now: Date,
): Promise<number | null> {
  const rows = await tx
    .update(siteAgents)
    .set({
      online: true,
      lastSeenAt: now,
      agentVersion: hello.agentVersion,
      protocol,
      startedAt: new Date(hello.startedAt),
      appliedRevision: hello.appliedRevision,
    })
    .where(activeAgent(ctx))
    .returning({ id: siteAgents.id });
  if (rows.length === 0) return null;
  return currentRevision(tx, ctx);
}

export async function currentRevision(tx: Tx, ctx: IngestContext): Promise<number> {
  const [row] = rowsOf<{ revision: string | number }>(
    await tx.execute(sql`select revision from sites where tenant_id = ${ctx.tenantId} and id = ${ctx.siteId}`),
  );
  return Number(row?.revision ?? 0);
}

/** presence: online / offline (the last will). A change of state is an event on the site's page. */
export async function agentPresence(
  tx: Tx,
  ctx: IngestContext,
  presence: UpMessage<"presence">,
  now: Date,
): Promise<boolean> {
  const online = presence.state === "online";
  const [before] = await tx
    .select({ online: siteAgents.online })
    .from(siteAgents)
    .where(activeAgent(ctx))
    .for("update");
  if (!before) return false;
  await tx
    .update(siteAgents)
    .set({ online, ...(online ? { lastSeenAt: now, agentVersion: presence.agentVersion } : {}) })
    .where(activeAgent(ctx));
  if (before.online !== online) {
    await tx.insert(siteEvents).values({
      tenantId: ctx.tenantId,
      siteId: ctx.siteId,
      agentId: ctx.agentId,
      kind: online ? "agent.online" : "agent.offline",
      detail: { agentVersion: presence.agentVersion },
      at: now,
    });
  }
  return true;
}

/**
 * heartbeat: the live figures of the site page. The journal starting or ceasing to refuse
 * appends (the site's accounting unanswered) is an event on the site's page: a full journal
 * cannot journal an alert of its own. Returns the current revision, or null for an unknown agent.
 */
export async function agentHeartbeat(
  tx: Tx,
  ctx: IngestContext,
  beat: UpMessage<"heartbeat">,
  now: Date,
): Promise<number | null> {
  const refusing = beat.journal.refusing ?? null;
  const [before] = await tx
    .select({ refusing: siteAgents.journalRefusing })
    .from(siteAgents)
    .where(activeAgent(ctx))
    .for("update");
  if (!before) return null;
  await tx
    .update(siteAgents)
    .set({
      online: true,
      lastSeenAt: now,
      appliedRevision: beat.appliedRevision,
      journalBacklog: beat.journal.backlog,
      journalBytes: beat.journal.bytes,
      journalCapBytes: beat.journal.capBytes,
      journalOldestAt: beat.journal.oldestAt ? new Date(beat.journal.oldestAt) : null,
      journalRefusing: refusing,
      clockSkewMs: beat.clockSkewMs,
      rttMs: beat.rttMs,
    })
    .where(activeAgent(ctx));
  if (before.refusing !== refusing) {
    const { backlog, bytes, capBytes } = beat.journal;
    await tx.insert(siteEvents).values({
      tenantId: ctx.tenantId,
      siteId: ctx.siteId,
      agentId: ctx.agentId,
      kind: refusing ? "journal.refusing" : "journal.accepting",
      detail: refusing ? { reason: refusing, backlog, bytes, capBytes } : { was: before.refusing },
      at: now,
    });
  }
  return currentRevision(tx, ctx);
}
