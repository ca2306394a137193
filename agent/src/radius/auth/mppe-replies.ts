import { type MicrosoftReplyAttribute, microsoftAttribute } from "./microsoft.attributes.ts";
import { encodeMsChapMppeKeys, encryptMppeKey } from "./mppe-attributes.ts";
import { msChapV2MppeKeys } from "./mppe-keys.ts";
import { hashNtPasswordHash, lmPasswordHash, ntPasswordHash } from "./nt-hash.ts";

/**
 * Two salts with the first bit set that differ from each other: RFC 2548 §2.4.2 wants every
 * salt in one packet unique, because equal salts would encrypt both keys with one keystream.
 */
export function saltPair(randomBytes: (size: number) => Uint8Array): [Buffer, Buffer] {
  const r = randomBytes(4);
  const send = Buffer.alloc(2);
  const recv = Buffer.alloc(2);
  send[0] = (r[0] ?? 0) | 0x80;
  send[1] = r[1] ?? 0;
  recv[0] = (r[2] ?? 0) | 0x80;
  recv[1] = r[3] ?? 0;
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
