import { describe, expect, test } from "bun:test";
import { decodePacket, encodeRequest, PacketCode, type RadiusPacket } from "../packet/index.ts";
import { credentialRequest } from "./credential-request.ts";
import { DuplicateCache } from "./duplicate-cache.ts";
import { normalizeAddress } from "./source-address.ts";
import { Throttle } from "./throttle.ts";

const packet = (attributes: Parameters<typeof encodeRequest>[0]["attributes"]): RadiusPacket => {
  const r = decodePacket(
    encodeRequest({ code: PacketCode.AccessRequest, identifier: 1, attributes, secret: Buffer.from("s") }),
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.packet;
};

describe("normalizeAddress", () => {
  test.each([
    ["127.0.0.1", "127.0.0.1"],
    ["::ffff:10.1.2.3", "10.1.2.3"],
    ["::FFFF:10.1.2.3", "10.1.2.3"],
    ["::ffff:a01:203", "10.1.2.3"],
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
    [" 192.0.2.1 ", "192.0.2.1"],
  ])("%s → %s", (input, want) => expect(normalizeAddress(input)).toBe(want));

  test.each(["", "router.lan", "010.0.0.1", "1.2.3.4.5", "::ffff:300.1.1.1"])("%p is not an address", (input) =>
    expect(normalizeAddress(input)).toBeNull(),
  );
});

describe("DuplicateCache", () => {
  const key = DuplicateCache.key("10.0.0.1", 4000, 4, 7, Buffer.alloc(16, 1));

  test("new, then in progress, then the reply for ttl, then new again", () => {
    const cache = new DuplicateCache(30_000);
    expect(cache.check(key, 0).kind).toBe("new");
    expect(cache.check(key, 10).kind).toBe("in-progress");
    cache.answered(key, Buffer.from("reply"), 20);
    expect(cache.check(key, 29_000)).toEqual({ kind: "answered", reply: Buffer.from("reply") });
    expect(cache.check(key, 30_021).kind).toBe("new");
  });

  test("another port, identifier or authenticator is another request; a forgotten one is new", () => {
    const cache = new DuplicateCache();
    cache.check(key, 0);
    expect(cache.check(DuplicateCache.key("10.0.0.1", 4001, 4, 7, Buffer.alloc(16, 1)), 0).kind).toBe("new");
    expect(cache.check(DuplicateCache.key("10.0.0.1", 4000, 4, 8, Buffer.alloc(16, 1)), 0).kind).toBe("new");
    expect(cache.check(DuplicateCache.key("10.0.0.1", 4000, 4, 7, Buffer.alloc(16, 2)), 0).kind).toBe("new");
    cache.forget(key);
    expect(cache.check(key, 0).kind).toBe("new");
  });

  test("bounded: past the cap the oldest entries go, the newest half stays", () => {
    const cache = new DuplicateCache(30_000, 100);
    for (let i = 0; i < 1_000; i++) cache.check(`k${i}`, 0);
    expect(cache.size()).toBeLessThanOrEqual(100);
    for (let i = 950; i < 1_000; i++) expect(cache.check(`k${i}`, 0).kind).toBe("in-progress");
    expect(cache.check("k0", 0).kind).toBe("new");
  });
});

describe("credentialRequest", () => {
  const ms = (name: string, n: number) => [name, Buffer.alloc(n, 7)] as const;

  test("picks the method from the attributes present", () => {
    expect(credentialRequest(packet([["User-Password", Buffer.alloc(16)]]))?.kind).toBe("pap");
    expect(credentialRequest(packet([["CHAP-Password", Buffer.alloc(17)]]))).toEqual({
      kind: "chap",
      chapPassword: Buffer.alloc(17),
    });
    expect(
      credentialRequest(
        packet([
          ["CHAP-Password", Buffer.alloc(17)],
          ["CHAP-Challenge", Buffer.alloc(16, 3)],
        ]),
      ),
    ).toMatchObject({ kind: "chap", chapChallenge: Buffer.alloc(16, 3) });
    expect(credentialRequest(packet([ms("MS-CHAP-Challenge", 8), ms("MS-CHAP-Response", 50)]))?.kind).toBe("mschap");
    expect(credentialRequest(packet([ms("MS-CHAP-Challenge", 16), ms("MS-CHAP2-Response", 50)]))?.kind).toBe(
      "mschapv2",
    );
  });

  test("none, half of MS-CHAP, or two methods at once: null", () => {
    expect(credentialRequest(packet([["User-Name", "budi"]]))).toBeNull();
    expect(credentialRequest(packet([ms("MS-CHAP2-Response", 50)]))).toBeNull();
    expect(
      credentialRequest(
        packet([
          ["User-Password", Buffer.alloc(16)],
          ["CHAP-Password", Buffer.alloc(17)],
        ]),
      ),
    ).toBeNull();
  });
});

test("Throttle: one line per key per interval", () => {
  const throttle = new Throttle(60_000);
  expect(throttle.allow("a", 0)).toBe(true);
  expect(throttle.allow("a", 59_999)).toBe(false);
  expect(throttle.allow("b", 1)).toBe(true);
  expect(throttle.allow("a", 60_000)).toBe(true);
});
