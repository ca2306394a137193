import { describe, expect, test } from "bun:test";
import { encodeMsChapError, formatMsChapError } from "./mschap-error.ts";
import {
  challengeHash,
  encodeMsChap2Response,
  encodeMsChap2Success,
  generateAuthenticatorResponse,
  generateNtResponse,
  parseMsChap2Response,
  verifyMsChapV2,
} from "./mschap-v2.ts";
import { hashNtPasswordHash, ntPasswordHash } from "./nt-hash.ts";

const h = (hex: string) => Buffer.from(hex, "hex");
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

// RFC 2759 §9.2, every value of the example.
const userName = "User";
const password = "clientPass";
const authenticatorChallenge = h("5B5D7C7D7B3F2F3E3C2C602132262628");
const peerChallenge = h("21402324255E262A28295F2B3A337C7E");
const NT_RESPONSE = "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF";
const AUTHENTICATOR_RESPONSE = "S=407A5589115FD0D6209F510FE9C04566932CDA56";

describe("RFC 2759 §9.2 vectors", () => {
  test("UserName and password bytes", () => {
    expect(hex(Buffer.from(userName))).toBe("55736572");
    expect(hex(Buffer.from(password, "utf16le"))).toBe("63006C00690065006E0074005000610073007300");
  });
  test("ChallengeHash", () => {
    expect(hex(challengeHash(peerChallenge, authenticatorChallenge, userName))).toBe("D02E4386BCE91226");
  });
  test("NtPasswordHash and PasswordHashHash", () => {
    expect(hex(ntPasswordHash(password))).toBe("44EBBA8D5312B8D611474411F56989AE");
    expect(hex(hashNtPasswordHash(ntPasswordHash(password)))).toBe("41C00C584BD2D91C4017A2A12FA59F3F");
  });
  test("NT-Response", () => {
    const nt = generateNtResponse(authenticatorChallenge, peerChallenge, userName, ntPasswordHash(password));
    expect(hex(nt)).toBe(NT_RESPONSE);
  });
  test("the hashes and key schedules kept for a password give, login after login, what fresh ones give", () => {
    for (let i = 0; i < 3; i++) {
      expect(hex(generateNtResponse(authenticatorChallenge, peerChallenge, userName, ntPasswordHash(password)))).toBe(
        NT_RESPONSE,
      );
      const other = h(`${i}`.repeat(32));
      // A copy of the hash is another object: nothing kept for it, computed afresh.
      const fresh = Buffer.from(ntPasswordHash(password));
      expect(hex(generateNtResponse(other, peerChallenge, userName, ntPasswordHash(password)))).toBe(
        hex(generateNtResponse(other, peerChallenge, userName, fresh)),
      );
    }
  });
  test("AuthenticatorResponse", () => {
    expect(
      generateAuthenticatorResponse({
        passwordHash: ntPasswordHash(password),
        ntResponse: h(NT_RESPONSE),
        peerChallenge,
        authenticatorChallenge,
        userName,
      }),
    ).toBe(AUTHENTICATOR_RESPONSE);
  });
});

describe("user names with a domain (RFC 2759 §8.2)", () => {
  test.each(["ACME\\User", "\\User"])('%p hashes as "User"', (name) => {
    expect(hex(challengeHash(peerChallenge, authenticatorChallenge, name))).toBe("D02E4386BCE91226");
  });
  test("a realm suffix is part of the name", () => {
    expect(hex(challengeHash(peerChallenge, authenticatorChallenge, "User@acme"))).not.toBe("D02E4386BCE91226");
  });
});

describe("MS-CHAP2-Response, -Success and MS-CHAP-Error", () => {
  const response = encodeMsChap2Response({ ident: 0x1d, authenticatorChallenge, peerChallenge, userName, password });

  test("the client's response holds ident, zero flags, peer challenge, zero reserved, NT-Response", () => {
    expect(response.length).toBe(50);
    expect(hex(response)).toBe(`1D00${hex(peerChallenge)}${"00".repeat(8)}${NT_RESPONSE}`);
    expect(parseMsChap2Response(response)).toMatchObject({ ident: 0x1d, flags: 0 });
  });

  test("MS-CHAP2-Success is the ident then the 42 characters of S=", () => {
    const success = encodeMsChap2Success(0x1d, AUTHENTICATOR_RESPONSE);
    expect(success[0]).toBe(0x1d);
    expect(success.subarray(1).toString("ascii")).toBe(AUTHENTICATOR_RESPONSE);
    expect(success.length).toBe(43);
  });

  test.each([
    [{ code: 691 }, "E=691 R=0"],
    [{ code: 691, retry: true }, "E=691 R=1"],
    [
      { code: 691, challenge: authenticatorChallenge, version: 3, message: "Authentication failed" },
      "E=691 R=0 C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3 M=Authentication failed",
    ],
    [{ code: 648, version: 3 }, "E=648 R=0 V=3"],
  ])("MS-CHAP-Error %o reads %p", (error, text) => {
    expect(formatMsChapError(error)).toBe(text);
    const value = encodeMsChapError(0x1d, error);
    expect(value[0]).toBe(0x1d);
    expect(value.subarray(1).toString("utf8")).toBe(text);
  });
});

describe("verifyMsChapV2", () => {
  const response = encodeMsChap2Response({ ident: 3, authenticatorChallenge, peerChallenge, userName, password });

  test("the right password yields the RFC's authenticator response and the NT hash for MPPE", () => {
    expect(verifyMsChapV2(authenticatorChallenge, response, userName, password)).toEqual({
      outcome: "ok",
      ident: 3,
      authenticatorResponse: AUTHENTICATOR_RESPONSE,
      passwordHash: ntPasswordHash(password),
      ntResponse: h(NT_RESPONSE),
    });
  });

  test("the domain-qualified User-Name a Windows peer sends also verifies", () => {
    expect(verifyMsChapV2(authenticatorChallenge, response, "WORKGROUP\\User", password).outcome).toBe("ok");
  });

  const other = Buffer.from(authenticatorChallenge);
  other[0] = (other[0] as number) ^ 1;
  test.each([
    ["a wrong password", { outcome: "mismatch", ident: 3 }, authenticatorChallenge, response, userName, "clientPasS"],
    ["another user's name", { outcome: "mismatch", ident: 3 }, authenticatorChallenge, response, "Usr", password],
    ["another authenticator challenge", { outcome: "mismatch", ident: 3 }, other, response, userName, password],
    [
      "an 8-byte challenge",
      { outcome: "malformed" },
      authenticatorChallenge.subarray(0, 8),
      response,
      userName,
      password,
    ],
    [
      "a 51-byte response",
      { outcome: "malformed" },
      authenticatorChallenge,
      Buffer.concat([response, Buffer.alloc(1)]),
      userName,
      password,
    ],
    ["an empty response", { outcome: "malformed" }, authenticatorChallenge, Buffer.alloc(0), userName, password],
  ] as const)("%s → %o", (_, expected, challenge, value, name, stored) => {
    expect(verifyMsChapV2(challenge, value, name, stored)).toEqual(expected);
  });
});
