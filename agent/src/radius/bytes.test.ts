import { describe, expect, test } from "bun:test";
import { createCipheriv, createHash } from "node:crypto";
import { constantTimeEqual, desCipher, desEncrypt, md4 } from "./bytes.ts";

const h = (hex: string) => Buffer.from(hex, "hex");

// MS-CHAP stands on MD4 and single DES, which OpenSSL 3 hides behind its legacy provider. These
// tests pin that the Bun we ship (1.4.5, BoringSSL) still has both, with the standard vectors.
describe("Bun's crypto has what MS-CHAP needs", () => {
  test.each([
    ["", "31d6cfe0d16ae931b73c59d7e0c089c0"],
    ["abc", "a448017aaf21d8525fc10ae87aa6729d"],
    ["message digest", "d9130a8164549fe818874806e1c7014b"],
    [
      "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
      "e33b4ddc9c38f2199c3e7b164fcc0536",
    ],
  ])("MD4(%p) matches RFC 1320 §A.5", (input, digest) => {
    expect(md4(Buffer.from(input, "ascii")).toString("hex")).toBe(digest);
    expect(createHash("md4").update(input).digest("hex")).toBe(digest);
  });

  test("des-ecb matches the FIPS 81 example (key 0123456789ABCDEF, 'Now is t')", () => {
    const c = createCipheriv("des-ecb", h("0123456789abcdef"), null);
    c.setAutoPadding(false);
    const out = Buffer.concat([c.update(h("4e6f772069732074")), c.final()]);
    expect(out.toString("hex")).toBe("3fa40e8a984d4815");
  });
});

/** Drops the parity bit of each of 8 key bytes, giving the 7-byte form MS-CHAP uses. */
function sevenByteKey(key8: Buffer): Buffer {
  let bits = 0n;
  for (const byte of key8) bits = (bits << 7n) | BigInt(byte >> 1);
  const out = Buffer.alloc(7);
  for (let i = 6; i >= 0; i--) {
    out[i] = Number(bits & 0xffn);
    bits >>= 8n;
  }
  return out;
}

describe("desEncrypt with a 56-bit key", () => {
  test.each([
    // FIPS 81 / the classic DES examples, keys given with their parity bits.
    ["0123456789abcdef", "4e6f772069732074", "3fa40e8a984d4815"],
    ["133457799bbcdff1", "0123456789abcdef", "85e813540f0ab405"],
    ["0e329232ea6d0d73", "8787878787878787", "0000000000000000"],
  ])("key %s, block %s → %s", (key, clear, cipher) => {
    expect(desEncrypt(h(clear), sevenByteKey(h(key))).toString("hex")).toBe(cipher);
  });
});

test("one DES key schedule encrypts block after block as a fresh one would (ECB keeps no state)", () => {
  const encrypt = desCipher(sevenByteKey(h("133457799bbcdff1")));
  for (const [clear, cipher] of [
    ["0123456789abcdef", "85e813540f0ab405"],
    ["4e6f772069732074", desEncrypt(h("4e6f772069732074"), sevenByteKey(h("133457799bbcdff1"))).toString("hex")],
    ["0123456789abcdef", "85e813540f0ab405"],
  ] as const) {
    expect(encrypt(h(clear)).toString("hex")).toBe(cipher);
  }
});

describe("constantTimeEqual", () => {
  test.each([
    ["", "", true],
    ["00", "00", true],
    ["00", "01", false],
    ["0001", "00", false],
    ["", "00", false],
    ["deadbeef", "deadbeef", true],
  ])("%p vs %p → %p", (a, b, equal) => {
    expect(constantTimeEqual(h(a), h(b))).toBe(equal);
  });
});
