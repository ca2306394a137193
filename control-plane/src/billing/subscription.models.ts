/**
 * The subscription life cycle as an explicit state machine. Every status change goes through
 * `transition`, so a page, the dunning job and the API cannot disagree about what is allowed,
 * and the network consequence of each change is decided here, next to the change itself: the
 * use-case writes the returned site change to the outbox in the same transaction (DESIGN §6).
 */

export const subscriptionStates = ["pending", "active", "isolated", "suspended", "terminated"] as const;
export type SubscriptionState = (typeof subscriptionStates)[number];

export const subscriptionEvents = ["activate", "isolate", "restore", "suspend", "resume", "terminate"] as const;
export type SubscriptionEvent = (typeof subscriptionEvents)[number];

interface Rule {
  to: SubscriptionState;
  /**
   * Whether the site must hear of it. The change written (sites/site-changes.ts) follows the new
   * status: active or isolated → the subscriber's desired state (the agent renders an isolated
   * one with the isolation policy and kicks the session so it applies); otherwise → removed.
   */
  site: boolean;
}

/**
 * The whole table; a pair that is not here is refused. Pending subscribers were never on the
 * network and suspended ones are already off it, so terminating either changes nothing there.
 */
const TABLE: Partial<Record<SubscriptionState, Partial<Record<SubscriptionEvent, Rule>>>> = {
  pending: {
    activate: { to: "active", site: true },
    terminate: { to: "terminated", site: false },
  },
  active: {
    isolate: { to: "isolated", site: true },
    suspend: { to: "suspended", site: true },
    terminate: { to: "terminated", site: true },
  },
  isolated: {
    restore: { to: "active", site: true },
    suspend: { to: "suspended", site: true },
    terminate: { to: "terminated", site: true },
  },
  suspended: {
    resume: { to: "active", site: true },
    terminate: { to: "terminated", site: false },
  },
};

export type TransitionRefusal = "subscription.terminated" | "subscription.transition-not-allowed";

export type TransitionResult =
  | { ok: true; from: SubscriptionState; to: SubscriptionState; site: boolean }
  | { ok: false; code: TransitionRefusal; from: SubscriptionState; event: SubscriptionEvent };

export function transition(state: SubscriptionState, event: SubscriptionEvent): TransitionResult {
  // Terminated is final: a returning customer gets a new subscription, with its own history.
  if (state === "terminated") return { ok: false, code: "subscription.terminated", from: state, event };
  const rule = TABLE[state]?.[event];
  if (!rule) return { ok: false, code: "subscription.transition-not-allowed", from: state, event };
  return { ok: true, from: state, to: rule.to, site: rule.site };
}

/** The events a subscription in `state` accepts, for the buttons a page offers. */
export function allowedEvents(state: SubscriptionState): SubscriptionEvent[] {
  return subscriptionEvents.filter((event) => transition(state, event).ok);
}

/** Whether the subscriber may use the network at all (isolated ones reach only the payment page). */
export function isOnNetwork(state: SubscriptionState): boolean {
  return state === "active" || state === "isolated";
}
