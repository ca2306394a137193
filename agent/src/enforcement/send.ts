import type { CoaClient, CoaKind, CoaResult, CoaTarget } from "../radius/coa/coa-client.ts";
import type { SessionIdentity } from "../radius/coa/session-attributes.ts";
import type { AttributeInput } from "../radius/packet/index.ts";

/**
 * One request to a session's NAS, tried with each secret it may hold in turn: only a timeout
 * moves on to the next (a router with the other secret drops the request silently); an answer,
 * ACK or NAK, ends it. Attempts add up over the secrets.
 */
export async function sendToNas(
  client: CoaClient,
  targets: readonly CoaTarget[],
  kind: CoaKind,
  session: SessionIdentity,
  attributes: readonly AttributeInput[] = [],
): Promise<CoaResult> {
  let attempts = 0;
  let rttMs = 0;
  let last: CoaResult | undefined;
  for (const nas of targets) {
    last = await client.send({ kind, nas, session, attributes });
    attempts += last.attempts;
    rttMs += last.rttMs;
    if (last.outcome !== "timeout" || last.attempts === 0) break;
  }
  if (!last) throw new Error("sendToNas needs at least one target");
  return { ...last, attempts, rttMs };
}
