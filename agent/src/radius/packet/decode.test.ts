import { describe, expect, test } from "bun:test";
import { namedValueOf, octetsOf } from "./attributes.ts";
import { decodePacket } from "./decode.ts";
import type { DecodeErrorCode, RadiusPacket } from "./packet.ts";
import { decoded, hex, RFC_ACCEPT, RFC_REQUEST, RFC_SECRET } from "./test-fixtures.ts";
import { validateRequest, verifyResponse } from "./validation.ts";

const summary = (p: RadiusPacket) => p.attributes.map((a) => [a.name, a.value]);

describe("RFC 2865 §7.1's packets", () => {
  test("the Access-Request decodes to nemo at 192.168.1.16 port 3, password still hidden", () => {
    const p = decoded(RFC_REQUEST);
    expect([p.code, p.identifier, p.authenticator.toString("hex")]).toEqual([1, 0, "0f403f9473978057bd83d5cb98f4227a"]);
    expect(summary(p)).toEqual([
      ["User-Name", "nemo"],
      ["User-Password", hex("0dbe708d93d413ce3196e43f782a0aee")],
      ["NAS-IP-Address", "192.168.1.16"],
      ["NAS-Port", 3],
    ]);
    expect(p.attributes.map((a) => a.offset)).toEqual([20, 26, 44, 50]);
  });

  test("the Access-Accept's Response Authenticator verifies with the RFC's secret, and only with it", () => {
    const request = decoded(RFC_REQUEST);
    const accept = decoded(RFC_ACCEPT);
    expect(verifyResponse(accept, request, RFC_SECRET)).toEqual({ ok: true });
    expect(verifyResponse(accept, request, Buffer.from("xyzzy5462"))).toEqual({
      ok: false,
      problem: "bad-response-authenticator",
    });
    expect(namedValueOf(accept, "Service-Type")).toBe("Login-User");
    expect(summary(accept).slice(1)).toEqual([
      ["Login-Service", 0],
      ["Login-IP-Host", "192.168.1.3"],
    ]);
    // It predates BlastRADIUS: a client that requires Message-Authenticator refuses it.
    expect(verifyResponse(accept, request, RFC_SECRET, { requireMessageAuthenticator: true })).toEqual({
      ok: false,
      problem: "missing-message-authenticator",
    });
  });

  test("the request has no Message-Authenticator: accepted unsigned, or dropped when MA is required", () => {
    const p = decoded(RFC_REQUEST);
    const nas = { secret: RFC_SECRET, requireMessageAuthenticator: false, limitProxyState: true };
    expect(validateRequest(p, nas, 0)).toEqual({ ok: true, signed: false, candidates: [RFC_SECRET] });
    expect(validateRequest(p, { ...nas, requireMessageAuthenticator: true }, 0)).toEqual({
      ok: false,
      reason: "missing-message-authenticator",
    });
  });
});

describe("decoding", () => {
  const header = (code: number, length: number, extra = Buffer.alloc(0)) => {
    const b = Buffer.alloc(20);
    b[0] = code;
    b.writeUInt16BE(length, 2);
    return Buffer.concat([b, extra]);
  };
  const withAttrs = (attrs: string) => {
    const body = hex(attrs);
    return header(1, 20 + body.length, body);
  };
  const cases: [string, Buffer, DecodeErrorCode][] = [
    ["19 octets", Buffer.alloc(19, 1), "too-short"],
    ["length field 19", header(1, 19), "bad-length"],
    ["length field 4097", Buffer.concat([header(1, 4097), Buffer.alloc(4077)]), "too-long"],
    ["length field beyond the datagram", header(1, 30, Buffer.alloc(9)), "truncated"],
    ["an unknown code", header(99, 20), "unknown-code"],
    ["Status-Client (13), which we do not speak", header(13, 20), "unknown-code"],
    ["an attribute of length 0", withAttrs("01 00 41 41"), "bad-attribute"],
    ["an attribute of length 1", withAttrs("01 01 41 41"), "bad-attribute"],
    ["an attribute running past the length field", withAttrs("01 05 41 41"), "bad-attribute"],
    ["half an attribute header at the end", withAttrs("01 03 41 05"), "bad-attribute"],
    ["a Vendor-Specific without a vendor id", withAttrs("1a 05 00 00 37"), "bad-vsa"],
    ["a vendor id with its top octet set", withAttrs("1a 09 01 00 3a 8c 08 03 41"), "bad-vsa"],
    ["a MikroTik sub-attribute overrunning its VSA", withAttrs("1a 09 00 00 3a 8c 08 04 41"), "bad-vsa"],
    ["a MikroTik sub-attribute of length 1", withAttrs("1a 09 00 00 3a 8c 08 01 41"), "bad-vsa"],
    ["a 3-octet NAS-Port", withAttrs("05 05 00 00 03"), "bad-value"],
    ["a 15-octet Message-Authenticator", withAttrs(`50 11 ${"00".repeat(15)}`), "bad-value"],
    ["a 5-octet NAS-IP-Address", withAttrs("04 07 c0 a8 01 10 00"), "bad-value"],
    ["an IPv6 prefix longer than 128", withAttrs(`61 04 00 81 20 01`), "bad-value"],
    ["an IPv6 prefix with fewer octets than its length", withAttrs(`61 04 00 40 20 01`), "bad-value"],
    ["a 16-octet CHAP-Password", withAttrs(`03 12 ${"01".repeat(16)}`), "bad-value"],
    ["a 6-octet Mikrotik-Recv-Limit", withAttrs("1a 0e 00 00 3a 8c 01 08 00 00 00 00 00 01"), "bad-value"],
  ];
  for (const [what, bytes, code] of cases) {
    test(`refuses ${what}: ${code}`, () => {
      const r = decodePacket(bytes);
      expect(r.ok ? "decoded" : r.error.code).toBe(code);
    });
  }

  test("ignores padding after the length field and keeps its own copy of the packet", () => {
    const datagram = Buffer.concat([RFC_REQUEST, Buffer.from("padding")]);
    const p = decoded(datagram);
    expect(p.raw.equals(RFC_REQUEST)).toBe(true);
    datagram.fill(0);
    expect(p.attributes[0]?.value).toBe("nemo");
    expect(octetsOf(p, "User-Password")?.toString("hex")).toBe("0dbe708d93d413ce3196e43f782a0aee");
  });

  test("reads a Uint8Array view at an offset (as a socket's buffer may be)", () => {
    const big = new Uint8Array(100 + RFC_REQUEST.length);
    big.set(RFC_REQUEST, 100);
    expect(summary(decoded(big.subarray(100)))[0]).toEqual(["User-Name", "nemo"]);
  });

  test("an empty string attribute (length 2) is an empty value, not an error", () => {
    expect(summary(decoded(withAttrs("1e 02 01 06 6e 65 6d 6f")))).toEqual([
      ["Called-Station-Id", ""],
      ["User-Name", "nemo"],
    ]);
  });

  test("unknown attributes and vendors keep their octets; a VSA may hold several sub-attributes", () => {
    const p = decoded(
      withAttrs(
        [
          "f0 04 ab cd", // standard 240: not in the dictionary
          "1a 0b 00 00 00 09 01 05 61 62 63", // Cisco (9): a vendor we do not know
          "1a 11 00 00 3a 8c 08 07 31 4d 2f 31 4d 63 04 de ad", // MikroTik: Rate-Limit, then 99 (unknown)
        ].join(" "),
      ),
    );
    expect(p.attributes.map((a) => [a.name, a.vendor, a.code, a.raw.toString("hex"), a.offset])).toEqual([
      ["Attr-240", 0, 240, "abcd", 20],
      ["Vendor-Specific", 0, 26, "000000090105616263", 24],
      ["Mikrotik-Rate-Limit", 14988, 8, "314d2f314d", 41],
      ["Attr-26.14988.99", 14988, 99, "dead", 48],
    ]);
    expect(p.attributes[2]?.value).toBe("1M/1M");
  });
});
