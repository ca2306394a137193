// The decoder takes datagrams from anyone on the site's LAN: no input may make it throw, hang or
// hand back half a packet, and no change to a signed request may survive validation.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createSocket } from "node:dgram";
import fc from "fast-check";
import { PacketCode } from "./codes.ts";
import { decodePacket } from "./decode.ts";
import { type AttributeInput, encodeRequest, encodeResponse, type RequestCode } from "./encode.ts";
import { MAX_PACKET, type RadiusPacket } from "./packet.ts";
import { type Responder, startResponder } from "./test-responder.ts";
import { type NasSecurity, validateRequest, verifyResponse } from "./validation.ts";

const RUNS = 2_000;
const secret = Buffer.from("fuzz-secret");
const nas: NasSecurity = { secret, requireMessageAuthenticator: true, limitProxyState: true };

const failures: unknown[] = [];
const onFailure = (e: unknown) => failures.push(e);
beforeAll(() => {
  process.on("unhandledRejection", onFailure);
  process.on("uncaughtException", onFailure);
});
afterAll(() => {
  process.off("unhandledRejection", onFailure);
  process.off("uncaughtException", onFailure);
  expect(failures).toEqual([]);
});

/** Every decode result is well-formed: an error with a known code, or a packet consistent with its octets. */
function checkDecoded(bytes: Uint8Array): RadiusPacket | null {
  const r = decodePacket(bytes);
  if (!r.ok) {
    expect(r.error.code).not.toBe("internal");
    return null;
  }
  const p = r.packet;
  expect(p.raw.length).toBe(p.raw.readUInt16BE(2));
  expect(p.raw.length).toBeLessThanOrEqual(Math.min(bytes.length, MAX_PACKET));
  for (const a of p.attributes) {
    expect(a.offset).toBeGreaterThanOrEqual(20);
    expect(a.offset + 2 + a.raw.length).toBeLessThanOrEqual(p.raw.length);
    expect(p.raw.subarray(a.offset + 2, a.offset + 2 + a.raw.length).equals(a.raw)).toBe(true);
    // Values are made when read: reading one of an accepted packet never throws.
    expect(a.value).toBeDefined();
  }
  return p;
}

const POOL: AttributeInput[] = [
  ["User-Name", "budi@rtrw"],
  ["User-Password", Buffer.alloc(16, 9)],
  ["NAS-IP-Address", "192.168.88.1"],
  ["NAS-Port", 15728640],
  ["NAS-Port-Type", "Ethernet"],
  ["Service-Type", "Framed-User"],
  ["Framed-Protocol", "PPP"],
  ["Calling-Station-Id", "AA:BB:CC:DD:EE:FF"],
  ["Called-Station-Id", "pppoe-service"],
  ["Acct-Session-Id", "81a00001"],
  ["Acct-Status-Type", "Interim-Update"],
  ["Acct-Input-Octets", 123456],
  ["Acct-Input-Gigawords", 1],
  ["Event-Timestamp", new Date(1_767_000_000_000)],
  ["Framed-IPv6-Prefix", "2001:db8:1::/48"],
  ["Proxy-State", Buffer.from("p1")],
  ["Mikrotik-Rate-Limit", "10M/10M"],
  ["Mikrotik-Realm", "site-a"],
  ["MS-CHAP-Challenge", Buffer.alloc(16, 1)],
  ["MS-CHAP2-Response", Buffer.alloc(50, 2)],
  { code: 241, value: Buffer.from([1, 2, 3]) },
  { vendor: 9, code: 1, value: Buffer.from("cisco-avpair=x") },
];

const validRequest = fc
  .record({
    code: fc.constantFrom<RequestCode>(1, 4, 12, 40, 43),
    identifier: fc.integer({ min: 0, max: 255 }),
    picks: fc.subarray(POOL.map((_, i) => i)),
  })
  .map(({ code, identifier, picks }) =>
    encodeRequest({ code, identifier, secret, attributes: picks.map((i) => POOL[i] as AttributeInput) }),
  );

type Mutation = (b: Buffer) => Buffer;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(
    ([i, x]): Mutation =>
      (b) => {
        const c = Buffer.from(b);
        c[i % c.length] = (c[i % c.length] as number) ^ x;
        return c;
      },
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(
    ([i, v]): Mutation =>
      (b) => {
        const c = Buffer.from(b);
        c[i % c.length] = v;
        return c;
      },
  ),
  fc.nat().map(
    (n): Mutation =>
      (b) =>
        b.subarray(0, n % (b.length + 1)),
  ),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map(
    (extra): Mutation =>
      (b) =>
        Buffer.concat([b, extra]),
  ),
  fc.integer({ min: 0, max: 0xffff }).map(
    (len): Mutation =>
      (b) => {
        const c = Buffer.from(b);
        if (c.length >= 4) c.writeUInt16BE(len, 2);
        return c;
      },
  ),
  fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 12 })).map(
    ([i, bytes]): Mutation =>
      (b) => {
        const at = 20 + (i % Math.max(1, b.length - 19));
        const c = Buffer.concat([b.subarray(0, at), bytes, b.subarray(at)]);
        if (c.length >= 4) c.writeUInt16BE(Math.min(c.length, 0xffff), 2);
        return c;
      },
  ),
);

describe("decodePacket under fuzzing", () => {
  test("random bytes: a packet or a typed error, never a throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4200 }), (bytes) => {
        checkDecoded(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  test("random bodies behind a plausible header: the same, and every accepted packet is consistent", () => {
    const shaped = fc
      .tuple(fc.constantFrom(1, 2, 3, 4, 5, 11, 12, 40, 41, 42, 43, 44, 45), fc.uint8Array({ maxLength: 600 }))
      .map(([code, body]) => {
        const b = Buffer.concat([Buffer.alloc(20), body]);
        b[0] = code;
        b.writeUInt16BE(b.length, 2);
        return b;
      });
    let accepted = 0;
    fc.assert(
      fc.property(shaped, (bytes) => {
        if (checkDecoded(bytes)) accepted++;
      }),
      { numRuns: RUNS },
    );
    // Some of them must get through, or this only exercised the first check.
    expect(accepted).toBeGreaterThan(0);
  });

  test("mutated valid requests: never a throw, and no altered request validates", () => {
    let altered = 0;
    fc.assert(
      fc.property(validRequest, fc.array(mutation, { minLength: 1, maxLength: 3 }), (original, mutations) => {
        const bytes = mutations.reduce((b, m) => m(b), original);
        const p = checkDecoded(bytes);
        if (!p || p.raw.equals(original)) return;
        altered++;
        expect(validateRequest(p, nas, 0).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
    expect(altered).toBeGreaterThan(RUNS / 10);
  });

  test("mutated replies: an altered Access-Accept never verifies", () => {
    const request = checkDecoded(encodeRequest({ code: 1, identifier: 7, secret, attributes: [["User-Name", "u"]] }));
    if (!request) throw new Error("the request must decode");
    const reply = encodeResponse({
      code: PacketCode.AccessAccept,
      request,
      secret,
      attributes: [
        ["Mikrotik-Rate-Limit", "5M/5M"],
        ["MS-MPPE-Send-Key", Buffer.alloc(34, 4)],
      ],
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const p = checkDecoded(mutations.reduce((b, m) => m(b), reply));
        if (p && !p.raw.equals(reply)) expect(verifyResponse(p, request, secret).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("a UDP receive loop built on the codec", () => {
  let responder: Responder;
  beforeAll(async () => {
    responder = await startResponder({
      nas,
      answer: (p) =>
        p.code === PacketCode.AccessRequest
          ? { code: PacketCode.AccessAccept, attributes: [["Reply-Message", "ok"]] }
          : null,
    });
  });
  afterAll(() => responder.close());

  test("after 500 garbage datagrams it still answers a real request", async () => {
    const client = createSocket("udp4");
    await new Promise<void>((resolve) => client.bind(0, "127.0.0.1", () => resolve()));
    const garbage = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.tuple(validRequest, mutation).map(([b, m]) => m(b)),
      ),
      {
        numRuns: 500,
        seed: 6,
      },
    );
    // Paced, and each one seen before the next batch: a burst would only test the kernel's buffer.
    for (const [i, datagram] of garbage.entries()) {
      await new Promise((resolve) => client.send(datagram, responder.port, "127.0.0.1", resolve));
      for (let wait = 0; i % 25 === 24 && responder.seen.length <= i && wait < 500; wait++) await Bun.sleep(2);
    }
    for (let wait = 0; responder.seen.length < garbage.length && wait < 1_000; wait++) await Bun.sleep(2);
    expect(responder.seen.length).toBe(garbage.length);
    const request = encodeRequest({ code: 1, identifier: 99, secret, attributes: [["User-Name", "after-fuzz"]] });
    const answer = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no answer after the garbage")), 5_000);
      client.on("message", (m) => {
        if (m[1] === 99) {
          clearTimeout(timer);
          resolve(m);
        }
      });
    });
    // Sent after the garbage on the same socket: loopback UDP keeps their order.
    client.send(request, responder.port, "127.0.0.1");
    const reply = checkDecoded(await answer);
    const asked = checkDecoded(request);
    client.close();
    if (!reply || !asked) throw new Error("request and reply must decode");
    expect(verifyResponse(reply, asked, secret, { requireMessageAuthenticator: true })).toEqual({ ok: true });
    expect(responder.seen.filter((s) => s.error?.code === "internal")).toEqual([]);
    expect(responder.seen.at(-1)?.verdict).toMatchObject({ ok: true, signed: true });
  });
});
