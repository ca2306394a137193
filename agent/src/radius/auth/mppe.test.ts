import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { md5, xor } from "../bytes.ts";
import { decodeMsChapMppeKeys, decryptMppeKey, encodeMsChapMppeKeys, encryptMppeKey } from "./mppe-attributes.ts";
import { getAsymmetricStartKey, getMasterKey, msChapV2MppeKeys } from "./mppe-keys.ts";
import { saltPair } from "./mppe-replies.ts";

const h = (hex: string) => Buffer.from(hex, "hex");
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

// RFC 3079 §3.5, from the RFC 2759 §9.2 exchange.
const passwordHashHash = h("41C00C584BD2D91C4017A2A12FA59F3F");
const ntResponse = h("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF");
const MASTER_KEY = "FDECE3717A8C838CB388E527AE3CDD31";

describe("RFC 3079 §3.5 key derivation", () => {
  test("GetMasterKey", () => {
    expect(hex(getMasterKey(passwordHashHash, ntResponse))).toBe(MASTER_KEY);
  });

  // The RFC's SendStartKey is computed as the server's send key (IsSend, IsServer).
  test.each([
    [16, "8B7CDC149B993A1BA118CB153F56DCCB"],
    [8, "8B7CDC149B993A1B"],
  ] as const)("GetAsymmetricStartKey for %p bytes is SendStartKey", (length, key) => {
    expect(hex(getAsymmetricStartKey(h(MASTER_KEY), length, true, true))).toBe(key);
  });

  test("the peer's receive key is the server's send key, and the reverse", () => {
    const m = h(MASTER_KEY);
    expect(getAsymmetricStartKey(m, 16, false, false)).toEqual(getAsymmetricStartKey(m, 16, true, true));
    expect(getAsymmetricStartKey(m, 16, true, false)).toEqual(getAsymmetricStartKey(m, 16, false, true));
    expect(getAsymmetricStartKey(m, 16, true, true)).not.toEqual(getAsymmetricStartKey(m, 16, false, true));
  });

  test("the RADIUS Send-Key is the NAS's send key; the Recv-Key the one it receives with", () => {
    const { sendKey, recvKey } = msChapV2MppeKeys(passwordHashHash, ntResponse);
    expect(hex(sendKey)).toBe("8B7CDC149B993A1BA118CB153F56DCCB");
    expect(hex(recvKey)).toBe("D5F0E9521E3EA9589645E86051C82226");
  });
});

const secret = Buffer.from("testing123");
const authenticator = h("f0e0d0c0b0a090807060504030201000");
const key16 = h("8B7CDC149B993A1BA118CB153F56DCCB");

describe("MS-MPPE-Send-Key / Recv-Key encryption (RFC 2548 §2.4.2)", () => {
  test("the value is salt, then length byte + key + padding XOR MD5(secret + RA + salt), chained", () => {
    const salt = h("8001");
    const value = encryptMppeKey(key16, salt, secret, authenticator) as Buffer;
    expect(value.length).toBe(2 + 32);
    expect(value.subarray(0, 2)).toEqual(salt);
    const plain = Buffer.concat([Buffer.from([16]), key16, Buffer.alloc(15)]);
    const b1 = md5(secret, authenticator, salt);
    const c1 = xor(plain.subarray(0, 16), b1);
    expect(value.subarray(2, 18)).toEqual(c1);
    expect(value.subarray(18)).toEqual(xor(plain.subarray(16), md5(secret, c1)));
    expect(decryptMppeKey(value, secret, authenticator)).toEqual(key16);
  });

  test("different salts give different ciphertexts for one key", () => {
    const a = encryptMppeKey(key16, h("8001"), secret, authenticator);
    const b = encryptMppeKey(key16, h("8002"), secret, authenticator);
    expect(a?.subarray(2)).not.toEqual(b?.subarray(2));
  });

  test.each([
    ["a salt without its first bit", h("7fff"), key16],
    ["a one-byte salt", h("80"), key16],
    ["an empty key", h("8001"), Buffer.alloc(0)],
    ["a key longer than an attribute holds", h("8001"), Buffer.alloc(241)],
  ])("refuses to encrypt with %s", (_, salt, key) => {
    expect(encryptMppeKey(key, salt, secret, authenticator)).toBeNull();
  });

  const good = encryptMppeKey(key16, h("8123"), secret, authenticator) as Buffer;
  const unsalted = Buffer.from(good);
  unsalted[0] = 0x01;
  test.each([
    ["empty", Buffer.alloc(0)],
    ["only a salt", h("8123")],
    ["not whole blocks", good.subarray(0, 33)],
    ["a salt without its first bit", unsalted],
  ])("refuses to decrypt a value that is %s", (_, value) => {
    expect(decryptMppeKey(value, secret, authenticator)).toBeNull();
  });

  test("the wrong secret does not give the key back", () => {
    expect(decryptMppeKey(good, Buffer.from("wrong"), authenticator)).not.toEqual(key16);
  });

  test("any key of 1 to 240 bytes round-trips under any salt, secret and authenticator", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 240 }),
        fc.tuple(fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 0xff })),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (key, [s0, s1], s, ra) => {
          const value = encryptMppeKey(key, Buffer.from([s0, s1]), s, ra) as Buffer;
          expect((value.length - 2) % 16).toBe(0);
          expect(decryptMppeKey(value, s, ra)).toEqual(Buffer.from(key));
        },
      ),
      { numRuns: 500 },
    );
  });

  test("decrypting arbitrary bytes never throws", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (value) => {
        const key = decryptMppeKey(value, secret, authenticator);
        expect(key === null || key.length <= value.length - 3).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("salts for one reply", () => {
  test.each([
    ["random bytes", h("12345678")],
    ["equal halves", h("00000000")],
    ["halves equal once the first bit is set", h("00ab80ab")],
  ])("from %s: both have the first bit set and they differ", (_, bytes) => {
    const [a, b] = saltPair(() => bytes);
    expect((a[0] as number) & 0x80).toBe(0x80);
    expect((b[0] as number) & 0x80).toBe(0x80);
    expect(a.equals(b)).toBe(false);
  });
});

describe("MS-CHAP-MPPE-Keys (RFC 2548 §2.4.1)", () => {
  const lmKey = h("75BA30198E6D1975");
  const ntKey = h("41C00C584BD2D91C4017A2A12FA59F3F");

  test("24 bytes of keys are hidden like User-Password into 32 and come back", () => {
    const value = encodeMsChapMppeKeys(lmKey, ntKey, secret, authenticator) as Buffer;
    expect(value.length).toBe(32);
    expect(value.subarray(0, 16)).toEqual(
      xor(Buffer.concat([lmKey, ntKey]).subarray(0, 16), md5(secret, authenticator)),
    );
    expect(decodeMsChapMppeKeys(value, secret, authenticator)).toEqual({ lmKey, ntKey });
  });

  test.each([
    ["a 7-byte LM-Key", Buffer.alloc(7), ntKey],
    ["a 15-byte NT-Key", lmKey, Buffer.alloc(15)],
  ])("refuses %s", (_, lm, nt) => {
    expect(encodeMsChapMppeKeys(lm, nt, secret, authenticator)).toBeNull();
  });

  test("refuses to decode a value that is not 32 bytes", () => {
    expect(decodeMsChapMppeKeys(Buffer.alloc(16), secret, authenticator)).toBeNull();
  });
});
