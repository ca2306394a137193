/**
 * The MD5 constructions that sign RADIUS packets. All take the packet as it is (or will be) on the
 * wire and a replacement for its authenticator field, so one function serves each direction:
 *
 * - Message-Authenticator (RFC 3579 §3.2, RFC 5176 §3.5): HMAC-MD5(secret, packet) with the MA
 *   value zeroed and, in the authenticator field, the Request Authenticator (Access-Request,
 *   Status-Server, and every response) or 16 zero octets (Accounting, CoA, Disconnect requests).
 * - Packet digest: MD5(code + id + length + authenticator + attributes + secret), the Response
 *   Authenticator (RFC 2865 §3) with the request's authenticator, and the Request Authenticator of
 *   Accounting / CoA / Disconnect requests (RFC 2866 §3, RFC 5176 §2.3) with zeros. It is computed
 *   after the MA is in place.
 */
import { timingSafeEqual } from "node:crypto";
import { hmacMd5, md5 } from "../bytes.ts";

export const HEADER_LENGTH = 20;
export const AUTHENTICATOR_LENGTH = 16;
export const ZERO_AUTHENTICATOR: Buffer = Buffer.alloc(AUTHENTICATOR_LENGTH);

/** `packet` with `authenticator` in its authenticator field and, if given, 16 zeros at `zeroAt`. */
function withAuthenticator(packet: Buffer, authenticator: Buffer, zeroAt?: number): Buffer {
  const copy = Buffer.from(packet);
  authenticator.copy(copy, 4, 0, AUTHENTICATOR_LENGTH);
  if (zeroAt !== undefined) copy.fill(0, zeroAt, zeroAt + AUTHENTICATOR_LENGTH);
  return copy;
}

/** The Message-Authenticator value for `packet`, whose MA value starts at `maValueOffset`. */
export function messageAuthenticator(
  packet: Buffer,
  maValueOffset: number,
  authenticator: Buffer,
  secret: Buffer,
): Buffer {
  return hmacMd5(secret, withAuthenticator(packet, authenticator, maValueOffset));
}

/**
 * Signs a packet we are building, in place: its Message-Authenticator value (at `maValueOffset`,
 * still zeros) becomes the HMAC over the packet with `authenticator` in the authenticator field.
 */
export function signInPlace(packet: Buffer, maValueOffset: number, authenticator: Buffer, secret: Buffer): void {
  authenticator.copy(packet, 4, 0, AUTHENTICATOR_LENGTH);
  hmacMd5(secret, packet).copy(packet, maValueOffset);
}

/** Fills in the authenticator field of a packet we are building: MD5(packet with `authenticator` there, secret). */
export function digestInPlace(packet: Buffer, authenticator: Buffer, secret: Buffer): void {
  authenticator.copy(packet, 4, 0, AUTHENTICATOR_LENGTH);
  md5(packet, secret).copy(packet, 4);
}

export function packetDigest(packet: Buffer, authenticator: Buffer, secret: Buffer): Buffer {
  return md5(withAuthenticator(packet, authenticator), secret);
}

/** Constant-time comparison; unequal lengths are simply unequal. */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
