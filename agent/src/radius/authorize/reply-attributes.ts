import type { IsolationPolicy, PlanState } from "@kilusi/shared/sync/site-state";
import { type AttributeInput, EncodedAttributes } from "../packet/encode.ts";
import { RadiusEncodeError } from "../packet/values.ts";
import { mikrotikRateLimit } from "./rate-limit.ts";

/** What an isolated subscriber gets while the tenant has not sent its policy yet. */
export const DEFAULT_ISOLATION: IsolationPolicy = {
  addressList: "isolir",
  profile: "isolir",
  rateLimit: "256k/256k",
  pool: null,
};

/** Session-Timeout and the like are uint32 on the wire. */
const MAX_UINT32 = 0xffff_ffff;

/**
 * Class (RFC 2865 §5.25) comes back in every Accounting-Request of the session: `k1:s:<id>`
 * names the subscription, `k1:v:<code>` the voucher, so accounting needs no User-Name lookup.
 */
export function classOf(kind: "s" | "v", key: string): AttributeInput {
  return ["Class", `k1:${kind}:${key}`];
}

/** Rate limit, pool (unless the caller set an address) and profile of a plan. */
export function planAttributes(plan: PlanState, { pool }: { pool: boolean }): AttributeInput[] {
  const out: AttributeInput[] = [];
  const rateLimit = mikrotikRateLimit(plan);
  if (rateLimit !== null) out.push(["Mikrotik-Rate-Limit", rateLimit]);
  if (pool && plan.addressPool) out.push(["Framed-Pool", plan.addressPool]);
  if (plan.profileName) out.push(["Mikrotik-Group", plan.profileName]);
  return out;
}

/** What replaces the plan's attributes while the subscriber is isolated. */
export function isolationAttributes(
  policy: IsolationPolicy,
  plan: PlanState,
  staticIp: string | null,
): AttributeInput[] {
  const out: AttributeInput[] = [
    ["Mikrotik-Address-List", policy.addressList],
    ["Mikrotik-Group", policy.profile],
  ];
  if (policy.rateLimit) out.push(["Mikrotik-Rate-Limit", policy.rateLimit]);
  // An isolation pool is how some tenants isolate (its subnet is redirected), so it wins over a
  // static address; without one the subscriber keeps the address it normally has.
  if (policy.pool) out.push(["Framed-Pool", policy.pool]);
  else if (staticIp) out.push(["Framed-IP-Address", staticIp]);
  else if (plan.addressPool) out.push(["Framed-Pool", plan.addressPool]);
  return out;
}

export function interimAttribute(plan: PlanState, fallbackSeconds: number): AttributeInput {
  return ["Acct-Interim-Interval", plan.interimSeconds ?? fallbackSeconds];
}

/** Whole seconds from `now` to `until`, rounded up (a session never outlives it by less than 1 s), ≥ 1. */
export function secondsUntil(until: Date, now: Date): number {
  return Math.min(MAX_UINT32, Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)));
}

/**
 * Reply attributes encoded once (EncodedAttributes), or why the encoder refuses them (an unknown
 * name, a value of the wrong type, a string too long for one attribute). Entries come from the
 * cloud with free-text pool and profile names: a bad one must refuse the login here, with a
 * reason, not throw in the server's encoder.
 */
export function encodedReply(attributes: readonly AttributeInput[]): EncodedAttributes | string {
  try {
    return EncodedAttributes.of(attributes);
  } catch (error) {
    if (!(error instanceof RadiusEncodeError)) throw error;
    return error.message;
  }
}
