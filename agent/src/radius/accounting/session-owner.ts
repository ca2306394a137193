import type { DesiredStateStore } from "../../store/store.ts";
import type { RadiusPacket } from "../packet/index.ts";
import { stringOf } from "../packet/index.ts";
import { classTag } from "./class-tag.ts";

export interface SessionOwner {
  subscriptionId: string | null;
  voucherCode: string | null;
  /** The plan's Acct-Interim-Interval (what the Accept told the NAS); null: the agent's default. */
  interimSeconds: number | null;
}

function planInterim(data: Record<string, unknown> | null | undefined): number | null {
  const plan = data?.plan as { interimSeconds?: unknown } | undefined;
  return typeof plan?.interimSeconds === "number" ? plan.interimSeconds : null;
}

/**
 * The subscription or voucher an accounting request is for: the Class tag the Accept gave,
 * else the subscriber whose PPPoE name it carries, else the voucher typed as User-Name.
 */
export function sessionOwner(packet: Pick<RadiusPacket, "attributes">, store: DesiredStateStore): SessionOwner {
  const tag = classTag(packet);
  if (tag?.subscriptionId) {
    return { ...tag, interimSeconds: planInterim(store.get("subscriber", tag.subscriptionId)) };
  }
  if (tag?.voucherCode) return { ...tag, interimSeconds: planInterim(store.get("voucher", tag.voucherCode)) };
  const userName = stringOf(packet, "User-Name");
  if (!userName) return { subscriptionId: null, voucherCode: null, interimSeconds: null };
  const subscriber = store.subscriberByUsername(userName);
  if (subscriber)
    return { subscriptionId: subscriber.key, voucherCode: null, interimSeconds: planInterim(subscriber.data) };
  const voucher = store.get("voucher", userName);
  if (voucher) return { subscriptionId: null, voucherCode: userName, interimSeconds: planInterim(voucher) };
  return { subscriptionId: null, voucherCode: null, interimSeconds: null };
}
