import { describe, expect, test } from "bun:test";
import { packetDigest, ZERO_AUTHENTICATOR } from "./authenticators.ts";
import { PacketCode } from "./codes.ts";
import { type AttributeInput, encodeRequest, encodeResponse, type RequestCode } from "./encode.ts";
import { decoded } from "./test-fixtures.ts";
import { type NasSecurity, validateRequest, verifyResponse } from "./validation.ts";

const current = Buffer.from("new-secret-2026");
const previous = Buffer.from("old-secret-2025");
const NOW = Date.parse("2026-03-01T00:00:00Z");
const nas: NasSecurity = {
  secret: current,
  previousSecret: previous,
  previousSecretValidUntil: NOW + 3_600_000,
  requireMessageAuthenticator: true,
  limitProxyState: true,
};

const request = (
  code: RequestCode,
  secret: Buffer,
  attributes: AttributeInput[] = [["User-Name", "budi"]],
  messageAuthenticator = true,
) => decoded(encodeRequest({ code, identifier: 42, secret, attributes, messageAuthenticator }));

describe("Access-Request (BlastRADIUS rules)", () => {
  test("signed with the current secret: accepted, and says which", () => {
    expect(validateRequest(request(1, current), nas, NOW)).toEqual({
      ok: true,
      signed: true,
      matched: "current",
      secret: current,
    });
  });

  test("signed with the previous secret: accepted inside its window, dropped from its end on", () => {
    const p = request(1, previous);
    expect(validateRequest(p, nas, NOW)).toMatchObject({ ok: true, matched: "previous", secret: previous });
    expect(validateRequest(p, nas, NOW + 3_600_000)).toEqual({ ok: false, reason: "bad-message-authenticator" });
    const { previousSecretValidUntil: _, ...noWindow } = nas;
    expect(validateRequest(p, noWindow, NOW)).toEqual({ ok: false, reason: "bad-message-authenticator" });
  });

  test("signed with another secret, or altered on the way: dropped", () => {
    expect(validateRequest(request(1, Buffer.from("guess")), nas, NOW)).toEqual({
      ok: false,
      reason: "bad-message-authenticator",
    });
    const raw = Buffer.from(request(1, current).raw);
    raw[raw.length - 1] = 0x63; // budi → budc
    expect(validateRequest(decoded(raw), nas, NOW)).toEqual({ ok: false, reason: "bad-message-authenticator" });
  });

  test("without MA: dropped when required; allowed otherwise, with the secrets to try", () => {
    const p = request(1, current, [["User-Name", "budi"]], false);
    expect(validateRequest(p, nas, NOW)).toEqual({ ok: false, reason: "missing-message-authenticator" });
    const lax = { ...nas, requireMessageAuthenticator: false };
    expect(validateRequest(p, lax, NOW)).toEqual({ ok: true, signed: false, candidates: [current, previous] });
    expect(validateRequest(p, lax, NOW + 3_600_000)).toEqual({ ok: true, signed: false, candidates: [current] });
  });

  test("Proxy-State without MA: dropped under limitProxyState, allowed without it", () => {
    const p = request(1, current, [["Proxy-State", Buffer.from("x")]], false);
    const lax = { ...nas, requireMessageAuthenticator: false };
    expect(validateRequest(p, lax, NOW)).toEqual({ ok: false, reason: "proxy-state-without-message-authenticator" });
    expect(validateRequest(p, { ...lax, limitProxyState: false }, NOW)).toMatchObject({ ok: true, signed: false });
    // With a valid MA the Proxy-State is fine.
    expect(validateRequest(request(1, current, [["Proxy-State", Buffer.from("x")]]), nas, NOW)).toMatchObject({
      ok: true,
      signed: true,
    });
  });

  test("EAP without MA is dropped whatever the settings (RFC 3579 §3.2)", () => {
    const p = request(1, current, [["EAP-Message", Buffer.from([2, 1, 0, 4])]], false);
    const lax = { ...nas, requireMessageAuthenticator: false, limitProxyState: false };
    expect(validateRequest(p, lax, NOW)).toEqual({ ok: false, reason: "eap-without-message-authenticator" });
  });

  test("two Message-Authenticators are dropped, even if the first is right", () => {
    const signed = request(1, current).raw;
    const extra = Buffer.concat([Buffer.from([80, 18]), Buffer.alloc(16)]);
    const twice = Buffer.concat([signed, extra]);
    twice.writeUInt16BE(twice.length, 2);
    expect(validateRequest(decoded(twice), nas, NOW)).toEqual({ ok: false, reason: "multiple-message-authenticators" });
  });

  test("Status-Server must be signed (RFC 5997), whatever the NAS settings", () => {
    const lax = { ...nas, requireMessageAuthenticator: false };
    expect(validateRequest(request(PacketCode.StatusServer, current, []), lax, NOW)).toMatchObject({
      ok: true,
      signed: true,
    });
    const bare = Buffer.alloc(20);
    bare[0] = PacketCode.StatusServer;
    bare.writeUInt16BE(20, 2);
    expect(validateRequest(decoded(bare), lax, NOW)).toEqual({ ok: false, reason: "missing-message-authenticator" });
  });
});

describe("Accounting, CoA and Disconnect requests (Request Authenticator)", () => {
  for (const code of [PacketCode.AccountingRequest, PacketCode.CoaRequest, PacketCode.DisconnectRequest] as const) {
    test(`code ${code}: right secret accepted (current or previous in window), wrong one dropped`, () => {
      const attrs: AttributeInput[] = [
        ["Acct-Session-Id", "81a0"],
        ["Acct-Status-Type", "Start"],
      ];
      for (const ma of [true, false]) {
        expect(validateRequest(request(code, current, attrs, ma), nas, NOW)).toMatchObject({
          ok: true,
          matched: "current",
        });
        expect(validateRequest(request(code, previous, attrs, ma), nas, NOW)).toMatchObject({
          ok: true,
          matched: "previous",
        });
        expect(validateRequest(request(code, previous, attrs, ma), nas, NOW + 3_600_000)).toEqual({
          ok: false,
          reason: "bad-request-authenticator",
        });
        expect(validateRequest(request(code, Buffer.from("x"), attrs, ma), nas, NOW)).toEqual({
          ok: false,
          reason: "bad-request-authenticator",
        });
      }
      // requireMessageAuthenticator is about Access-Request: the authenticator already signs these.
      expect(validateRequest(request(code, current, attrs, false), nas, NOW)).toMatchObject({ ok: true, signed: true });
    });
  }

  test("a right Request Authenticator over a wrong Message-Authenticator is still dropped", () => {
    const raw = Buffer.from(request(PacketCode.AccountingRequest, current).raw);
    raw[30] = (raw[30] as number) ^ 0xff;
    packetDigest(raw, ZERO_AUTHENTICATOR, current).copy(raw, 4);
    expect(validateRequest(decoded(raw), nas, NOW)).toEqual({ ok: false, reason: "bad-message-authenticator" });
  });

  test("an altered accounting record is dropped (octets counters are what the bill uses)", () => {
    const raw = Buffer.from(request(PacketCode.AccountingRequest, current, [["Acct-Input-Octets", 1000]], false).raw);
    raw.writeUInt32BE(10, raw.length - 4);
    expect(validateRequest(decoded(raw), nas, NOW)).toEqual({ ok: false, reason: "bad-request-authenticator" });
  });

  test("responses are not requests", () => {
    const reply = encodeResponse({
      code: PacketCode.AccessAccept,
      request: request(1, current),
      secret: current,
      attributes: [],
    });
    expect(validateRequest(decoded(reply), nas, NOW)).toEqual({ ok: false, reason: "not-a-request" });
  });
});

describe("verifyResponse (the CoA client's check of the NAS's answer)", () => {
  const coa = request(PacketCode.CoaRequest, current, [["Acct-Session-Id", "81a0"]]);
  const answer = (code: 44 | 45, withMa: boolean, secret = current) =>
    decoded(encodeResponse({ code, request: coa, secret, attributes: [], messageAuthenticator: withMa }));

  test("a CoA-ACK or -NAK signed with the secret verifies, with or without MA", () => {
    expect(verifyResponse(answer(44, true), coa, current)).toEqual({ ok: true });
    expect(verifyResponse(answer(45, false), coa, current)).toEqual({ ok: true });
    expect(verifyResponse(answer(44, true), coa, current, { requireMessageAuthenticator: true })).toEqual({ ok: true });
  });

  test("names what is wrong with a bad answer", () => {
    expect(verifyResponse(answer(44, false, previous), coa, current)).toEqual({
      ok: false,
      problem: "bad-response-authenticator",
    });
    expect(verifyResponse(answer(44, false), coa, current, { requireMessageAuthenticator: true })).toEqual({
      ok: false,
      problem: "missing-message-authenticator",
    });
    expect(verifyResponse(answer(44, false), { ...coa, identifier: 43 }, current)).toEqual({
      ok: false,
      problem: "wrong-identifier",
    });
    const acct = request(PacketCode.AccountingRequest, current);
    expect(verifyResponse(answer(44, false), { ...acct, identifier: 42 }, current)).toEqual({
      ok: false,
      problem: "unexpected-code",
    });
    const badMa = Buffer.from(answer(44, true).raw);
    badMa[25] = (badMa[25] as number) ^ 1;
    packetDigest(badMa, coa.authenticator, current).copy(badMa, 4);
    expect(verifyResponse(decoded(badMa), coa, current)).toEqual({ ok: false, problem: "bad-message-authenticator" });
  });
});
