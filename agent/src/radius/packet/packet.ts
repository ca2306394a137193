/** The decoded shape of a RADIUS packet; produced by decode.ts, read by validation and the servers. */
import type { AttributeValue } from "./values.ts";

export interface RadiusAttribute {
  /** The dictionary's name; unknown ones are `Attr-<code>` or `Attr-26.<vendor>.<code>`. */
  name: string;
  /** 0 for the standard space, else the vendor of the Vendor-Specific attribute it came in. */
  vendor: number;
  code: number;
  value: AttributeValue;
  /** The value's octets as received (still hidden, for User-Password and MPPE keys). */
  raw: Buffer;
  /** Where this attribute's type octet is in `RadiusPacket.raw` (a VSA's own sub-attribute header). */
  offset: number;
}

export interface RadiusPacket {
  code: number;
  identifier: number;
  authenticator: Buffer;
  attributes: readonly RadiusAttribute[];
  /** The packet's `length` octets, without any padding the datagram carried. */
  raw: Buffer;
}

export type DecodeErrorCode =
  | "too-short"
  | "bad-length"
  | "too-long"
  | "truncated"
  | "unknown-code"
  | "bad-attribute"
  | "bad-vsa"
  | "bad-value"
  | "internal";

/** Why a datagram is not a RADIUS packet. Returned, never thrown: a server drops and counts it. */
export interface RadiusDecodeError {
  code: DecodeErrorCode;
  message: string;
}

export type DecodeResult = { ok: true; packet: RadiusPacket } | { ok: false; error: RadiusDecodeError };

export const MIN_PACKET = 20;
export const MAX_PACKET = 4096;
