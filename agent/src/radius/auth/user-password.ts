import { constantTimeEqual, md5, xor } from "../bytes.ts";

/** RFC 2865 §5.2: the hidden value is 16 to 128 bytes, in whole 16-byte blocks. */
export const USER_PASSWORD_MAX = 128;
const BLOCK = 16;

/**
 * RFC 2865 §5.2 hiding: the value is padded with NULs to whole 16-byte blocks and each block
 * is XORed with MD5(secret + previous ciphertext block), the first with the Request
 * Authenticator. RFC 2548 §2.4.1 reuses it for MS-CHAP-MPPE-Keys.
 * Returns null when the value is longer than 128 bytes.
 */
export function hideUserPassword(
  clear: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
): Buffer | null {
  if (clear.length > USER_PASSWORD_MAX) return null;
  const padded = Buffer.alloc(Math.max(BLOCK, Math.ceil(clear.length / BLOCK) * BLOCK));
  padded.set(clear);
  const out = Buffer.alloc(padded.length);
  let previous: Uint8Array = requestAuthenticator;
  for (let i = 0; i < padded.length; i += BLOCK) {
    const block = xor(padded.subarray(i, i + BLOCK), md5(secret, previous));
    out.set(block, i);
    previous = block;
  }
  return out;
}

/**
 * Reverses hideUserPassword, padding included (the caller strips NULs if the value is text).
 * Returns null for a value that cannot be a hidden one.
 */
export function revealUserPassword(
  hidden: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
): Buffer | null {
  if (hidden.length < BLOCK || hidden.length > USER_PASSWORD_MAX || hidden.length % BLOCK !== 0) {
    return null;
  }
  const out = Buffer.alloc(hidden.length);
  let previous: Uint8Array = requestAuthenticator;
  for (let i = 0; i < hidden.length; i += BLOCK) {
    const block = hidden.subarray(i, i + BLOCK);
    out.set(xor(block, md5(secret, previous)), i);
    previous = block;
  }
  return out;
}

/** Encodes a User-Password attribute value, as a NAS (or a test client) would send it. */
export function encodeUserPassword(
  password: string,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
): Buffer | null {
  return hideUserPassword(Buffer.from(password, "utf8"), secret, requestAuthenticator);
}

/** Decodes a User-Password attribute value to the password's bytes (trailing NULs removed). */
export function decodeUserPassword(
  hidden: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
): Buffer | null {
  const clear = revealUserPassword(hidden, secret, requestAuthenticator);
  if (!clear) return null;
  let end = clear.length;
  while (end > 0 && clear[end - 1] === 0) end--;
  return clear.subarray(0, end);
}

export type PapOutcome = "ok" | "mismatch" | "malformed";

export function verifyPap(
  userPassword: Uint8Array,
  storedPassword: string,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
): PapOutcome {
  const clear = decodeUserPassword(userPassword, secret, requestAuthenticator);
  if (!clear) return "malformed";
  return constantTimeEqual(clear, Buffer.from(storedPassword, "utf8")) ? "ok" : "mismatch";
}
