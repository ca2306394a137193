import type { DownMessage, UpMessage } from "@kilusi/shared/sync/messages";
import { and, eq, isNull } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import type { Clock } from "../clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { notFound } from "../http/errors.ts";
import { sites } from "../sites/sites.tables.ts";
import { siteCommands } from "./commands.tables.ts";
import type { IngestContext } from "./journal-ingest.ts";

/** How long a command may wait for an agent that is offline before it must not run any more. */
const COMMAND_TTL_MS = 60_000;

export type CommandSender = (
  site: { tenantId: string; siteId: string },
  command: DownMessage<"command">,
) => Promise<void>;

/**
 * Records a command for a site's agent and, after the commit, sends it. The result arrives on
 * command-result (completeCommand); nothing here pretends it ran.
 */
export async function requestCommand(
  deps: { database: Database; clock: Clock; send: CommandSender },
  actor: Actor,
  siteId: string,
  name: "diagnostics" | "kick",
  meta: RequestMeta,
  args: Record<string, unknown> = {},
): Promise<string> {
  const id = crypto.randomUUID();
  const notAfter = new Date(deps.clock.now().getTime() + COMMAND_TTL_MS);
  await deps.database.withTenant(actor.tenantId, async (tx) => {
    const [site] = await tx
      .select({ id: sites.id })
      .from(sites)
      .where(and(eq(sites.tenantId, actor.tenantId), eq(sites.id, siteId)));
    if (!site) throw notFound("site");
    await tx.insert(siteCommands).values({
      tenantId: actor.tenantId,
      id,
      siteId,
      name,
      args,
      notAfter,
      requestedBy: actor.userId,
      createdAt: deps.clock.now(),
    });
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "site.command_requested",
      entityType: "site",
      entityId: siteId,
      after: Object.keys(args).length > 0 ? { cmdId: id, name, args } : { cmdId: id, name },
    });
  });
  await deps.send(
    { tenantId: actor.tenantId, siteId },
    { v: 1, cmdId: id, name, args, notAfter: notAfter.toISOString() },
  );
  return id;
}

/** The agent's answer; a second answer for the same cmdId changes nothing. */
export async function completeCommand(
  tx: Tx,
  ctx: IngestContext,
  result: UpMessage<"command-result">,
  now: Date,
): Promise<boolean> {
  const rows = await tx
    .update(siteCommands)
    .set({ completedAt: now, ok: result.ok, result: result.result, error: result.error })
    .where(
      and(
        eq(siteCommands.tenantId, ctx.tenantId),
        eq(siteCommands.siteId, ctx.siteId),
        eq(siteCommands.id, result.cmdId),
        isNull(siteCommands.completedAt),
      ),
    )
    .returning({ id: siteCommands.id });
  if (rows.length > 0) return true;
  const [known] = await tx
    .select({ id: siteCommands.id })
    .from(siteCommands)
    .where(and(eq(siteCommands.tenantId, ctx.tenantId), eq(siteCommands.id, result.cmdId)));
  return known !== undefined;
}
