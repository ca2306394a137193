import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { chapResponse, encodeChapPassword, verifyChap } from "./chap.ts";

const h = (hex: string) => Buffer.from(hex, "hex");
const authenticator = h("00112233445566778899aabbccddeeff");

describe("CHAP response (RFC 1994 §4.1)", () => {
  test.each([
    // Published by PEAR Crypt_CHAP's test suite, an independent implementation.
    [1, "MyPw", "102DB5DF085D3041", "8f028814450d66d94c72331ef455a172"],
    [1, "sepp", "102DB5DF085D3041", "d39bfaf5d6855a948c8c81a85947502c"],
  ])("ident %p, password %p, challenge %s → %s", (ident, password, challenge, response) => {
    expect(chapResponse(ident, password, h(challenge)).toString("hex")).toBe(response);
  });

  test("is MD5 over ident, password and challenge in that order", () => {
    const expected = createHash("md5")
      .update(Buffer.concat([Buffer.from([0x2a]), Buffer.from("pw"), authenticator]))
      .digest();
    expect(chapResponse(0x2a, "pw", authenticator)).toEqual(expected);
  });
});

describe("verifyChap", () => {
  const challenge = h("0f1e2d3c4b5a69788796a5b4c3d2e1f0");

  const sent = encodeChapPassword(7, "pw", challenge);
  test.each([
    ["right password, CHAP-Challenge sent", "ok", sent, challenge],
    ["right password, Request Authenticator as challenge", "ok", encodeChapPassword(7, "pw", authenticator), undefined],
    ["wrong password", "mismatch", encodeChapPassword(7, "pX", challenge), challenge],
    // A response computed over the authenticator does not pass when a CHAP-Challenge was sent.
    ["response over the wrong challenge", "mismatch", encodeChapPassword(7, "pw", authenticator), challenge],
    ["ident changed in transit", "mismatch", Buffer.concat([Buffer.from([8]), sent.subarray(1)]), challenge],
    ["CHAP-Password of 16 bytes", "malformed", Buffer.alloc(16), challenge],
    ["CHAP-Password of 18 bytes", "malformed", Buffer.alloc(18), challenge],
    ["empty CHAP-Password", "malformed", Buffer.alloc(0), challenge],
    ["empty CHAP-Challenge", "malformed", sent, Buffer.alloc(0)],
  ] as const)("%s → %s", (_, outcome, chapPassword, chapChallenge) => {
    expect(verifyChap(chapPassword, chapChallenge, authenticator, "pw")).toBe(outcome);
  });
});
