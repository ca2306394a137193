import { constantTimeEqual, md5 } from "../bytes.ts";

/** RFC 2865 §5.3: CHAP Ident (1 byte) then the 16-byte MD5 response. */
export const CHAP_PASSWORD_LENGTH = 17;

/** RFC 1994 §4.1: the response is MD5(Identifier + secret + Challenge). */
export function chapResponse(ident: number, password: string, challenge: Uint8Array): Buffer {
  return md5(Uint8Array.of(ident & 0xff), Buffer.from(password, "utf8"), challenge);
}

/** Encodes a CHAP-Password attribute value, as a NAS (or a test client) would send it. */
export function encodeChapPassword(ident: number, password: string, challenge: Uint8Array): Buffer {
  return Buffer.concat([Uint8Array.of(ident & 0xff), chapResponse(ident, password, challenge)]);
}

export type ChapOutcome = "ok" | "mismatch" | "malformed";

/**
 * RFC 2865 §2.2: the challenge is the CHAP-Challenge attribute when the NAS sent one, and the
 * Request Authenticator otherwise. Any non-empty CHAP-Challenge is accepted (FreeRADIUS does
 * the same), though RFC 2865 §5.40 asks NASes for at least 5 bytes.
 */
export function verifyChap(
  chapPassword: Uint8Array,
  chapChallenge: Uint8Array | undefined,
  requestAuthenticator: Uint8Array,
  storedPassword: string,
): ChapOutcome {
  if (chapPassword.length !== CHAP_PASSWORD_LENGTH) return "malformed";
  const challenge = chapChallenge ?? requestAuthenticator;
  if (challenge.length === 0) return "malformed";
  const ident = chapPassword[0] as number;
  const expected = chapResponse(ident, storedPassword, challenge);
  return constantTimeEqual(chapPassword.subarray(1), expected) ? "ok" : "mismatch";
}
