import { PROTOCOL_VERSIONS } from "@kilusi/shared/sync/messages";
import { and, eq, isNull, ne } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { AppError } from "../http/errors.ts";
import { siteEvents, sites } from "../sites/sites.tables.ts";
import { agentUsername, newAgentPassword, secretHash } from "./agent-credentials.ts";
import { siteAgents } from "./agents.tables.ts";
import { consumeEnrollmentToken, verifyEnrollmentToken } from "./enrollment.usecases.ts";

/** What the broker must learn when credentials change (dynamic security, or kicking live sessions). */
export interface AgentBrokerAccess {
  /** The agent's credentials are now these; old sessions of it must end. Throws when the broker cannot be told. */
  enrolled(agent: {
    tenantId: string;
    siteId: string;
    agentId: string;
    username: string;
    password: string;
  }): Promise<void>;
  revoked(tenantId: string, agentId: string): Promise<void>;
}

export interface EnrollDeps {
  database: Database;
  clock: Clock;
  access: AgentBrokerAccess;
  /** Where agents dial the broker and what they must trust there. */
  agentBroker: { url: string; caPem: string | null };
}

export interface EnrollInput {
  token: string;
  agentId: string;
  hostname: string | null;
  agentVersion: string;
}

export interface EnrollResult {
  tenantId: string;
  siteId: string;
  siteName: string;
  agentId: string;
  mqtt: { url: string; username: string; password: string; caPem: string | null };
  protocols: number[];
}

const TOKEN = /^([0-9a-f-]{36})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

const invalidToken = () =>
  new AppError("enrollment.invalid_token", 401, "The enrollment token is not valid, has expired or was already used.");

/**
 * Trades a one-time enrollment token for the agent's MQTT credentials (issue 5 §2). The same
 * installation enrolling again keeps its id and gets new credentials (its old sessions end); a
 * new installation for the site replaces the old agent, which is revoked. The broker is told
 * before the transaction commits, so a broker that cannot be reached leaves the token unused.
 */
export async function enrollAgent(deps: EnrollDeps, input: EnrollInput, meta: RequestMeta): Promise<EnrollResult> {
  const m = TOKEN.exec(input.token);
  if (!m) throw invalidToken();
  const [, tenantId, tokenId, secret] = m as unknown as [string, string, string, string];
  const password = newAgentPassword();
  const username = agentUsername(tenantId, input.agentId);
  const now = deps.clock.now();
  let replaced: string[] = [];
  const result = await deps.database.withTenant(tenantId, async (tx) => {
    const token = await verifyEnrollmentToken(tx, tenantId, tokenId, secret, now);
    if (!token) throw invalidToken();
    const [site] = await tx
      .select({ id: sites.id, name: sites.name })
      .from(sites)
      .where(and(eq(sites.tenantId, tenantId), eq(sites.id, token.siteId)));
    if (!site) throw invalidToken();
    const [existing] = await tx
      .select()
      .from(siteAgents)
      .where(and(eq(siteAgents.tenantId, tenantId), eq(siteAgents.id, input.agentId)))
      .for("update");
    if (existing && existing.siteId !== site.id && !existing.revokedAt) {
      throw new AppError(
        "enrollment.agent_elsewhere",
        409,
        "This agent is enrolled at another site: revoke it there first.",
      );
    }
    replaced = await revokeOthers(tx, tenantId, site.id, input.agentId, now);
    await tx
      .insert(siteAgents)
      .values({
        tenantId,
        id: input.agentId,
        siteId: site.id,
        secretHash: secretHash(password),
        hostname: input.hostname,
        agentVersion: input.agentVersion,
        enrolledAt: now,
        credentialsRotatedAt: now,
      })
      .onConflictDoUpdate({
        target: [siteAgents.tenantId, siteAgents.id],
        set: {
          siteId: site.id,
          secretHash: secretHash(password),
          hostname: input.hostname,
          agentVersion: input.agentVersion,
          credentialsRotatedAt: now,
          revokedAt: null,
          online: false,
        },
      });
    await consumeEnrollmentToken(tx, tenantId, tokenId, input.agentId, now);
    const reenrolled = existing !== undefined;
    await tx.insert(siteEvents).values({
      tenantId,
      siteId: site.id,
      agentId: input.agentId,
      kind: reenrolled ? "agent.reenrolled" : "agent.enrolled",
      detail: { hostname: input.hostname, agentVersion: input.agentVersion, replaced },
      at: now,
    });
    await audit(tx, meta, {
      tenantId,
      actorUserId: token.createdBy,
      action: reenrolled ? "agent.reenrolled" : "agent.enrolled",
      entityType: "site_agent",
      entityId: input.agentId,
      after: { siteId: site.id, hostname: input.hostname, agentVersion: input.agentVersion, replaced },
    });
    await deps.access
      .enrolled({ tenantId, siteId: site.id, agentId: input.agentId, username, password })
      .catch((error: unknown) => {
        throw new AppError(
          "broker.unavailable",
          503,
          `The MQTT broker could not be given the agent's credentials (${error instanceof Error ? error.message : String(error)}); try again.`,
        );
      });
    return { tenantId, siteId: site.id, siteName: site.name };
  });
  for (const agentId of replaced) await deps.access.revoked(tenantId, agentId);
  return {
    ...result,
    agentId: input.agentId,
    mqtt: { url: deps.agentBroker.url, username, password, caPem: deps.agentBroker.caPem },
    protocols: [...PROTOCOL_VERSIONS],
  };
}

async function revokeOthers(tx: Tx, tenantId: string, siteId: string, keep: string, now: Date): Promise<string[]> {
  const rows = await tx
    .update(siteAgents)
    .set({ revokedAt: now, online: false })
    .where(
      and(
        eq(siteAgents.tenantId, tenantId),
        eq(siteAgents.siteId, siteId),
        ne(siteAgents.id, keep),
        isNull(siteAgents.revokedAt),
      ),
    )
    .returning({ id: siteAgents.id });
  for (const r of rows) {
    await tx
      .insert(siteEvents)
      .values({ tenantId, siteId, agentId: r.id, kind: "agent.revoked", detail: { replaced: true }, at: now });
  }
  return rows.map((r) => r.id);
}
