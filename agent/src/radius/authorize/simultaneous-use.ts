import type { LocalSession, SessionTable } from "../sessions/session-table.ts";
import { sameStation } from "./calling-station.ts";

/**
 * The online session that makes this login a second, simultaneous one (the limit is one per
 * subscriber or voucher), or null. The same device dialing again while its old session is
 * still on the books (a PPPoE re-dial before the Stop arrives) is the same user, not a second
 * one; a session or an attempt without a Calling-Station-Id cannot prove that, so it counts.
 */
export function sessionInTheWay(
  sessions: SessionTable,
  lookup: { subscriptionId?: string; userNames: readonly string[] },
  callingStationId: string | null,
): LocalSession | null {
  const found: LocalSession[] = [];
  if (lookup.subscriptionId !== undefined) found.push(...sessions.forSubscription(lookup.subscriptionId));
  for (const name of new Set(lookup.userNames)) found.push(...sessions.forUser(name));
  return found.find((s) => !sameStation(s.callingStationId, callingStationId)) ?? null;
}
