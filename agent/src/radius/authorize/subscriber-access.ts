import { ISOLATION_POLICY_KEY, type IsolationPolicy, type SubscriberState } from "@kilusi/shared/sync/site-state";
import type { AttributeInput, EncodedAttributes } from "../packet/encode.ts";
import type { AccessAttempt, AuthorizerOptions, Outcome } from "./access-decision.ts";
import { reject } from "./access-decision.ts";
import { checkPassword } from "./check-password.ts";
import { EntryMemo, parsedEntry } from "./entry-memo.ts";
import {
  classOf,
  DEFAULT_ISOLATION,
  encodedReply,
  interimAttribute,
  isolationAttributes,
  planAttributes,
  secondsUntil,
} from "./reply-attributes.ts";
import { sessionInTheWay } from "./simultaneous-use.ts";

// The cloud may write a host address as a /32; Framed-IP-Address takes the bare address.
const HOST_ROUTE = /\/32$/;

/**
 * A PPPoE subscriber found by its User-Name (key = the subscription id): the password, then
 * expiry and the one-session limit, then the plan's attributes, or the isolation policy's for
 * an isolated one, who must still get online to reach the payment page.
 */
export function authorizeSubscriber(
  o: AuthorizerOptions,
  a: AccessAttempt,
  entry: { key: string; data: Record<string, unknown> },
): Outcome {
  const subject = { subscriptionId: entry.key, userName: a.userName };
  const refuse = (...args: Parameters<typeof reject>): Outcome => ({ decision: reject(...args), subject });

  const parsed = parsedEntry("subscriber", entry.data);
  if (!parsed.ok) {
    o.logger.warn({ kind: "subscriber", key: entry.key, detail: parsed.detail }, "bad desired-state entry");
    return refuse("bad_entry");
  }
  const sub = parsed.value;
  if (sub.password === null) return refuse("wrong_password");
  const password = checkPassword(a, sub.password);
  if (!password.ok) return refuse(password.reason, password.attributes);

  let expiresIn: number | null = null;
  if (sub.status === "active" && sub.expiresAt !== null) {
    const expiresAt = new Date(sub.expiresAt);
    if (expiresAt.getTime() <= a.now.getTime()) return refuse("subscription_expired");
    expiresIn = secondsUntil(expiresAt, a.now);
  }
  const online = sessionInTheWay(
    o.sessions,
    { subscriptionId: entry.key, userNames: [a.userName] },
    a.callingStationId,
  );
  if (online) return refuse("simultaneous_use");

  const policy = sub.status === "active" ? PLAN : isolationPolicy(o);
  const replies = compiledReplies.get(entry.data, () => new Map());
  let reply = replies.get(policy);
  if (reply === undefined) {
    reply = compile(o, entry.key, sub, policy);
    replies.set(policy, reply);
  }
  if (typeof reply === "string") {
    o.logger.warn({ kind: "subscriber", key: entry.key, detail: reply }, "bad desired-state entry");
    return refuse("bad_entry");
  }
  const attributes: AttributeInput[] = [reply];
  if (expiresIn !== null) attributes.push(["Session-Timeout", expiresIn]);
  return {
    decision: {
      accept: true,
      attributes: [...attributes, ...password.attributes],
      subscriptionId: entry.key,
      voucherCode: null,
      policy: policyOf(sub),
    },
    subject,
  };
}

/** The policy an active subscriber gets: the plan. */
const PLAN: unique symbol = Symbol("plan");
type Policy = typeof PLAN | IsolationPolicy;

/**
 * An entry's Accept attributes (all but Session-Timeout, which counts down, and the password
 * method's own) encoded once per policy; a string says why they do not encode. The isolation
 * policy is itself a memoized entry object, so a new one compiles afresh.
 */
const compiledReplies = new EntryMemo<Map<Policy, EncodedAttributes | string>>();

function compile(o: AuthorizerOptions, key: string, sub: SubscriberState, policy: Policy): EncodedAttributes | string {
  const attributes: AttributeInput[] = [];
  if (sub.access === "pppoe") attributes.push(["Service-Type", "Framed-User"], ["Framed-Protocol", "PPP"]);
  const staticIp = sub.staticIp?.replace(HOST_ROUTE, "") || null;
  if (policy === PLAN) {
    if (staticIp) attributes.push(["Framed-IP-Address", staticIp]);
    attributes.push(...planAttributes(sub.plan, { pool: !staticIp }));
  } else {
    attributes.push(...isolationAttributes(policy, sub.plan, staticIp));
  }
  attributes.push(interimAttribute(sub.plan, o.interimSeconds), classOf("s", key));
  return encodedReply(attributes);
}

const policyOf = (sub: SubscriberState) => (sub.status === "active" ? "plan" : "isolation");

/** The tenant's isolation policy; until one arrives (or while it does not parse) the defaults, so isolation holds. */
function isolationPolicy(o: AuthorizerOptions): IsolationPolicy {
  const data = o.store.get("policy", ISOLATION_POLICY_KEY);
  if (data === null) return DEFAULT_ISOLATION;
  const parsed = parsedEntry("policy", data);
  if (parsed.ok) return parsed.value;
  o.logger.warn({ kind: "policy", key: ISOLATION_POLICY_KEY, detail: parsed.detail }, "bad desired-state entry");
  return DEFAULT_ISOLATION;
}
