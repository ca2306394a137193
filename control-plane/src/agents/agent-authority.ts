import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import type { AgentAuthority } from "../mqtt/agent-authority.ts";
import { parseAgentUsername, secretMatches } from "./agent-credentials.ts";
import { siteAgents } from "./agents.tables.ts";

/**
 * The broker's view of agents: a username names its tenant, the lookup runs inside that
 * tenant, and only a non-revoked agent with the right password gets in.
 */
export function databaseAgentAuthority(database: Database): AgentAuthority {
  return {
    async authenticate(username, password) {
      const id = parseAgentUsername(username);
      if (!id) return null;
      const [agent] = await database.withTenant(id.tenantId, (tx) =>
        tx
          .select({ siteId: siteAgents.siteId, secretHash: siteAgents.secretHash })
          .from(siteAgents)
          .where(
            and(eq(siteAgents.tenantId, id.tenantId), eq(siteAgents.id, id.agentId), isNull(siteAgents.revokedAt)),
          ),
      );
      if (!agent || !secretMatches(password, agent.secretHash)) return null;
      return { tenantId: id.tenantId, siteId: agent.siteId, agentId: id.agentId };
    },
  };
}
