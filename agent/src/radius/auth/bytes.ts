import { createCipheriv, createHash, timingSafeEqual } from "node:crypto";

// Bun 1.4.5's node:crypto is BoringSSL-backed: MD4 and single DES work without OpenSSL's legacy
// provider (checked in primitives.test.ts), so no pure-TS fallback is needed.

export function md5(...parts: Uint8Array[]): Buffer {
  const h = createHash("md5");
  for (const p of parts) h.update(p);
  return h.digest();
}

export function sha1(...parts: Uint8Array[]): Buffer {
  const h = createHash("sha1");
  for (const p of parts) h.update(p);
  return h.digest();
}

export function md4(data: Uint8Array): Buffer {
  return createHash("md4").update(data).digest();
}

/**
 * Equality whose running time depends neither on where the inputs differ nor on whether their
 * lengths match: both sides go through SHA-256 first (a collision is not a practical concern),
 * so a guess at a stored password learns nothing from the time the answer took.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
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
  const key = Buffer.alloc(8);
  let bits = 0n;
  for (let i = 0; i < 7; i++) bits = (bits << 8n) | BigInt(key7[i] ?? 0);
  for (let i = 0; i < 8; i++) {
    const seven = Number((bits >> BigInt(49 - 7 * i)) & 0x7fn);
    let byte = seven << 1;
    let ones = 0;
    for (let b = seven; b; b >>= 1) ones += b & 1;
    if (ones % 2 === 0) byte |= 1;
    key[i] = byte;
  }
  const cipher = createCipheriv("des-ecb", key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(clear.subarray(0, 8)), cipher.final()]);
}

export function hexUpper(data: Uint8Array): string {
  return Buffer.from(data).toString("hex").toUpperCase();
}
