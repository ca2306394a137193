import { attributesNamed, type RadiusPacket } from "../packet/index.ts";

/**
 * Who a session belongs to, as the Access-Accept said in its Class (RFC 2865 §5.25: the NAS
 * sends it back unchanged in every Accounting-Request): `k1:s:<subscriptionId>` for a
 * subscriber, `k1:v:<code>` for a voucher. Anything else in Class is not ours and is ignored.
 */
export type ClassTag = { subscriptionId: string; voucherCode: null } | { subscriptionId: null; voucherCode: string };

export function classTag(packet: Pick<RadiusPacket, "attributes">): ClassTag | null {
  for (const attribute of attributesNamed(packet, "Class")) {
    const text = attribute.raw.toString("utf8");
    const value = text.slice(5);
    if (value.length === 0) continue;
    if (text.startsWith("k1:s:")) return { subscriptionId: value, voucherCode: null };
    if (text.startsWith("k1:v:")) return { subscriptionId: null, voucherCode: value };
  }
  return null;
}
