import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { encodeChapPassword } from "./chap.ts";
import type { MicrosoftReplyAttribute } from "./microsoft.attributes.ts";
import { decodeMsChapMppeKeys, decryptMppeKey } from "./mppe-attributes.ts";
import { encodeMsChapResponse } from "./mschap-v1.ts";
import { encodeMsChap2Response } from "./mschap-v2.ts";
import { encodeUserPassword } from "./user-password.ts";
import { type CredentialRequest, type VerifyContext, verifyCredentials } from "./verify-credentials.ts";

const h = (hex: string) => Buffer.from(hex, "hex");
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

const secret = Buffer.from("s3cr3t-of-the-nas");
const requestAuthenticator = h("a1b2c3d4e5f60718293a4b5c6d7e8f90");
const ctx: VerifyContext = { secret, requestAuthenticator, userName: "User", randomBytes: () => h("01020304") };

// RFC 2759 §9.2 exchange, so the MS-CHAPv2 reply can be checked against RFC 3079 §3.5.
const authChallenge = h("5B5D7C7D7B3F2F3E3C2C602132262628");
const peerChallenge = h("21402324255E262A28295F2B3A337C7E");
const v1Challenge = h("102DB5DF085D3041");
const chapChallenge = h("00112233445566778899aabbccddeeff");

function requestFor(kind: CredentialRequest["kind"], password: string): CredentialRequest {
  switch (kind) {
    case "pap":
      return { kind, userPassword: encodeUserPassword(password, secret, requestAuthenticator) as Buffer };
    case "chap":
      return { kind, chapPassword: encodeChapPassword(5, password, chapChallenge), chapChallenge };
    case "mschap":
      return { kind, msChapChallenge: v1Challenge, msChapResponse: encodeMsChapResponse(6, v1Challenge, password) };
    case "mschapv2":
      return {
        kind,
        msChapChallenge: authChallenge,
        msChap2Response: encodeMsChap2Response({
          ident: 7,
          authenticatorChallenge: authChallenge,
          peerChallenge,
          userName: "User",
          password,
        }),
      };
  }
}

function byName(attrs: MicrosoftReplyAttribute[], name: string): MicrosoftReplyAttribute {
  const found = attrs.find((a) => a.name === name);
  if (!found) throw new Error(`no ${name} in the reply`);
  return found;
}
const KINDS = ["pap", "chap", "mschap", "mschapv2"] as const;

describe("verifyCredentials, right and wrong password for each kind", () => {
  test.each(KINDS)("%s: the right password is accepted, a wrong one refused as mismatch", (kind) => {
    expect(verifyCredentials(requestFor(kind, "clientPass"), "clientPass", ctx)).toMatchObject({ ok: true, kind });
    expect(verifyCredentials(requestFor(kind, "clientPasz"), "clientPass", ctx)).toMatchObject({
      ok: false,
      kind,
      reason: "mismatch",
    });
  });

  test.each(["pap", "chap"] as const)("%s replies carry no Microsoft attributes", (kind) => {
    expect(verifyCredentials(requestFor(kind, "clientPass"), "clientPass", ctx).replyAttributes).toEqual([]);
    expect(verifyCredentials(requestFor(kind, "nope"), "clientPass", ctx).replyAttributes).toEqual([]);
  });
});

describe("MS-CHAPv2 replies", () => {
  test("success carries MS-CHAP2-Success with the RFC 2759 response and the RFC 3079 keys, encrypted", () => {
    const result = verifyCredentials(requestFor("mschapv2", "clientPass"), "clientPass", ctx);
    expect(result.ok).toBe(true);
    expect(result.replyAttributes.map((a) => [a.vendorId, a.type, a.name])).toEqual([
      [311, 26, "MS-CHAP2-Success"],
      [311, 16, "MS-MPPE-Send-Key"],
      [311, 17, "MS-MPPE-Recv-Key"],
    ]);
    const success = byName(result.replyAttributes, "MS-CHAP2-Success").value;
    expect(success[0]).toBe(7);
    expect(success.subarray(1).toString("ascii")).toBe("S=407A5589115FD0D6209F510FE9C04566932CDA56");

    const send = byName(result.replyAttributes, "MS-MPPE-Send-Key").value;
    const recv = byName(result.replyAttributes, "MS-MPPE-Recv-Key").value;
    expect(hex(send.subarray(0, 2))).toBe("8102");
    expect(hex(recv.subarray(0, 2))).toBe("8304");
    expect(hex(decryptMppeKey(send, secret, requestAuthenticator) as Buffer)).toBe("8B7CDC149B993A1BA118CB153F56DCCB");
    expect(hex(decryptMppeKey(recv, secret, requestAuthenticator) as Buffer)).toBe("D5F0E9521E3EA9589645E86051C82226");
  });

  test("failure carries MS-CHAP-Error with the response's ident, 691, no retry, version 3", () => {
    const result = verifyCredentials(requestFor("mschapv2", "wrong"), "clientPass", ctx);
    const error = byName(result.replyAttributes, "MS-CHAP-Error").value;
    expect(result.replyAttributes.length).toBe(1);
    expect(error[0]).toBe(7);
    expect(error.subarray(1).toString("utf8")).toBe(
      "E=691 R=0 C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3 M=Authentication failed",
    );
  });

  test("without a fixed salt source the salts are random, valid and distinct", () => {
    const { randomBytes: _, ...unsalted } = ctx;
    const salts = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const r = verifyCredentials(requestFor("mschapv2", "clientPass"), "clientPass", unsalted);
      const s = hex(byName(r.replyAttributes, "MS-MPPE-Send-Key").value.subarray(0, 2));
      const v = hex(byName(r.replyAttributes, "MS-MPPE-Recv-Key").value.subarray(0, 2));
      expect(s).not.toBe(v);
      salts.add(s);
    }
    expect(salts.size).toBeGreaterThan(1);
  });
});

describe("MS-CHAPv1 replies", () => {
  test("success carries MS-CHAP-MPPE-Keys: LM-Key and the hash of the NT hash", () => {
    const result = verifyCredentials(requestFor("mschap", "clientPass"), "clientPass", ctx);
    const keys = byName(result.replyAttributes, "MS-CHAP-MPPE-Keys");
    expect([keys.vendorId, keys.type]).toEqual([311, 12]);
    const decoded = decodeMsChapMppeKeys(keys.value, secret, requestAuthenticator);
    expect(hex(decoded?.ntKey as Buffer)).toBe("41C00C584BD2D91C4017A2A12FA59F3F");
    expect(decoded?.lmKey.length).toBe(8);
  });

  test("a password with no LM hash sends a zero LM-Key", () => {
    const long = "a-password-longer-than-14";
    const result = verifyCredentials(requestFor("mschap", long), long, ctx);
    const keys = byName(result.replyAttributes, "MS-CHAP-MPPE-Keys");
    expect(decodeMsChapMppeKeys(keys.value, secret, requestAuthenticator)?.lmKey).toEqual(Buffer.alloc(8));
  });

  test("failure carries MS-CHAP-Error E=691 R=0 with the ident", () => {
    const result = verifyCredentials(requestFor("mschap", "wrong"), "clientPass", ctx);
    const error = byName(result.replyAttributes, "MS-CHAP-Error").value;
    expect(error[0]).toBe(6);
    expect(error.subarray(1).toString("utf8")).toBe("E=691 R=0");
  });
});

describe("malformed requests and contexts", () => {
  test.each([
    ["empty User-Password", { kind: "pap", userPassword: Buffer.alloc(0) }],
    ["empty CHAP-Password", { kind: "chap", chapPassword: Buffer.alloc(0) }],
    ["empty MS-CHAP-Response", { kind: "mschap", msChapChallenge: v1Challenge, msChapResponse: Buffer.alloc(0) }],
    [
      "empty MS-CHAP-Challenge",
      { kind: "mschapv2", msChapChallenge: Buffer.alloc(0), msChap2Response: Buffer.alloc(50) },
    ],
    ["a missing attribute", { kind: "mschapv2", msChapChallenge: authChallenge } as unknown as CredentialRequest],
    ["an unknown kind", { kind: "eap" } as unknown as CredentialRequest],
  ] as [string, CredentialRequest][])("%s → malformed, no reply attributes", (_, request) => {
    expect(verifyCredentials(request, "clientPass", ctx)).toMatchObject({
      ok: false,
      reason: "malformed",
      replyAttributes: [],
    });
  });

  test.each([
    ["an empty secret", { ...ctx, secret: Buffer.alloc(0) }],
    ["a 15-byte authenticator", { ...ctx, requestAuthenticator: Buffer.alloc(15) }],
    ["no user name", { ...ctx, userName: undefined as unknown as string }],
  ])("%s → bad-context, even with the right password", (_, badCtx) => {
    expect(verifyCredentials(requestFor("chap", "clientPass"), "clientPass", badCtx)).toMatchObject({
      ok: false,
      reason: "bad-context",
    });
  });

  test("no stored password (an unknown user) → bad-context, not a throw", () => {
    const noPassword = undefined as unknown as string;
    for (const kind of KINDS) {
      expect(verifyCredentials(requestFor(kind, "clientPass"), noPassword, ctx)).toMatchObject({
        ok: false,
        reason: "bad-context",
      });
    }
  });
});

describe("fuzzed with fast-check: hostile bytes never throw and never log in", () => {
  const bytes = fc.uint8Array({ maxLength: 160 });
  const arbitraryCtx = fc.record({
    secret: fc.uint8Array({ maxLength: 32 }),
    requestAuthenticator: fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 20 })),
    userName: fc.string({ maxLength: 20 }),
  });
  const run = (request: CredentialRequest, c: VerifyContext) => {
    const result = verifyCredentials(request, "clientPass", c);
    expect(result.ok).toBe(false);
  };

  test("pap", () => {
    fc.assert(
      fc.property(bytes, arbitraryCtx, (userPassword, c) => run({ kind: "pap", userPassword }, c)),
      {
        numRuns: 500,
      },
    );
  });
  test("chap", () => {
    fc.assert(
      fc.property(bytes, fc.option(bytes, { nil: undefined }), arbitraryCtx, (chapPassword, challenge, c) =>
        run({ kind: "chap", chapPassword, ...(challenge ? { chapChallenge: challenge } : {}) }, c),
      ),
      { numRuns: 500 },
    );
  });
  // Lengths near the valid ones reach the DES and SHA-1 paths, not only the length checks.
  const nearLength = (n: number) => fc.oneof(bytes, fc.uint8Array({ minLength: n, maxLength: n }));
  test("mschap", () => {
    fc.assert(
      fc.property(nearLength(8), nearLength(50), arbitraryCtx, (msChapChallenge, msChapResponse, c) =>
        run({ kind: "mschap", msChapChallenge, msChapResponse }, c),
      ),
      { numRuns: 500 },
    );
  });
  test("mschapv2", () => {
    fc.assert(
      fc.property(nearLength(16), nearLength(50), arbitraryCtx, (msChapChallenge, msChap2Response, c) =>
        run({ kind: "mschapv2", msChapChallenge, msChap2Response }, c),
      ),
      { numRuns: 500 },
    );
  });

  test("any password a client encodes correctly is accepted by every kind", () => {
    const password = fc
      .string({ unit: "grapheme", minLength: 1, maxLength: 24 })
      .filter((p) => Buffer.byteLength(p) <= 128 && !p.endsWith("\u0000"));
    fc.assert(
      fc.property(password, fc.constantFrom(...KINDS), (pw, kind) => {
        expect(verifyCredentials(requestFor(kind, pw), pw, ctx).ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
