import { parseStateEntry, type SubscriberState } from "@kilusi/shared/sync/site-state";
import { mikrotikRateLimit } from "../radius/authorize/rate-limit.ts";
import type { AppliedChange } from "../store/store.ts";

/** What the network must do about one applied change of a subscriber entry. */
export type Decision =
  | { action: "disconnect"; reason: string }
  | { action: "coa"; reason: "plan_changed"; rateLimit: string }
  | null;

const disconnect = (reason: string): Decision => ({ action: "disconnect", reason });

/**
 * The desired-state entry carries no reason, so it is read from before and after: a subscriber
 * that left the site (terminated, suspended) or changed status is disconnected, so the client
 * re-dials into the new policy (reject, isolation or the plan); a new rate on an active
 * subscriber is a CoA; new credentials are a disconnect (the session was opened with the old
 * ones), and so is a new static address (one subscriber's: the router hands out an address only
 * at login). Anything else — a plan's pool or profile, which would drop every subscriber of the
 * plan at once — applies at the next login. A new subscriber has no session to act on.
 */
export function decide(change: AppliedChange): Decision {
  if (change.kind !== "subscriber" || change.before === null) return null;
  if (change.after === null) return disconnect("terminated");
  const before = parseStateEntry("subscriber", change.before);
  const after = parseStateEntry("subscriber", change.after);
  // An entry that does not parse is refused at login, like an absent one: its sessions go.
  if (!after.ok) return disconnect("invalid_state");
  if (!before.ok) return disconnect("changed");
  return compare(before.value, after.value);
}

function compare(before: SubscriberState, after: SubscriberState): Decision {
  if (before.status !== after.status) return disconnect(after.status === "isolated" ? "isolated" : "restored");
  if (before.username !== after.username || before.password !== after.password) {
    return disconnect("credentials_changed");
  }
  if ((before.staticIp ?? null) !== (after.staticIp ?? null)) return disconnect("address_changed");
  // While isolated the isolation policy sets the rate, whatever the plan says.
  if (after.status !== "active") return null;
  const was = mikrotikRateLimit(before.plan);
  const now = mikrotikRateLimit(after.plan);
  if (was === now) return null;
  // A CoA cannot take an attribute away; a plan that now limits nothing needs a fresh login.
  if (now === null) return disconnect("plan_changed");
  return { action: "coa", reason: "plan_changed", rateLimit: now };
}
