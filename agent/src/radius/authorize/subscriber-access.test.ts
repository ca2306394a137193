import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { removeTempDirs } from "../../testing/fixtures.ts";
import { decryptMppeKey } from "../auth/mppe-attributes.ts";
import {
  AUTHENTICATOR,
  at,
  credentials,
  KINDS,
  OLD_SECRET,
  onTheWire,
  plan,
  RFC_PASSWORD,
  SECRET,
  Site,
  subscriber,
  valuesOf,
} from "./authorize.fixtures.ts";

afterAll(removeTempDirs);

let site: Site;
const open = () => {
  site = new Site();
  return site;
};
afterEach(() => {
  // No line of any test carries a password or a secret.
  const text = site.logText();
  for (const secret of [RFC_PASSWORD, SECRET.toString(), OLD_SECRET.toString()]) expect(text).not.toContain(secret);
  site.close();
});

const PLAN_REPLY: [string, unknown][] = [
  ["Service-Type", 2],
  ["Framed-Protocol", 1],
  ["Mikrotik-Rate-Limit", "2048k/10240k"],
  ["Framed-Pool", "pool-home"],
  ["Mikrotik-Group", "home"],
  ["Acct-Interim-Interval", 300],
  ["Class", "k1:s:sub-1"],
];

describe("an active subscriber", () => {
  test.each(KINDS)("%s: the right password gets the plan's attributes, a wrong one → wrong_password", async (kind) => {
    open().apply("subscriber", "sub-1", subscriber());
    const ok = await site.authorize({ credentials: credentials(kind, RFC_PASSWORD) });
    expect(ok).toMatchObject({ accept: true, subscriptionId: "sub-1", voucherCode: null, policy: "plan" });
    expect(valuesOf(onTheWire(ok))).toEqual(PLAN_REPLY);

    const wrong = await site.authorize({ credentials: credentials(kind, "clientPasz") });
    expect(wrong).toMatchObject({ accept: false, reason: "wrong_password" });
    const error = onTheWire(wrong).attributes.find((a) => a.name === "MS-CHAP-Error");
    expect(error !== undefined).toBe(kind === "mschap" || kind === "mschapv2");
  });

  test("MS-CHAPv2 reply: MS-CHAP2-Success and the MPPE keys of RFC 2759/3079, encrypted with the first secret", async () => {
    open().apply("subscriber", "sub-1", subscriber());
    const ok = await site.authorize({
      credentials: credentials("mschapv2", RFC_PASSWORD),
      secrets: [SECRET, OLD_SECRET],
    });
    const reply = onTheWire(ok);
    const ms = (name: string) => reply.attributes.find((a) => a.name === name)?.raw as Buffer;
    expect(ms("MS-CHAP2-Success").subarray(1).toString()).toBe("S=407A5589115FD0D6209F510FE9C04566932CDA56");
    const send = decryptMppeKey(ms("MS-MPPE-Send-Key"), SECRET, AUTHENTICATOR) as Buffer;
    const recv = decryptMppeKey(ms("MS-MPPE-Recv-Key"), SECRET, AUTHENTICATOR) as Buffer;
    expect(send.toString("hex").toUpperCase()).toBe("8B7CDC149B993A1BA118CB153F56DCCB");
    expect(recv.toString("hex").toUpperCase()).toBe("D5F0E9521E3EA9589645E86051C82226");
  });

  test("MS-CHAPv1 reply carries MS-CHAP-MPPE-Keys", async () => {
    open().apply("subscriber", "sub-1", subscriber());
    const ok = await site.authorize({ credentials: credentials("mschap", RFC_PASSWORD) });
    expect(onTheWire(ok).attributes.some((a) => a.name === "MS-CHAP-MPPE-Keys")).toBe(true);
  });

  test("PAP hidden with the secret being rotated out is accepted when it is a candidate, refused when not", async () => {
    open().apply("subscriber", "sub-1", subscriber());
    const old = credentials("pap", RFC_PASSWORD, { secret: OLD_SECRET });
    expect(await site.authorize({ credentials: old, secrets: [SECRET, OLD_SECRET] })).toMatchObject({ accept: true });
    expect(await site.authorize({ credentials: old, secrets: [SECRET] })).toMatchObject({
      accept: false,
      reason: "wrong_password",
    });
  });

  test("bursts, a static address instead of the pool, the plan's interim, Session-Timeout until expiry", async () => {
    open().apply(
      "subscriber",
      "sub-1",
      subscriber({
        staticIp: "10.9.8.7/32",
        expiresAt: at(90.2).toISOString(),
        plan: plan({ burstUploadKbps: 4096, burstDownloadKbps: 20480, burstTimeSeconds: 8, interimSeconds: 120 }),
      }),
    );
    const ok = await site.authorize();
    expect(valuesOf(onTheWire(ok))).toEqual([
      ["Service-Type", 2],
      ["Framed-Protocol", 1],
      ["Framed-IP-Address", "10.9.8.7"],
      ["Mikrotik-Rate-Limit", "2048k/10240k 4096k/20480k 2048k/10240k 8/8"],
      ["Mikrotik-Group", "home"],
      ["Acct-Interim-Interval", 120],
      ["Class", "k1:s:sub-1"],
      ["Session-Timeout", 91],
    ]);
  });

  test("past its expiry → subscription_expired", async () => {
    open().apply("subscriber", "sub-1", subscriber({ expiresAt: at(-1).toISOString() }));
    expect(await site.authorize()).toMatchObject({ accept: false, reason: "subscription_expired" });
    expect(await site.authorize({ now: at(-2) })).toMatchObject({ accept: true });
  });

  test("a static/MAC subscriber gets no PPP Service-Type", async () => {
    open().apply("subscriber", "sub-1", subscriber({ access: "static" }));
    const names = valuesOf(onTheWire(await site.authorize())).map(([n]) => n);
    expect(names).not.toContain("Service-Type");
    expect(names).toContain("Mikrotik-Rate-Limit");
  });
});

describe("an isolated subscriber is still let in, with the isolation policy", () => {
  test("the tenant's policy replaces the plan's rate, group and pool; Class and interim stay", async () => {
    open().apply("subscriber", "sub-1", subscriber({ status: "isolated", expiresAt: at(-3600).toISOString() }));
    site.apply("policy", "isolation", {
      addressList: "blocked",
      profile: "pay-first",
      rateLimit: "128k/128k",
      pool: "pool-isolir",
    });
    const ok = await site.authorize({ credentials: credentials("chap", RFC_PASSWORD) });
    expect(ok).toMatchObject({ accept: true, policy: "isolation", subscriptionId: "sub-1" });
    expect(valuesOf(onTheWire(ok))).toEqual([
      ["Service-Type", 2],
      ["Framed-Protocol", 1],
      ["Mikrotik-Address-List", "blocked"],
      ["Mikrotik-Group", "pay-first"],
      ["Mikrotik-Rate-Limit", "128k/128k"],
      ["Framed-Pool", "pool-isolir"],
      ["Acct-Interim-Interval", 300],
      ["Class", "k1:s:sub-1"],
    ]);
  });

  test("a policy without rate or pool: no rate limit, the plan's pool", async () => {
    open().apply("subscriber", "sub-1", subscriber({ status: "isolated" }));
    site.apply("policy", "isolation", { addressList: "isolir", profile: "isolir", rateLimit: null, pool: null });
    const reply = valuesOf(onTheWire(await site.authorize()));
    expect(reply.map(([n]) => n)).not.toContain("Mikrotik-Rate-Limit");
    expect(reply).toContainEqual(["Framed-Pool", "pool-home"]);
  });

  test.each([
    ["no policy entry yet", null],
    ["a policy entry that does not parse", { addressList: 42 }],
  ])("%s → the defaults (isolir, 256k/256k)", async (_, policy) => {
    open().apply("subscriber", "sub-1", subscriber({ status: "isolated" }));
    if (policy) site.apply("policy", "isolation", policy);
    const ok = await site.authorize();
    expect(ok).toMatchObject({ accept: true, policy: "isolation" });
    expect(valuesOf(onTheWire(ok))).toEqual([
      ["Service-Type", 2],
      ["Framed-Protocol", 1],
      ["Mikrotik-Address-List", "isolir"],
      ["Mikrotik-Group", "isolir"],
      ["Mikrotik-Rate-Limit", "256k/256k"],
      ["Framed-Pool", "pool-home"],
      ["Acct-Interim-Interval", 300],
      ["Class", "k1:s:sub-1"],
    ]);
    if (policy)
      expect(site.logs.find("bad desired-state entry")[0]).toMatchObject({ kind: "policy", key: "isolation" });
  });

  test("still needs the right password", async () => {
    open().apply("subscriber", "sub-1", subscriber({ status: "isolated" }));
    expect(await site.authorize({ credentials: credentials("pap", "nope") })).toMatchObject({
      accept: false,
      reason: "wrong_password",
    });
  });
});

describe("refusals", () => {
  test("unknown, and terminated (removed from the store) → unknown_user", async () => {
    open();
    expect(await site.authorize()).toMatchObject({ accept: false, reason: "unknown_user", attributes: [] });
    site.apply("subscriber", "sub-1", subscriber());
    expect(await site.authorize()).toMatchObject({ accept: true });
    site.apply("subscriber", "sub-1", null);
    expect(await site.authorize()).toMatchObject({ accept: false, reason: "unknown_user" });
  });

  test("an entry that does not parse → bad_entry, logged with its kind and key", async () => {
    open().apply("subscriber", "sub-1", { ...subscriber(), status: "paused" });
    expect(await site.authorize()).toMatchObject({ accept: false, reason: "bad_entry" });
    expect(site.logs.find("bad desired-state entry")[0]).toMatchObject({
      level: "warn",
      kind: "subscriber",
      key: "sub-1",
    });
  });

  test.each([
    ["a pool name too long for an attribute", { plan: plan({ addressPool: "p".repeat(300) }) }],
    ["a static address that is not IPv4", { staticIp: "2001:db8::1" }],
  ])("%s → bad_entry instead of a reply the encoder refuses", async (_, over) => {
    open().apply("subscriber", "sub-1", subscriber(over));
    expect(await site.authorize()).toMatchObject({ accept: false, reason: "bad_entry" });
    expect(site.logs.find("bad desired-state entry")[0]).toMatchObject({ kind: "subscriber", key: "sub-1" });
  });

  test("a subscriber with no password (not PPPoE) → wrong_password", async () => {
    open().apply("subscriber", "sub-1", subscriber({ password: null }));
    expect(await site.authorize()).toMatchObject({ accept: false, reason: "wrong_password" });
  });

  test("no secret, or an authenticator that is not 16 octets → malformed", async () => {
    open().apply("subscriber", "sub-1", subscriber());
    expect(await site.authorize({ secrets: [] })).toMatchObject({ accept: false, reason: "malformed" });
    expect(await site.authorize({ requestAuthenticator: Buffer.alloc(15) })).toMatchObject({ reason: "malformed" });
    expect(await site.authorize({ userName: "" })).toMatchObject({ reason: "malformed" });
  });

  test("the store failing under us rejects the promise (the server leaves the request unanswered)", async () => {
    open().apply("subscriber", "sub-1", subscriber());
    const db = site.db.db;
    db.exec("alter table desired_state rename to gone");
    try {
      await expect(site.authorize()).rejects.toThrow(/no such table/);
    } finally {
      db.exec("alter table gone rename to desired_state");
    }
  });
});

describe("simultaneous use: one session per subscriber", () => {
  test("online from another device → simultaneous_use, with a Reply-Message", async () => {
    open().apply("subscriber", "sub-1", subscriber());
    site.online({ callingStationId: "AA:BB:CC:00:00:99" });
    const refused = await site.authorize();
    expect(refused).toMatchObject({ accept: false, reason: "simultaneous_use" });
    expect(valuesOf(onTheWire(refused))).toEqual([["Reply-Message", "Already logged in on another device"]]);
  });

  test("the same device re-dialing (MAC spelled differently) is let in", async () => {
    open().apply("subscriber", "sub-1", subscriber());
    site.online({ callingStationId: "aa-bb-cc-00-00-01" });
    expect(await site.authorize({ callingStationId: "AA:BB:CC:00:00:01" })).toMatchObject({ accept: true });
  });

  test.each([
    ["the session has no Calling-Station-Id", null, "AA:BB:CC:00:00:01"],
    ["the attempt has none", "AA:BB:CC:00:00:01", null],
  ])("%s → simultaneous_use", async (_, sessionStation, attemptStation) => {
    open().apply("subscriber", "sub-1", subscriber());
    site.online({ callingStationId: sessionStation });
    expect(await site.authorize({ callingStationId: attemptStation })).toMatchObject({ reason: "simultaneous_use" });
  });

  test("a session found by its subscription (Class) counts under a changed User-Name", async () => {
    open().apply("subscriber", "sub-1", subscriber());
    site.online({ userName: "old-name", subscriptionId: "sub-1", callingStationId: "AA:BB:CC:00:00:99" });
    expect(await site.authorize()).toMatchObject({ reason: "simultaneous_use" });
  });

  test("another subscriber's session does not count", async () => {
    open().apply("subscriber", "sub-1", subscriber());
    site.online({ userName: "someone-else", subscriptionId: "sub-2", callingStationId: "AA:BB:CC:00:00:99" });
    expect(await site.authorize()).toMatchObject({ accept: true });
  });
});
