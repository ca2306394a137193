import type { AccountingRecord } from "@kilusi/shared/sync/radius-records";
import { isoAt } from "../../iso-time.ts";
import {
  accountingTotals,
  integerOf,
  namedValueOf,
  type RadiusAttribute,
  type RadiusPacket,
  stringOf,
} from "../packet/index.ts";

type StatusType = AccountingRecord["statusType"];

/** Acct-Status-Type values the record knows (RFC 2866 §5.1); others are answered, not journaled. */
const STATUS_TYPES: Readonly<Record<number, StatusType>> = {
  1: "Start",
  2: "Stop",
  3: "Interim-Update",
  7: "Accounting-On",
  8: "Accounting-Off",
};

export const statusTypeOf = (packet: Pick<RadiusPacket, "attributes">): StatusType | null | undefined => {
  const value = integerOf(packet, "Acct-Status-Type");
  return value === undefined ? undefined : (STATUS_TYPES[value] ?? null);
};

const PROXY_STATE = 33;
const ACCT_DELAY_TIME = 41;
const MESSAGE_AUTHENTICATOR = 80;
/** What a NAS or a proxy may change between copies of one request (RFC 2866 §5.2, RFC 2865 §5.33). */
const EXCLUDED: ReadonlySet<number> = new Set([PROXY_STATE, ACCT_DELAY_TIME, MESSAGE_AUTHENTICATOR]);

/**
 * The request's identity across retransmits and agent restarts: SHA-256 of the NAS id and each
 * attribute (vendor, type, value) in order, without the ones a copy may change, so a retransmit
 * with a bumped Acct-Delay-Time is the same record for the cloud's unique key.
 */
export function accountingUniqueId(nasId: string, packet: Pick<RadiusPacket, "attributes" | "raw">): string {
  const { raw } = packet;
  // Each attribute's value is read where it lies in the packet: its type octet at `offset`,
  // its length after it (a VSA's sub-attribute likewise), without making its `raw` copy.
  const valueLength = (a: RadiusAttribute) => (raw[a.offset + 1] as number) - 2;
  const idLength = Buffer.byteLength(nasId, "utf8");
  let length = 4 + idLength;
  for (const a of packet.attributes) if (!excluded(a)) length += 7 + valueLength(a);
  // One buffer, one hash call: the same octets as feeding each piece in turn.
  const input = Buffer.allocUnsafe(length);
  input.writeUInt32BE(idLength, 0);
  input.write(nasId, 4, "utf8");
  let at = 4 + idLength;
  for (const a of packet.attributes) {
    if (excluded(a)) continue;
    const n = valueLength(a);
    input.writeUInt32BE(a.vendor, at);
    input[at + 4] = a.code;
    input.writeUInt16BE(n, at + 5);
    raw.copy(input, at + 7, a.offset + 2, a.offset + 2 + n);
    at += 7 + n;
  }
  return Bun.SHA256.hash(input, "hex");
}

const excluded = (a: RadiusAttribute) => a.vendor === 0 && EXCLUDED.has(a.code);

/** JSON numbers are exact below 2^53; a larger counter (8 PiB) is a broken NAS, capped. */
const safe = (n: bigint): number => (n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n));

export interface RecordContext {
  nasId: string;
  /** The NAS's normalized source address: nasIp when the request names none. */
  sourceAddress: string;
  statusType: StatusType;
  owner: { subscriptionId: string | null; voucherCode: string | null };
  receivedAt: Date;
}

/** The `radius.accounting` journal record of one Accounting-Request (64-bit counters). */
export function accountingRecord(packet: RadiusPacket, ctx: RecordContext): AccountingRecord {
  const totals = accountingTotals(packet);
  const eventTimestamp = packet.attributes.find((a) => a.name === "Event-Timestamp")?.value;
  const delaySeconds = integerOf(packet, "Acct-Delay-Time") ?? 0;
  const receivedMs = ctx.receivedAt.getTime();
  const eventAt =
    eventTimestamp instanceof Date ? eventTimestamp.toISOString() : isoAt(receivedMs - delaySeconds * 1000);
  const cause = namedValueOf(packet, "Acct-Terminate-Cause");
  return {
    uniqueId: accountingUniqueId(ctx.nasId, packet),
    nasId: ctx.nasId,
    nasIp: stringOf(packet, "NAS-IP-Address") ?? stringOf(packet, "NAS-IPv6-Address") ?? ctx.sourceAddress,
    statusType: ctx.statusType,
    sessionId: stringOf(packet, "Acct-Session-Id") ?? null,
    userName: stringOf(packet, "User-Name") ?? null,
    subscriptionId: ctx.owner.subscriptionId,
    voucherCode: ctx.owner.voucherCode,
    framedIp: stringOf(packet, "Framed-IP-Address") ?? null,
    callingStationId: stringOf(packet, "Calling-Station-Id") ?? null,
    nasPortId: stringOf(packet, "NAS-Port-Id") ?? null,
    sessionTime: integerOf(packet, "Acct-Session-Time") ?? null,
    inputOctets: safe(totals.inputOctets),
    outputOctets: safe(totals.outputOctets),
    inputPackets: integerOf(packet, "Acct-Input-Packets") ?? 0,
    outputPackets: integerOf(packet, "Acct-Output-Packets") ?? 0,
    terminateCause: cause === undefined ? null : String(cause),
    eventAt,
    receivedAt: isoAt(receivedMs),
  };
}
