import { describe, expect, test } from "bun:test";
import {
  allowedEvents,
  isOnNetwork,
  type SubscriptionEvent,
  type SubscriptionState,
  subscriptionEvents,
  subscriptionStates,
  transition,
} from "./subscription.models.ts";

// Every (state, event) pair written out: "→ next state, whether the site hears of it" or "refused code".
const EXPECTED: Record<SubscriptionState, Record<SubscriptionEvent, string>> = {
  pending: {
    activate: "active site",
    isolate: "refused",
    restore: "refused",
    suspend: "refused",
    resume: "refused",
    terminate: "terminated quiet",
  },
  active: {
    activate: "refused",
    isolate: "isolated site",
    restore: "refused",
    suspend: "suspended site",
    resume: "refused",
    terminate: "terminated site",
  },
  isolated: {
    activate: "refused",
    isolate: "refused",
    restore: "active site",
    suspend: "suspended site",
    resume: "refused",
    terminate: "terminated site",
  },
  suspended: {
    activate: "refused",
    isolate: "refused",
    restore: "refused",
    suspend: "refused",
    resume: "active site",
    terminate: "terminated quiet",
  },
  terminated: {
    activate: "final",
    isolate: "final",
    restore: "final",
    suspend: "final",
    resume: "final",
    terminate: "final",
  },
};

describe("subscription state machine", () => {
  for (const state of subscriptionStates) {
    for (const event of subscriptionEvents) {
      const expected = EXPECTED[state][event];
      test(`${state} + ${event} → ${expected}`, () => {
        const result = transition(state, event);
        if (expected === "refused") {
          expect(result).toEqual({ ok: false, code: "subscription.transition-not-allowed", from: state, event });
        } else if (expected === "final") {
          expect(result).toEqual({ ok: false, code: "subscription.terminated", from: state, event });
        } else {
          const [to, site] = expected.split(" ");
          expect(result).toEqual({
            ok: true,
            from: state,
            to: to as SubscriptionState,
            site: site === "site",
          });
        }
      });
    }
  }

  test("every change to whether a subscriber is on the network, or how, is sent to the site", () => {
    for (const state of subscriptionStates) {
      for (const event of allowedEvents(state)) {
        const result = transition(state, event);
        if (!result.ok) throw new Error("allowed event refused");
        const changed = isOnNetwork(result.from) || isOnNetwork(result.to);
        expect(result.site).toBe(changed);
      }
    }
  });

  test("allowed events per state", () => {
    expect(allowedEvents("pending")).toEqual(["activate", "terminate"]);
    expect(allowedEvents("active")).toEqual(["isolate", "suspend", "terminate"]);
    expect(allowedEvents("terminated")).toEqual([]);
  });
});
