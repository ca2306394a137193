import { type MicrosoftReplyAttribute, microsoftAttribute } from "./microsoft.attributes.ts";
import { encodeMsChapMppeKeys, encryptMppeKey } from "./mppe-attributes.ts";
import { msChapV2MppeKeys } from "./mppe-keys.ts";
import { hashNtPasswordHash, lmPasswordHash, ntPasswordHash } from "./nt-hash.ts";

/**
 * Two salts with the first bit set that differ from each other: RFC 2548 §2.4.2 wants every
 * salt in one packet unique, because equal salts would encrypt both keys with one keystream.
 */
export function saltPair(randomBytes: (size: number) => Uint8Array): [Buffer, Buffer] {
  const r = Buffer.alloc(4);
  r.set(Buffer.from(randomBytes(4)).subarray(0, 4));
  const send = Buffer.from([(r[0] as number) | 0x80, r[1] as number]);
  const recv = Buffer.from([(r[2] as number) | 0x80, r[3] as number]);
  if (send.equals(recv)) recv[1] = (recv[1] as number) ^ 0x01;
  return [send, recv];
}

/** MS-MPPE-Send-Key and MS-MPPE-Recv-Key for an MS-CHAPv2 success (RFC 3079 + RFC 2548). */
export function encodeMppeKeyPair(
  passwordHash: Uint8Array,
  ntResponse: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
  randomBytes: (size: number) => Uint8Array,
): MicrosoftReplyAttribute[] {
  const { sendKey, recvKey } = msChapV2MppeKeys(hashNtPasswordHash(passwordHash), ntResponse);
  const [sendSalt, recvSalt] = saltPair(randomBytes);
  const send = encryptMppeKey(sendKey, sendSalt, secret, requestAuthenticator);
  const recv = encryptMppeKey(recvKey, recvSalt, secret, requestAuthenticator);
  // Both are non-null: 16-byte keys and salts with the first bit set are always accepted.
  if (!send || !recv) return [];
  return [microsoftAttribute("MS-MPPE-Send-Key", send), microsoftAttribute("MS-MPPE-Recv-Key", recv)];
}

/** MS-CHAP-MPPE-Keys for an MS-CHAPv1 success; the LM-Key is zeros when no LM hash exists. */
export function encodeMsChapV1Keys(
  password: string,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
): MicrosoftReplyAttribute[] {
  const lmKey = (lmPasswordHash(password) ?? Buffer.alloc(16)).subarray(0, 8);
  const ntKey = hashNtPasswordHash(ntPasswordHash(password));
  const value = encodeMsChapMppeKeys(lmKey, ntKey, secret, requestAuthenticator);
  return value ? [microsoftAttribute("MS-CHAP-MPPE-Keys", value)] : [];
}
