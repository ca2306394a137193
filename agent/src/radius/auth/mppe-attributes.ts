import { md5, xor } from "../bytes.ts";
import { hideUserPassword, revealUserPassword } from "./user-password.ts";

const BLOCK = 16;
/** The longest key RFC 2548 §2.4.2 allows in practice: the attribute must fit in 253 bytes. */
const MAX_KEY = 240;

/** A salt is 2 bytes whose first bit is set (RFC 2548 §2.4.2). */
export function isValidSalt(salt: Uint8Array): boolean {
  return salt.length === 2 && ((salt[0] as number) & 0x80) !== 0;
}

/**
 * RFC 2548 §2.4.2/§2.4.3 MS-MPPE-Send-Key / MS-MPPE-Recv-Key value: Salt, then the key
 * length byte, the key and zero padding to whole 16-byte blocks, XORed block by block with
 * MD5(secret + Request Authenticator + Salt), then MD5(secret + previous ciphertext block).
 * Each attribute in one reply needs its own salt. Returns null for a bad salt or key.
 */
export function encryptMppeKey(
  key: Uint8Array,
  salt: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
): Buffer | null {
  if (!isValidSalt(salt) || key.length === 0 || key.length > MAX_KEY) return null;
  // Salt, then the plain text (length, key, zeros) encrypted in place, block by block.
  const out = Buffer.alloc(2 + Math.ceil((key.length + 1) / BLOCK) * BLOCK);
  out.set(salt, 0);
  out[2] = key.length;
  out.set(key, 3);
  // secret + the previous cipher block, hashed for the next: one buffer, refilled.
  const chained = Buffer.allocUnsafe(secret.length + BLOCK);
  chained.set(secret, 0);
  let pad = md5(secret, requestAuthenticator, salt);
  for (let at = 2; at < out.length; at += BLOCK) {
    for (let j = 0; j < BLOCK; j++) out[at + j] = (out[at + j] as number) ^ (pad[j] as number);
    if (at + BLOCK < out.length) {
      out.copy(chained, secret.length, at, at + BLOCK);
      pad = md5(chained);
    }
  }
  return out;
}

/** Reverses encryptMppeKey; null for anything that cannot be such a value. */
export function decryptMppeKey(value: Uint8Array, secret: Uint8Array, requestAuthenticator: Uint8Array): Buffer | null {
  const cipherLength = value.length - 2;
  if (cipherLength < BLOCK || cipherLength % BLOCK !== 0) return null;
  const salt = value.subarray(0, 2);
  if (!isValidSalt(salt)) return null;
  const plain = Buffer.alloc(cipherLength);
  let previous = md5(secret, requestAuthenticator, salt);
  for (let i = 0; i < cipherLength; i += BLOCK) {
    const block = value.subarray(2 + i, 2 + i + BLOCK);
    plain.set(xor(block, previous), i);
    previous = md5(secret, block);
  }
  const keyLength = plain[0] as number;
  if (keyLength === 0 || keyLength > cipherLength - 1) return null;
  return plain.subarray(1, 1 + keyLength);
}

/**
 * RFC 2548 §2.4.1 MS-CHAP-MPPE-Keys for MS-CHAPv1: LM-Key (8) and NT-Key (16), hidden like
 * User-Password (the 24 bytes pad to 32). The NT-Key to send is the hash of the NT hash, not
 * the NT hash the RFC 2548 text names: RFC 3079's MS-CHAPv1 keys start from the hash of the
 * hash, and FreeRADIUS sends it for the same reason.
 */
export function encodeMsChapMppeKeys(
  lmKey: Uint8Array,
  ntKey: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
): Buffer | null {
  if (lmKey.length !== 8 || ntKey.length !== 16) return null;
  return hideUserPassword(Buffer.concat([lmKey, ntKey]), secret, requestAuthenticator);
}

export function decodeMsChapMppeKeys(
  value: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
): { lmKey: Buffer; ntKey: Buffer } | null {
  if (value.length !== 32) return null;
  const clear = revealUserPassword(value, secret, requestAuthenticator);
  if (!clear) return null;
  return { lmKey: clear.subarray(0, 8), ntKey: clear.subarray(8, 24) };
}
