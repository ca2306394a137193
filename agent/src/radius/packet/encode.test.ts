import { describe, expect, test } from "bun:test";
import { createHash, createHmac } from "node:crypto";
import { createDictionary } from "../dictionary/dictionary.ts";
import { RFC_ATTRIBUTES } from "../dictionary/rfc.attributes.ts";
import { MICROSOFT, MIKROTIK } from "../dictionary/vendor.attributes.ts";
import { PacketCode } from "./codes.ts";
import { type AttributeInput, encodeRequest, encodeResponse } from "./encode.ts";
import { decoded, RFC_REQUEST } from "./test-fixtures.ts";
import { RadiusEncodeError } from "./values.ts";

const secret = Buffer.from("s3cret-of-the-nas");

// The RFC constructions, written out here independently of authenticators.ts.
const md5 = (...parts: Buffer[]) => createHash("md5").update(Buffer.concat(parts)).digest();
const hmac = (key: Buffer, data: Buffer) => createHmac("md5", key).update(data).digest();
/** `packet` with its authenticator field replaced and the MA value at 22..38 zeroed. */
function blank(packet: Buffer, authenticator: Buffer, maAt: number | null = 22): Buffer {
  const b = Buffer.from(packet);
  authenticator.copy(b, 4);
  if (maAt !== null) b.fill(0, maAt, maAt + 16);
  return b;
}
const zeros = Buffer.alloc(16);

describe("replies to an Access-Request", () => {
  const request = decoded(RFC_REQUEST);
  for (const code of [PacketCode.AccessAccept, PacketCode.AccessReject, PacketCode.AccessChallenge] as const) {
    test(`code ${code}: Message-Authenticator first, HMAC over the reply with the Request Authenticator, then the Response Authenticator`, () => {
      const out = encodeResponse({ code, request, secret, attributes: [["Reply-Message", "hello"]] });
      expect([out[0], out[1], out.readUInt16BE(2), out.length]).toEqual([code, 0, 20 + 18 + 7, 45]);
      expect([out[20], out[21]]).toEqual([80, 18]);
      expect(out.subarray(38).toString("hex")).toBe(`1207${Buffer.from("hello").toString("hex")}`);
      const ma = out.subarray(22, 38);
      expect(ma.equals(hmac(secret, blank(out, request.authenticator)))).toBe(true);
      // Response Authenticator: MD5(code+id+length + Request Authenticator + attributes + secret).
      const response = md5(out.subarray(0, 4), request.authenticator, out.subarray(20), secret);
      expect(out.subarray(4, 20).equals(response)).toBe(true);
    });
  }

  test("carries MikroTik and Microsoft attributes as Vendor-Specific, RFC 2865 §5.26 layout", () => {
    const out = encodeResponse({
      code: PacketCode.AccessAccept,
      request,
      secret,
      attributes: [
        ["Mikrotik-Rate-Limit", "10M/20M"],
        ["MS-MPPE-Encryption-Policy", "Encryption-Required"],
      ],
    });
    expect(out.subarray(38).toString("hex")).toBe(
      // MikroTik 14988 type 8, then Microsoft 311 type 7 = 2
      `1a0f00003a8c0809${Buffer.from("10M/20M").toString("hex")}1a0c00000137070600000002`,
    );
    expect(decoded(out).attributes.map((a) => [a.name, a.value])).toEqual([
      ["Message-Authenticator", out.subarray(22, 38)],
      ["Mikrotik-Rate-Limit", "10M/20M"],
      ["MS-MPPE-Encryption-Policy", 2],
    ]);
  });

  test("copies the request's Proxy-State attributes, in order, after the reply's own", () => {
    const asked = decoded(
      encodeRequest({
        code: PacketCode.AccessRequest,
        identifier: 9,
        secret,
        attributes: [
          ["Proxy-State", Buffer.from("first")],
          ["User-Name", "a"],
          ["Proxy-State", Buffer.from("second")],
        ],
      }),
    );
    const reply = decoded(
      encodeResponse({ code: PacketCode.AccessReject, request: asked, secret, attributes: [["Reply-Message", "no"]] }),
    );
    expect(reply.identifier).toBe(9);
    expect(
      reply.attributes.map((a) => [a.name, a.name === "Message-Authenticator" ? "(16)" : a.raw.toString()]),
    ).toEqual([
      ["Message-Authenticator", "(16)"],
      ["Reply-Message", "no"],
      ["Proxy-State", "first"],
      ["Proxy-State", "second"],
    ]);
  });
});

describe("requests", () => {
  test("Access-Request: random authenticator, MA (first) over the packet as sent", () => {
    const out = encodeRequest({
      code: PacketCode.AccessRequest,
      identifier: 1,
      secret,
      attributes: [["User-Name", "u"]],
    });
    const again = encodeRequest({
      code: PacketCode.AccessRequest,
      identifier: 1,
      secret,
      attributes: [["User-Name", "u"]],
    });
    expect(out.subarray(4, 20).equals(again.subarray(4, 20))).toBe(false);
    expect([out[20], out[21]]).toEqual([80, 18]);
    expect(out.subarray(22, 38).equals(hmac(secret, blank(out, out.subarray(4, 20))))).toBe(true);
  });

  test("Access-Request without MA when asked; Status-Server has one regardless", () => {
    const plain = encodeRequest({
      code: PacketCode.AccessRequest,
      identifier: 1,
      secret,
      messageAuthenticator: false,
      attributes: [["User-Name", "u"]],
    });
    expect(plain.length).toBe(23);
    const status = encodeRequest({
      code: PacketCode.StatusServer,
      identifier: 2,
      secret,
      messageAuthenticator: false,
      attributes: [],
    });
    expect([status.length, status[20]]).toEqual([38, 80]);
    expect(status.subarray(22, 38).equals(hmac(secret, blank(status, status.subarray(4, 20))))).toBe(true);
  });

  for (const code of [PacketCode.AccountingRequest, PacketCode.CoaRequest, PacketCode.DisconnectRequest] as const) {
    test(`code ${code}: MA with a zero authenticator, then Request Authenticator = MD5(packet with zeros + secret)`, () => {
      const out = encodeRequest({ code, identifier: 3, secret, attributes: [["Acct-Session-Id", "81000001"]] });
      expect(out.subarray(22, 38).equals(hmac(secret, blank(out, zeros)))).toBe(true);
      expect(out.subarray(4, 20).equals(md5(out.subarray(0, 4), zeros, out.subarray(20), secret))).toBe(true);
      const bare = encodeRequest({ code, identifier: 3, secret, messageAuthenticator: false, attributes: [] });
      expect(bare.length).toBe(20);
      expect(bare.subarray(4, 20).equals(md5(bare.subarray(0, 4), zeros, secret))).toBe(true);
    });
  }
});

describe("other responses (RFC 2866 §3, RFC 5176 §2.3, RFC 5997)", () => {
  const acct = decoded(encodeRequest({ code: PacketCode.AccountingRequest, identifier: 4, secret, attributes: [] }));
  const coa = decoded(encodeRequest({ code: PacketCode.CoaRequest, identifier: 5, secret, attributes: [] }));
  const status = decoded(encodeRequest({ code: PacketCode.StatusServer, identifier: 6, secret, attributes: [] }));

  test("Accounting-Response: Response Authenticator over the request's, no MA unless asked", () => {
    const out = encodeResponse({ code: PacketCode.AccountingResponse, request: acct, secret, attributes: [] });
    expect([out.length, out[1]]).toEqual([20, 4]);
    expect(out.subarray(4, 20).equals(md5(out.subarray(0, 4), acct.authenticator, secret))).toBe(true);
    const signed = encodeResponse({
      code: PacketCode.AccountingResponse,
      request: acct,
      secret,
      attributes: [],
      messageAuthenticator: true,
    });
    expect(signed.subarray(22, 38).equals(hmac(secret, blank(signed, acct.authenticator)))).toBe(true);
  });

  test("CoA-ACK and CoA-NAK are signed like Accounting-Response", () => {
    for (const code of [PacketCode.CoaAck, PacketCode.CoaNak] as const) {
      const out = encodeResponse({
        code,
        request: coa,
        secret,
        attributes: [["Error-Cause", "Session-Context-Not-Found"]],
      });
      expect(out.subarray(4, 20).equals(md5(out.subarray(0, 4), coa.authenticator, out.subarray(20), secret))).toBe(
        true,
      );
      expect(out.subarray(20).toString("hex")).toBe("6506000001f7");
    }
  });

  test("answers to Status-Server always carry MA first, on either port", () => {
    for (const code of [PacketCode.AccessAccept, PacketCode.AccountingResponse] as const) {
      const out = encodeResponse({ code, request: status, secret, attributes: [], messageAuthenticator: false });
      expect([out.length, out[20]]).toEqual([38, 80]);
      expect(out.subarray(22, 38).equals(hmac(secret, blank(out, status.authenticator)))).toBe(true);
    }
  });
});

describe("values", () => {
  const roundTrip = (attributes: AttributeInput[]) =>
    decoded(encodeRequest({ code: PacketCode.AccessRequest, identifier: 0, secret, attributes }))
      .attributes.slice(1)
      .map((a) => a.value);

  test("every type the dictionary uses survives encode then decode", () => {
    expect(
      roundTrip([
        ["User-Name", "pelanggan-ǅ"],
        ["NAS-Port", 0xffffffff],
        ["Service-Type", "Framed-User"],
        ["Framed-IP-Address", "100.64.0.1"],
        ["Event-Timestamp", new Date("2026-01-02T03:04:05Z")],
        ["NAS-IPv6-Address", "2001:db8::1"],
        ["Framed-IPv6-Prefix", "2001:db8:1200::/40"],
        ["Delegated-IPv6-Prefix", "::/0"],
        ["Framed-Interface-Id", Buffer.from("0123456789abcdef", "hex")],
        ["Class", "plan:10M"],
        ["Mikrotik-Total-Limit-Gigawords", 3],
        ["MS-CHAP-Challenge", Buffer.alloc(16, 7)],
      ]),
    ).toEqual([
      "pelanggan-ǅ",
      0xffffffff,
      2,
      "100.64.0.1",
      new Date("2026-01-02T03:04:05Z"),
      "2001:db8::1",
      "2001:db8:1200::/40",
      "::/0",
      Buffer.from("0123456789abcdef", "hex"),
      Buffer.from("plan:10M"),
      3,
      Buffer.alloc(16, 7),
    ]);
    expect(roundTrip([["Login-IPv6-Host", "::ffff:192.0.2.1"]])).toEqual(["::ffff:c000:201"]);
    expect(roundTrip([["Event-Timestamp", 1_767_000_000]])).toEqual([new Date(1_767_000_000_000)]);
  });

  test("integer64 (RFC 6929), for a dictionary that has one", () => {
    const dict = createDictionary(
      [...RFC_ATTRIBUTES, { name: "Acct-Input-Octets64", code: 241, type: "integer64" }],
      [MIKROTIK, MICROSOFT],
    );
    const big = 2n ** 64n - 1n;
    const out = encodeRequest(
      { code: PacketCode.AccessRequest, identifier: 0, secret, attributes: [["Acct-Input-Octets64", big]] },
      dict,
    );
    expect(out.subarray(38).toString("hex")).toBe("f10affffffffffffffff");
  });

  const refusals: [string, AttributeInput[], RadiusEncodeError["code"]][] = [
    ["an unknown name", [["No-Such-Attribute", "x"]], "unknown-attribute"],
    ["a string for an integer", [["NAS-Port", "three"]], "bad-value"],
    ["a negative integer", [["NAS-Port", -1]], "bad-value"],
    ["an integer past 32 bits", [["Session-Timeout", 2 ** 32]], "bad-value"],
    ["a bad IPv4 address", [["Framed-IP-Address", "10.0.0.256"]], "bad-value"],
    ["a bad IPv6 prefix", [["Framed-IPv6-Prefix", "2001:db8::/129"]], "bad-value"],
    ["a plain string as User-Password", [["User-Password", "cleartext"]], "bad-value"],
    ["a 15-octet MS-CHAP2-Response", [["MS-CHAP2-Response", Buffer.alloc(15)]], "bad-value"],
    ["254 octets", [["Reply-Message", "x".repeat(254)]], "too-long"],
    ["a 248-octet vendor value", [["Mikrotik-Address-List", "x".repeat(248)]], "too-long"],
    ["a packet over 4096 octets", Array(17).fill(["Reply-Message", "x".repeat(250)]), "too-long"],
    ["a Message-Authenticator of our own", [["Message-Authenticator", Buffer.alloc(16)]], "managed-attribute"],
  ];
  for (const [what, attributes, code] of refusals) {
    test(`refuses ${what} (${code})`, () => {
      const attempt = () => encodeRequest({ code: PacketCode.AccessRequest, identifier: 0, secret, attributes });
      expect(attempt).toThrow(RadiusEncodeError);
      try {
        attempt();
      } catch (error) {
        expect((error as RadiusEncodeError).code).toBe(code);
        // The message names the attribute, never the value (a password, a key).
        expect((error as Error).message).not.toContain("cleartext");
      }
    });
  }

  test("refuses Proxy-State in a reply, and a reply that does not answer its request", () => {
    const request = decoded(RFC_REQUEST);
    expect(() =>
      encodeResponse({
        code: PacketCode.AccessAccept,
        request,
        secret,
        attributes: [["Proxy-State", Buffer.from("x")]],
      }),
    ).toThrow(/copied from its request/);
    expect(() => encodeResponse({ code: PacketCode.CoaAck, request, secret, attributes: [] })).toThrow(
      /CoA-ACK does not answer Access-Request/,
    );
  });

  test("raw attributes pass through for what the dictionary lacks", () => {
    const out = encodeRequest({
      code: PacketCode.AccessRequest,
      identifier: 0,
      secret,
      messageAuthenticator: false,
      attributes: [
        { code: 240, value: Buffer.from([1, 2]) },
        { vendor: 9, code: 1, value: Buffer.from("cisco") },
      ],
    });
    expect(out.subarray(20).toString("hex")).toBe(`f00401021a0d000000090107${Buffer.from("cisco").toString("hex")}`);
  });
});
