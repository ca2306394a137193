import { describe, expect, test } from "bun:test";
import { encodeMsChapResponse, ntChallengeResponse, parseMsChapResponse, verifyMsChapV1 } from "./mschap-v1.ts";
import { lmPasswordHash, ntPasswordHash } from "./nt-hash.ts";

const h = (hex: string) => Buffer.from(hex, "hex");

// RFC 2433 Appendix B: password "MyPw", challenge 102DB5DF085D3041.
const challenge = h("102DB5DF085D3041");

describe("RFC 2433 Appendix B vectors", () => {
  test("the password in Unicode", () => {
    expect(Buffer.from("MyPw", "utf16le").toString("hex").toUpperCase()).toBe("4D00790050007700");
  });
  test("NtPasswordHash", () => {
    expect(ntPasswordHash("MyPw").toString("hex").toUpperCase()).toBe("FC156AF7EDCD6C0EDDE3337D427F4EAC");
  });
  test("NtChallengeResponse", () => {
    expect(ntChallengeResponse(challenge, "MyPw").toString("hex").toUpperCase()).toBe(
      "4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61",
    );
  });
  test("LmPasswordHash (used only for the LM-Key of MS-CHAP-MPPE-Keys)", () => {
    expect(lmPasswordHash("MyPw")?.toString("hex").toUpperCase()).toBe("75BA30198E6D1975AAD3B435B51404EE");
  });
});

describe("lmPasswordHash", () => {
  test.each([
    ["15 characters", "a".repeat(15)],
    ["non-ASCII", "pässword"],
  ])("does not exist for %s", (_, password) => {
    expect(lmPasswordHash(password)).toBeNull();
  });
  test("ignores case, as LM does", () => {
    expect(lmPasswordHash("mypw")).toEqual(lmPasswordHash("MYPW"));
  });
});

describe("MS-CHAP-Response (RFC 2548 §2.1.1)", () => {
  test("a client's response carries ident, the use-NT flag, a zero LM-Response and the NT-Response", () => {
    const value = encodeMsChapResponse(0x42, challenge, "MyPw");
    expect(value.length).toBe(50);
    expect(parseMsChapResponse(value)).toEqual({
      ident: 0x42,
      flags: 1,
      lmResponse: Buffer.alloc(24),
      ntResponse: h("4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61"),
    });
  });
});

describe("verifyMsChapV1", () => {
  const good = encodeMsChapResponse(9, challenge, "MyPw");
  const lmOnly = Buffer.from(good);
  lmOnly[1] = 0;

  test.each([
    ["the right password", { outcome: "ok", ident: 9 }, challenge, good],
    ["a wrong password", { outcome: "mismatch", ident: 9 }, challenge, encodeMsChapResponse(9, challenge, "MyPW")],
    ["a response to another challenge", { outcome: "mismatch", ident: 9 }, h("0000000000000001"), good],
    ["an LM-only response (flags 0)", { outcome: "unsupported", ident: 9 }, challenge, lmOnly],
    ["a 16-byte challenge", { outcome: "malformed" }, Buffer.alloc(16), good],
    ["an empty challenge", { outcome: "malformed" }, Buffer.alloc(0), good],
    ["a 49-byte response", { outcome: "malformed" }, challenge, good.subarray(0, 49)],
    ["an empty response", { outcome: "malformed" }, challenge, Buffer.alloc(0)],
  ] as const)("%s → %o", (_, expected, ch, response) => {
    expect(verifyMsChapV1(ch, response, "MyPw")).toEqual(expected);
  });
});
