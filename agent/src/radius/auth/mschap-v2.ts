import { constantTimeEqual, head, hexUpper, sha1 } from "../bytes.ts";
import { challengeResponse, hashNtPasswordHash, ntPasswordHash } from "./nt-hash.ts";

/** RFC 2548 §2.3.2: MS-CHAP-Challenge for MS-CHAPv2 is the 16-byte authenticator challenge. */
export const MSCHAP_V2_CHALLENGE_LENGTH = 16;
/** RFC 2548 §2.3.2 MS-CHAP2-Response: Ident, Flags, Peer-Challenge (16), Reserved (8), Response (24). */
export const MSCHAP2_RESPONSE_LENGTH = 50;

export interface MsChap2Response {
  ident: number;
  flags: number;
  peerChallenge: Buffer;
  ntResponse: Buffer;
}

/** Flags and Reserved are not checked: RFC 2759 makes them zero, and FreeRADIUS ignores them too. */
export function parseMsChap2Response(value: Uint8Array): MsChap2Response | null {
  if (value.length !== MSCHAP2_RESPONSE_LENGTH) return null;
  const b = Buffer.isBuffer(value) ? value : Buffer.from(value);
  const peerChallenge = Buffer.allocUnsafe(16);
  const ntResponse = Buffer.allocUnsafe(24);
  b.copy(peerChallenge, 0, 2, 18);
  b.copy(ntResponse, 0, 26, 50);
  return { ident: b[0] as number, flags: b[1] as number, peerChallenge, ntResponse };
}

/**
 * RFC 2759 §8.2: "only the user name (as presented by the peer and excluding any prepended
 * domain name)" goes into the hash, so "ACME\alice" hashes as "alice".
 */
export function challengeUserName(userName: string): Buffer {
  const slash = userName.indexOf("\\");
  return Buffer.from(slash >= 0 ? userName.slice(slash + 1) : userName, "utf8");
}

/** RFC 2759 §8.2 ChallengeHash. */
export function challengeHash(peerChallenge: Uint8Array, authenticatorChallenge: Uint8Array, userName: string): Buffer {
  return head(sha1(peerChallenge, authenticatorChallenge, challengeUserName(userName)), 8);
}

/** RFC 2759 §8.1 GenerateNTResponse, from the password's NT hash. */
export function generateNtResponse(
  authenticatorChallenge: Uint8Array,
  peerChallenge: Uint8Array,
  userName: string,
  passwordHash: Uint8Array,
): Buffer {
  return challengeResponse(challengeHash(peerChallenge, authenticatorChallenge, userName), passwordHash);
}

// RFC 2759 §8.7: the two constants, verbatim.
const MAGIC1 = Buffer.from("Magic server to client signing constant", "ascii");
const MAGIC2 = Buffer.from("Pad to make it do more than one iteration", "ascii");

/** RFC 2759 §8.7 GenerateAuthenticatorResponse: "S=" and 40 uppercase hex digits. */
export function generateAuthenticatorResponse(input: {
  passwordHash: Uint8Array;
  ntResponse: Uint8Array;
  peerChallenge: Uint8Array;
  authenticatorChallenge: Uint8Array;
  userName: string;
}): string {
  const passwordHashHash = hashNtPasswordHash(input.passwordHash);
  const digest = sha1(passwordHashHash, input.ntResponse, MAGIC1);
  const challenge = challengeHash(input.peerChallenge, input.authenticatorChallenge, input.userName);
  return `S=${hexUpper(sha1(digest, challenge, MAGIC2))}`;
}

/** Encodes an MS-CHAP2-Response as a client sends it (for tests and for a client of our own). */
export function encodeMsChap2Response(input: {
  ident: number;
  authenticatorChallenge: Uint8Array;
  peerChallenge: Uint8Array;
  userName: string;
  password: string;
}): Buffer {
  const out = Buffer.alloc(MSCHAP2_RESPONSE_LENGTH);
  out[0] = input.ident & 0xff;
  out.set(input.peerChallenge.subarray(0, 16), 2);
  const nt = generateNtResponse(
    input.authenticatorChallenge,
    input.peerChallenge,
    input.userName,
    ntPasswordHash(input.password),
  );
  out.set(nt, 26);
  return out;
}

/** RFC 2548 §2.3.3 MS-CHAP2-Success: the Ident, then the authenticator response text. */
export function encodeMsChap2Success(ident: number, authenticatorResponse: string): Buffer {
  return Buffer.concat([Uint8Array.of(ident & 0xff), Buffer.from(authenticatorResponse, "ascii")]);
}

export type MsChapV2Outcome =
  | {
      outcome: "ok";
      ident: number;
      authenticatorResponse: string;
      passwordHash: Buffer;
      ntResponse: Buffer;
    }
  | { outcome: "mismatch"; ident: number }
  | { outcome: "malformed" };

export function verifyMsChapV2(
  authenticatorChallenge: Uint8Array,
  responseValue: Uint8Array,
  userName: string,
  storedPassword: string,
): MsChapV2Outcome {
  if (authenticatorChallenge.length !== MSCHAP_V2_CHALLENGE_LENGTH) return { outcome: "malformed" };
  const response = parseMsChap2Response(responseValue);
  if (!response) return { outcome: "malformed" };
  const { ident, peerChallenge, ntResponse } = response;
  const passwordHash = ntPasswordHash(storedPassword);
  const expected = generateNtResponse(authenticatorChallenge, peerChallenge, userName, passwordHash);
  if (!constantTimeEqual(ntResponse, expected)) return { outcome: "mismatch", ident };
  const authenticatorResponse = generateAuthenticatorResponse({
    passwordHash,
    ntResponse,
    peerChallenge,
    authenticatorChallenge,
    userName,
  });
  return { outcome: "ok", ident, authenticatorResponse, passwordHash, ntResponse };
}
