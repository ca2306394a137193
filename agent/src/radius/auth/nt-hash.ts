import { RecentMap } from "../../recent-map.ts";
import { desCipher, desEncrypt, md4 } from "../bytes.ts";

// An MS-CHAP login derives the same things from the same password every time: two MD4s and
// three DES key schedules, a large part of its cost (tests/bench/radius.ts). They are kept, in
// memory only as the passwords themselves are: the NT hash for the password, the rest for that
// hash object. They are shared, so nobody writes to a hash these functions take or return.
const ntHashes = new RecentMap<Buffer>(10 * 60_000, 4_096);
const hashHashes = new WeakMap<Uint8Array, Buffer>();
const desThirds = new WeakMap<Uint8Array, ((clear: Uint8Array) => Buffer)[]>();

/** RFC 2759 §8.3 NtPasswordHash: MD4 of the password in UTF-16LE, no terminating NUL. */
export function ntPasswordHash(password: string): Buffer {
  const now = Date.now();
  let hash = ntHashes.get(password, now);
  if (hash === undefined) {
    hash = md4(Buffer.from(password, "utf16le"));
    ntHashes.set(password, hash, now);
  }
  return hash;
}

/** RFC 2759 §8.4 HashNtPasswordHash: MD4 of the NT hash. */
export function hashNtPasswordHash(passwordHash: Uint8Array): Buffer {
  let hash = hashHashes.get(passwordHash);
  if (hash === undefined) {
    hash = md4(passwordHash);
    hashHashes.set(passwordHash, hash);
  }
  return hash;
}

/**
 * RFC 2759 §8.5 ChallengeResponse: the 8-byte challenge DES-encrypted under each third of the
 * password hash padded with zeros to 21 bytes; 24 bytes in all. MS-CHAPv1 (RFC 2433 §A.5)
 * and MS-CHAPv2 share it.
 */
export function challengeResponse(challenge: Uint8Array, passwordHash: Uint8Array): Buffer {
  let thirds = desThirds.get(passwordHash);
  if (thirds === undefined) {
    const z = Buffer.alloc(21);
    z.set(passwordHash.subarray(0, 16));
    thirds = [desCipher(z.subarray(0, 7)), desCipher(z.subarray(7, 14)), desCipher(z.subarray(14, 21))];
    desThirds.set(passwordHash, thirds);
  }
  const out = Buffer.allocUnsafe(24);
  for (let i = 0; i < 3; i++) out.set((thirds[i] as (clear: Uint8Array) => Buffer)(challenge), 8 * i);
  return out;
}

const LM_MAGIC = Buffer.from("KGS!@#$%", "latin1");

/**
 * RFC 2433 §A.2 LmPasswordHash, needed only for the LM-Key half of MS-CHAP-MPPE-Keys (40- and
 * 56-bit MPPE under MS-CHAPv1, RFC 3079 §2.1). It is defined for at most 14 OEM characters;
 * for anything else it returns null and the LM-Key is sent as zeros, as FreeRADIUS does.
 */
export function lmPasswordHash(password: string): Buffer | null {
  // Printable ASCII only: other characters depend on the client's OEM code page.
  if (password.length > 14 || !/^[\x20-\x7e]*$/.test(password)) return null;
  const key = Buffer.alloc(14);
  key.write(password.toUpperCase(), "latin1");
  return Buffer.concat([desEncrypt(LM_MAGIC, key.subarray(0, 7)), desEncrypt(LM_MAGIC, key.subarray(7, 14))]);
}
