import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { md5, xor } from "../bytes.ts";
import {
  decodeUserPassword,
  encodeUserPassword,
  hideUserPassword,
  revealUserPassword,
  verifyPap,
} from "./user-password.ts";

const secret = Buffer.from("testing123");
const authenticator = Buffer.from("0123456789abcdef0123456789abcdef", "hex");

describe("User-Password hiding (RFC 2865 §5.2)", () => {
  test("the first block is the padded password XOR MD5(secret + Request Authenticator)", () => {
    const hidden = encodeUserPassword("alice-pw", secret, authenticator);
    const padded = Buffer.alloc(16);
    padded.write("alice-pw");
    expect(hidden).toEqual(xor(padded, md5(secret, authenticator)));
  });

  test("later blocks chain on the previous ciphertext block, not the authenticator", () => {
    const password = "a".repeat(20);
    const hidden = encodeUserPassword(password, secret, authenticator) as Buffer;
    expect(hidden.length).toBe(32);
    const second = Buffer.alloc(16);
    second.write("a".repeat(4));
    expect(hidden.subarray(16)).toEqual(xor(second, md5(secret, hidden.subarray(0, 16))));
  });

  test.each([
    ["", 16],
    ["x", 16],
    ["fifteen-chars!!", 16],
    ["sixteen-chars!!!", 16],
    ["seventeen-chars!!", 32],
    ["pässwörd-ümlaut", 32],
    ["p".repeat(128), 128],
  ])("%p hides to %p bytes and reveals back", (password, length) => {
    const hidden = encodeUserPassword(password, secret, authenticator) as Buffer;
    expect(hidden.length).toBe(length);
    const clear = decodeUserPassword(hidden, secret, authenticator);
    expect(clear?.toString("utf8")).toBe(password);
  });

  test("a password longer than 128 bytes cannot be hidden", () => {
    expect(encodeUserPassword("p".repeat(129), secret, authenticator)).toBeNull();
  });

  test.each([
    ["empty", 0],
    ["shorter than a block", 15],
    ["not whole blocks", 17],
    ["longer than 128", 144],
  ])("a hidden value that is %s is refused", (_, length) => {
    expect(revealUserPassword(Buffer.alloc(length, 7), secret, authenticator)).toBeNull();
    expect(decodeUserPassword(Buffer.alloc(length, 7), secret, authenticator)).toBeNull();
  });

  test("reveal keeps the padding; decode strips it", () => {
    const hidden = hideUserPassword(Buffer.from("ab"), secret, authenticator) as Buffer;
    expect(revealUserPassword(hidden, secret, authenticator)).toEqual(
      Buffer.concat([Buffer.from("ab"), Buffer.alloc(14)]),
    );
  });

  test("any password of up to 128 bytes round-trips under any secret and authenticator", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 128 }).filter((b) => b.length === 0 || b[b.length - 1] !== 0),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (clear, s, ra) => {
          const hidden = hideUserPassword(clear, s, ra) as Buffer;
          expect(decodeUserPassword(hidden, s, ra)).toEqual(Buffer.from(clear));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("verifyPap", () => {
  const sent = (password: string) => encodeUserPassword(password, secret, authenticator) as Buffer;

  test.each([
    ["the right password", "ok", sent("s3cret")],
    ["a wrong password", "mismatch", sent("s3cre7")],
    ["a prefix of the password", "mismatch", sent("s3cr")],
    ["the password with more after it", "mismatch", sent("s3cret!")],
    ["an empty password against a stored one", "mismatch", sent("")],
    ["an empty value", "malformed", Buffer.alloc(0)],
    ["a value of 20 bytes", "malformed", Buffer.alloc(20)],
  ] as const)("%s → %s", (_, outcome, value) => {
    expect(verifyPap(value, "s3cret", secret, authenticator)).toBe(outcome);
  });

  test("the same password hidden under another secret does not verify", () => {
    const other = encodeUserPassword("s3cret", Buffer.from("other-secret"), authenticator) as Buffer;
    expect(verifyPap(other, "s3cret", secret, authenticator)).toBe("mismatch");
  });
});
