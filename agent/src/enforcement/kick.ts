import type { Logger } from "@kilusi/shared/logger";
import { kickCommandArgsSchema } from "@kilusi/shared/sync/radius-records";
import type { CoaClient } from "../radius/coa/coa-client.ts";
import type { SessionTable } from "../radius/sessions/session-table.ts";
import type { Journal } from "../store/journal.ts";
import type { DesiredStateStore } from "../store/store.ts";
import type { CommandHandler } from "../sync/commands.ts";
import { nasTargets } from "./nas-targets.ts";
import { OutcomeJournal } from "./outcome-journal.ts";
import { sendToNas } from "./send.ts";

export interface KickDeps {
  store: DesiredStateStore;
  sessions: SessionTable;
  journal: Pick<Journal, "append">;
  client: CoaClient;
  logger: Logger;
}

/**
 * The `kick` command (the online sessions page): a Disconnect-Request for one session, answered
 * with what the NAS said. Bad arguments throw, so the command result is an error naming them.
 * An ACK removes the local session; a kick of a known subscription is also journaled as its
 * enforcement outcome (reason `kick`), so the subscription page shows it with its time.
 */
export function kickHandler(deps: KickDeps): CommandHandler {
  const outcomes = new OutcomeJournal(deps.journal, deps.logger);
  return async (args) => {
    const parsed = kickCommandArgsSchema.safeParse(args);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join(".") || "args"}: ${i.message}`).join("; ");
      throw new Error(`invalid kick arguments: ${why}`);
    }
    const kick = parsed.data;
    const requestedAt = new Date().toISOString();
    const local = deps.sessions.get(kick.nasId, kick.sessionId);
    const targets = nasTargets(deps.store, kick.nasId, new Date());
    const result = targets
      ? await sendToNas(deps.client, targets, "disconnect", {
          userName: kick.userName ?? local?.userName ?? null,
          sessionId: kick.sessionId,
          framedIp: kick.framedIp ?? local?.framedIp ?? null,
          nasIp: local?.nasIp ?? null,
        })
      : {
          outcome: "no_nas" as const,
          errorCause: null,
          errorCauseName: null,
          attempts: 0,
          detail: `NAS ${kick.nasId} is not in the site's state`,
        };
    if (result.outcome === "ack") deps.sessions.remove(kick.nasId, kick.sessionId);
    const subscriptionId = kick.subscriptionId ?? local?.subscriptionId ?? null;
    if (subscriptionId !== null) {
      await outcomes.record({
        subscriptionId,
        revision: deps.store.appliedRevision(),
        reason: "kick",
        action: "disconnect",
        outcome: result.outcome,
        sessionId: kick.sessionId,
        nasId: kick.nasId,
        attempts: result.attempts,
        errorCause: result.errorCause,
        errorCauseName: result.errorCauseName,
        detail: result.detail,
        requestedAt,
        completedAt: new Date().toISOString(),
      });
    }
    return {
      outcome: result.outcome,
      errorCause: result.errorCause,
      errorCauseName: result.errorCauseName,
      attempts: result.attempts,
    };
  };
}
