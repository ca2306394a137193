import { type KickCommandArgs, kickCommandArgsSchema } from "@kilusi/shared/sync/radius-records";
import { noAgent } from "../agents/enrollment.usecases.ts";
import type { RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import type { Clock } from "../clock.ts";
import type { Database } from "../db/database.ts";
import { AppError, notFound } from "../http/errors.ts";
import { hasActiveAgent } from "../sites/sites.repository.ts";
import { type CommandSender, requestCommand } from "../sync/commands.usecases.ts";
import { kickCommand, listSessions, type SessionRow, sessionById, siteOptions } from "./sessions.repository.ts";
import type { SessionListQuery } from "./sessions.schemas.ts";

export const sessionEnded = () => new AppError("session_ended", 409, "The session is no longer online.");

/** The sessions page: one page of sessions by the filters, and the sites to filter by. */
export function sessionsPage(deps: { database: Database }, actor: Pick<Actor, "tenantId">, q: SessionListQuery) {
  return deps.database.withTenant(actor.tenantId, async (tx) => ({
    ...(await listSessions(tx, actor.tenantId, q)),
    sites: await siteOptions(tx, actor.tenantId),
  }));
}

export function sessionOf(deps: { database: Database }, actor: Pick<Actor, "tenantId">, id: string) {
  return deps.database.withTenant(actor.tenantId, (tx) => sessionById(tx, actor.tenantId, id));
}

/** What the agent needs to find the session on its router (agent/src/enforcement/kick.ts). */
export function kickArgs(session: SessionRow): KickCommandArgs {
  return kickCommandArgsSchema.parse({
    subscriptionId: session.subscriptionId,
    nasId: session.nasId,
    sessionId: session.acctSessionId,
    userName: session.userName,
    framedIp: session.framedIp,
  });
}

/**
 * Asks the session's site agent to end it now (a Disconnect-Request to its router). Returns the
 * command's id; the router's answer arrives later on the command (nothing here pretends it
 * worked). A session that is over, or a site without an agent, is refused.
 */
export async function kickSession(
  deps: { database: Database; clock: Clock; send: CommandSender },
  actor: Actor,
  sessionId: string,
  meta: RequestMeta,
): Promise<string> {
  const session = await deps.database.withTenant(actor.tenantId, async (tx) => {
    const row = await sessionById(tx, actor.tenantId, sessionId);
    if (!row) throw notFound("session");
    if (row.status !== "online") throw sessionEnded();
    if (!(await hasActiveAgent(tx, actor.tenantId, row.siteId))) throw noAgent();
    return row;
  });
  return requestCommand(deps, actor, session.siteId, "kick", meta, kickArgs(session));
}

/** A kick's command, for its polled status; null when it is not the tenant's kick. */
export function kickStatus(deps: { database: Database }, actor: Pick<Actor, "tenantId">, cmdId: string) {
  return deps.database.withTenant(actor.tenantId, (tx) => kickCommand(tx, actor.tenantId, cmdId));
}
