/** Reading attributes off a decoded packet, and the 64-bit counters split across two of them. */
import { type Dictionary, RADIUS_DICTIONARY } from "../dictionary/dictionary.ts";
import type { RadiusAttribute, RadiusPacket } from "./packet.ts";

type Has = Pick<RadiusPacket, "attributes">;

export const attributesNamed = (packet: Has, name: string): RadiusAttribute[] =>
  packet.attributes.filter((a) => a.name === name);

export const attributeNamed = (packet: Has, name: string): RadiusAttribute | undefined =>
  packet.attributes.find((a) => a.name === name);

export function stringOf(packet: Has, name: string): string | undefined {
  const value = attributeNamed(packet, name)?.value;
  return typeof value === "string" ? value : undefined;
}

export function integerOf(packet: Has, name: string): number | undefined {
  const value = attributeNamed(packet, name)?.value;
  return typeof value === "number" ? value : undefined;
}

export function octetsOf(packet: Has, name: string): Buffer | undefined {
  return attributeNamed(packet, name)?.raw;
}

/** An integer attribute's dictionary name for its value (`"Start"`), else the bare number. */
export function namedValueOf(
  packet: Has,
  name: string,
  dictionary: Dictionary = RADIUS_DICTIONARY,
): string | number | undefined {
  const value = integerOf(packet, name);
  if (value === undefined) return undefined;
  return dictionary.byName(name)?.valueNames.get(value) ?? value;
}

const GIGA = 2n ** 32n;

/** RFC 2869 §5.1/5.2: a counter past 4 GiB is octets + gigawords · 2³², exactly (uint64). */
export function octets64(octets: number, gigawords: number): bigint {
  if (!isUint32(octets)) throw new RangeError(`octets ${octets} is not a uint32`);
  if (!isUint32(gigawords)) throw new RangeError(`gigawords ${gigawords} is not a uint32`);
  return gigawords === 0 ? BigInt(octets) : BigInt(gigawords) * GIGA + BigInt(octets);
}

const isUint32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

/** The inverse, for limits such as Mikrotik-Total-Limit + Mikrotik-Total-Limit-Gigawords. */
export function splitOctets64(total: bigint | number): { octets: number; gigawords: number } {
  const n = BigInt(total);
  if (n < 0n || n >= GIGA * GIGA) throw new RangeError(`${total} does not fit 64 bits`);
  return { octets: Number(n % GIGA), gigawords: Number(n / GIGA) };
}

/** Acct-Input-Octets + Acct-Input-Gigawords (and Output) of an accounting request; 0 when absent. */
export function accountingTotals(packet: Has): { inputOctets: bigint; outputOctets: bigint } {
  return {
    inputOctets: octets64(integerOf(packet, "Acct-Input-Octets") ?? 0, integerOf(packet, "Acct-Input-Gigawords") ?? 0),
    outputOctets: octets64(
      integerOf(packet, "Acct-Output-Octets") ?? 0,
      integerOf(packet, "Acct-Output-Gigawords") ?? 0,
    ),
  };
}
