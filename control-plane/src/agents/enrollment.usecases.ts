import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Logger } from "@kilusi/shared/logger";
import { and, eq, gt, isNull } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import type { Clock } from "../clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { AppError, notFound } from "../http/errors.ts";
import { siteEvents, sites } from "../sites/sites.tables.ts";
import { agentEnrollmentTokens, siteAgents } from "./agents.tables.ts";

// Enrollment (issue 5 §2): an owner or admin creates a one-time token on the site's page and
// pastes `kilusi-agent enroll <url> <token>` at the site; the agent trades it for its MQTT
// credentials (agent-enroll.usecases.ts). The token is `<tenantId>.<tokenId>.<secret>`: the
// tenant opens the right tenant transaction, the id finds the row, the secret proves possession.
// Only the secret's SHA-256 is kept; 32 random bytes need no slow hash.

/** How long a token may wait to be used. */
export const ENROLLMENT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/** What the broker side does when an agent loses access; the lead wires the broker kick in. */
export type AgentAccessHooks = { revoked(tenantId: string, agentId: string): Promise<void> };

export interface EnrollmentDeps {
  database: Database;
  clock: Clock;
  logger?: Logger;
  agentAccess?: AgentAccessHooks;
}

type EnrollmentActor = Pick<Actor, "tenantId" | "userId">;

export type EnrollmentTokenRow = typeof agentEnrollmentTokens.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const sha256Hex = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** The site has no agent that is not revoked. */
export const noAgent = () => new AppError("agent_not_enrolled", 409, "The site has no enrolled agent.");

async function requireSite(tx: Tx, tenantId: string, siteId: string): Promise<void> {
  // Locked: a token is never created for a site being deleted in the same moment.
  const [site] = await tx
    .select({ id: sites.id })
    .from(sites)
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)))
    .for("update");
  if (!site) throw notFound("site");
}

/**
 * A new one-time token for the site, shown once: the caller renders `token` and forgets it.
 * Earlier tokens of the site that were not used expire now, so only the newest can enroll.
 */
export function createEnrollmentToken(
  deps: Pick<EnrollmentDeps, "database" | "clock">,
  actor: EnrollmentActor,
  siteId: string,
  meta: RequestMeta,
): Promise<{ token: string; tokenId: string; expiresAt: Date }> {
  const { tenantId } = actor;
  return deps.database.withTenant(tenantId, async (tx) => {
    await requireSite(tx, tenantId, siteId);
    const now = deps.clock.now();
    const superseded = await tx
      .update(agentEnrollmentTokens)
      .set({ expiresAt: now })
      .where(
        and(
          eq(agentEnrollmentTokens.tenantId, tenantId),
          eq(agentEnrollmentTokens.siteId, siteId),
          isNull(agentEnrollmentTokens.usedAt),
          gt(agentEnrollmentTokens.expiresAt, now),
        ),
      )
      .returning({ id: agentEnrollmentTokens.id });
    const tokenId = crypto.randomUUID();
    const secret = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now.getTime() + ENROLLMENT_TOKEN_TTL_MS);
    await tx.insert(agentEnrollmentTokens).values({
      tenantId,
      id: tokenId,
      siteId,
      secretHash: sha256Hex(secret),
      createdBy: actor.userId,
      createdAt: now,
      expiresAt,
    });
    // No key may look like a secret here: the audit drops those, and the secret never goes in.
    await audit(tx, meta, {
      tenantId,
      actorUserId: actor.userId,
      action: "agent.enrollment_token_created",
      entityType: "agent_enrollment_token",
      entityId: tokenId,
      after: { siteId, expiresAt: expiresAt.toISOString(), superseded: superseded.length },
    });
    return { token: `${tenantId}.${tokenId}.${secret}`, tokenId, expiresAt };
  });
}

/**
 * The token row when `secret` is its secret and it is neither used nor expired at `now`; else
 * null, the same for every reason. The row is locked to the caller's commit, so two agents
 * presenting the same token enroll one after the other and the second finds it used.
 */
export async function verifyEnrollmentToken(
  tx: Tx,
  tenantId: string,
  tokenId: string,
  secret: string,
  now: Date,
): Promise<EnrollmentTokenRow | null> {
  if (!UUID.test(tokenId) || !UUID.test(tenantId)) return null;
  const [row] = await tx
    .select()
    .from(agentEnrollmentTokens)
    .where(and(eq(agentEnrollmentTokens.tenantId, tenantId), eq(agentEnrollmentTokens.id, tokenId)))
    .for("update");
  if (!row) return null;
  const presented = Buffer.from(sha256Hex(secret), "hex");
  const stored = Buffer.from(row.secretHash, "hex");
  const matches = presented.length === stored.length && timingSafeEqual(presented, stored);
  if (!matches || row.usedAt !== null || row.expiresAt.getTime() <= now.getTime()) return null;
  return row;
}

/**
 * Marks the token used by `agentId`, in the enrollment's transaction. False when it was used or
 * had expired meanwhile (after `verifyEnrollmentToken` in the same transaction it cannot be).
 */
export async function consumeEnrollmentToken(
  tx: Tx,
  tenantId: string,
  tokenId: string,
  agentId: string,
  now: Date,
): Promise<boolean> {
  const rows = await tx
    .update(agentEnrollmentTokens)
    .set({ usedAt: now, usedByAgent: agentId })
    .where(
      and(
        eq(agentEnrollmentTokens.tenantId, tenantId),
        eq(agentEnrollmentTokens.id, tokenId),
        isNull(agentEnrollmentTokens.usedAt),
        gt(agentEnrollmentTokens.expiresAt, now),
      ),
    )
    .returning({ id: agentEnrollmentTokens.id });
  return rows.length === 1;
}

/**
 * Revokes the site's agent: the broker refuses its credentials from now on (agent-authority.ts
 * reads revoked_at), and after the commit the hook ends its live session. `disconnected` says
 * what the hook did: null when there is none, false when it failed (the agent is still refused
 * at its next connection).
 */
export async function revokeAgent(
  deps: EnrollmentDeps,
  actor: EnrollmentActor,
  siteId: string,
  meta: RequestMeta,
): Promise<{ agentId: string; disconnected: boolean | null }> {
  const { tenantId } = actor;
  const agentId = await deps.database.withTenant(tenantId, async (tx) => {
    await requireSite(tx, tenantId, siteId);
    const [agent] = await tx
      .select({ id: siteAgents.id, hostname: siteAgents.hostname })
      .from(siteAgents)
      .where(and(eq(siteAgents.tenantId, tenantId), eq(siteAgents.siteId, siteId), isNull(siteAgents.revokedAt)))
      .for("update");
    if (!agent) throw noAgent();
    const now = deps.clock.now();
    await tx
      .update(siteAgents)
      .set({ revokedAt: now, online: false })
      .where(and(eq(siteAgents.tenantId, tenantId), eq(siteAgents.id, agent.id)));
    await tx.insert(siteEvents).values({
      tenantId,
      siteId,
      agentId: agent.id,
      kind: "agent.revoked",
      detail: { by: actor.userId },
      at: now,
    });
    await audit(tx, meta, {
      tenantId,
      actorUserId: actor.userId,
      action: "agent.revoked",
      entityType: "site_agent",
      entityId: agent.id,
      before: { siteId, hostname: agent.hostname, revokedAt: null },
      after: { revokedAt: now.toISOString() },
    });
    return agent.id;
  });
  if (!deps.agentAccess) return { agentId, disconnected: null };
  try {
    await deps.agentAccess.revoked(tenantId, agentId);
    return { agentId, disconnected: true };
  } catch (error) {
    deps.logger?.warn({ err: error, tenantId, siteId, agentId }, "revoked agent could not be disconnected");
    return { agentId, disconnected: false };
  }
}
