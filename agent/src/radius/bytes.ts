// The byte-level primitives both the packet layer (authenticators, Message-Authenticator) and the
// credential checks (CHAP, MS-CHAP, MPPE) are built on.
import { createCipheriv, createHash, timingSafeEqual } from "node:crypto";

// Bun 1.4.5's node:crypto is BoringSSL-backed: MD4 and single DES work without OpenSSL's legacy
// provider (checked in bytes.test.ts), so no pure-TS fallback is needed.

// One-shot hashes through Bun's own hashers: a third to a half cheaper per call than
// node:crypto's createHash, and the request path makes several per packet. Each hashes into a
// Buffer of its own: wrapping the Uint8Array Bun.MD5.hash returns (through its `.buffer`) cost
// three times the hash itself.
const joined = (parts: Uint8Array[]) => (parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts));

export function md5(...parts: Uint8Array[]): Buffer {
  return Bun.MD5.hash(joined(parts), Buffer.allocUnsafe(16)) as Buffer;
}

export function sha1(...parts: Uint8Array[]): Buffer {
  return Bun.SHA1.hash(joined(parts), Buffer.allocUnsafe(20)) as Buffer;
}

/**
 * A copy of the first `n` octets. Cheaper than a view of a buffer just made: JavaScriptCore
 * keeps a small typed array inside its own heap until something takes a view of it, and then
 * moves it out, an allocation and a copy.
 */
export function head(bytes: Buffer, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  bytes.copy(out, 0, 0, n);
  return out;
}

export function md4(data: Uint8Array): Buffer {
  return createHash("md4").update(data).digest();
}

export function hmacMd5(key: Uint8Array, data: Uint8Array): Buffer {
  // digest() with no target is a Buffer already.
  return new Bun.CryptoHasher("md5", key).update(data).digest();
}

/**
 * Equality whose running time depends neither on where the inputs differ nor on whether their
 * lengths match: both sides go through SHA-256 first (a collision is not a practical concern),
 * so a guess at a stored password learns nothing from the time the answer took.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return timingSafeEqual(Bun.SHA256.hash(a), Bun.SHA256.hash(b));
}

export function xor(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.alloc(Math.min(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}

/**
 * DES-ECB of one 8-byte block under a 56-bit key given as 7 bytes, as MS-CHAP uses it
 * (RFC 2759 §8.6 DesEncrypt): the 56 bits are spread over 8 bytes, 7 bits each, and the low
 * bit of each byte is set to odd parity (DES ignores it; some libraries insist on it).
 */
export function desEncrypt(clear: Uint8Array, key7: Uint8Array): Buffer {
  return desCipher(key7)(clear);
}

/**
 * DesEncrypt under one key, made once (the key schedule) for any number of blocks: ECB with no
 * padding, so each update is one whole block, independent of the ones before.
 */
export function desCipher(key7: Uint8Array): (clear: Uint8Array) => Buffer {
  const key = Buffer.alloc(8);
  // Bit 7·i of the 56 starts key byte i: (the rest of key7[i - 1]) then (the top of key7[i]).
  for (let i = 0; i < 8; i++) {
    const high = i === 0 ? 0 : ((key7[i - 1] ?? 0) << (8 - i)) & 0xff;
    const low = i === 7 ? 0 : (key7[i] ?? 0) >> i;
    const seven = (high | low) >> 1;
    let ones = 0;
    for (let b = seven; b; b >>= 1) ones += b & 1;
    key[i] = (seven << 1) | (ones % 2 === 0 ? 1 : 0);
  }
  const cipher = createCipheriv("des-ecb", key, null);
  cipher.setAutoPadding(false);
  return (clear) => cipher.update(clear.length === 8 ? clear : clear.subarray(0, 8));
}

export function hexUpper(data: Uint8Array): string {
  return Buffer.from(data).toString("hex").toUpperCase();
}
