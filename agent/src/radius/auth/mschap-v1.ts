import { constantTimeEqual } from "../bytes.ts";
import { challengeResponse, ntPasswordHash } from "./nt-hash.ts";

/** RFC 2548 §2.1.3 MS-CHAP-Challenge for MS-CHAPv1 is 8 bytes. */
export const MSCHAP_V1_CHALLENGE_LENGTH = 8;
/** RFC 2548 §2.1.1 MS-CHAP-Response: Ident, Flags, LM-Response (24), NT-Response (24). */
export const MSCHAP_RESPONSE_LENGTH = 50;
/** Flags bit 0: the NT-Response is to be used (RFC 2548 §2.1.1). */
const USE_NT_RESPONSE = 0x01;

export interface MsChapResponse {
  ident: number;
  flags: number;
  lmResponse: Buffer;
  ntResponse: Buffer;
}

export function parseMsChapResponse(value: Uint8Array): MsChapResponse | null {
  if (value.length !== MSCHAP_RESPONSE_LENGTH) return null;
  const b = Buffer.from(value);
  return {
    ident: b[0] as number,
    flags: b[1] as number,
    lmResponse: b.subarray(2, 26),
    ntResponse: b.subarray(26, 50),
  };
}

/** RFC 2433 §A.5 NtChallengeResponse. */
export function ntChallengeResponse(challenge: Uint8Array, password: string): Buffer {
  return challengeResponse(challenge, ntPasswordHash(password));
}

/**
 * Encodes an MS-CHAP-Response as a modern client sends it: NT-Response only, LM-Response zero
 * (for tests and for a client of our own).
 */
export function encodeMsChapResponse(ident: number, challenge: Uint8Array, password: string): Buffer {
  const out = Buffer.alloc(MSCHAP_RESPONSE_LENGTH);
  out[0] = ident & 0xff;
  out[1] = USE_NT_RESPONSE;
  out.set(ntChallengeResponse(challenge, password), 26);
  return out;
}

export type MsChapV1Outcome =
  | { outcome: "ok"; ident: number }
  | { outcome: "mismatch" | "unsupported"; ident: number }
  | { outcome: "malformed" };

/**
 * Only the NT-Response is checked. A response that asks for the LM-Response instead (flags
 * bit 0 clear) is refused as unsupported: the LM hash is too weak to accept a login on.
 */
export function verifyMsChapV1(
  challenge: Uint8Array,
  responseValue: Uint8Array,
  storedPassword: string,
): MsChapV1Outcome {
  if (challenge.length !== MSCHAP_V1_CHALLENGE_LENGTH) return { outcome: "malformed" };
  const response = parseMsChapResponse(responseValue);
  if (!response) return { outcome: "malformed" };
  const { ident } = response;
  if ((response.flags & USE_NT_RESPONSE) === 0) return { outcome: "unsupported", ident };
  const expected = ntChallengeResponse(challenge, storedPassword);
  return constantTimeEqual(response.ntResponse, expected) ? { outcome: "ok", ident } : { outcome: "mismatch", ident };
}
