import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { parseRecordData } from "@kilusi/shared/sync/radius-records";
import { removeTempDirs } from "../../testing/fixtures.ts";
import {
  at,
  BASE,
  credentials,
  onTheWire,
  plan,
  SECRET,
  Site,
  subscriber,
  valuesOf,
  voucher,
} from "./authorize.fixtures.ts";
import type { AccessAttempt } from "./authorizer.ts";

afterAll(removeTempDirs);

const CODE = "K7M2Q9XR";
const MAC = "AA:BB:CC:00:00:01";
const OTHER_MAC = "AA:BB:CC:00:00:02";

let site: Site;
const open = (opts?: ConstructorParameters<typeof Site>[0]) => {
  site = new Site(opts);
  return site;
};
afterEach(() => {
  // The code is the password: only the voucher's id may reach the log.
  expect(site.logText()).not.toContain(CODE);
  expect(site.logText()).not.toContain(SECRET.toString());
  site.close();
});

const login = (over: Partial<AccessAttempt> = {}) =>
  site.authorize({ userName: CODE, credentials: credentials("pap", CODE), callingStationId: MAC, ...over });
const activations = () => site.journal.readAfter(0, 100).filter((r) => r.kind === "radius.voucher_activated");
const use = () =>
  site.db.db.query("select * from voucher_uses where code = ?").get(CODE) as Record<string, unknown> | null;

describe("a voucher's first login", () => {
  test("is journaled once and recorded locally; validity runs from it on later logins", async () => {
    open().apply("voucher", CODE, voucher());
    const first = await login();
    expect(first).toMatchObject({ accept: true, policy: "voucher", voucherCode: CODE, subscriptionId: null });
    expect(valuesOf(onTheWire(first))).toEqual([
      ["Mikrotik-Rate-Limit", "1024k/5120k"],
      ["Framed-Pool", "hs-pool"],
      ["Mikrotik-Group", "home"],
      ["Acct-Interim-Interval", 300],
      ["Class", `k1:v:${CODE}`],
      ["Session-Timeout", 3600],
    ]);
    const [record, ...more] = activations();
    expect(more).toEqual([]);
    const data = parseRecordData("radius.voucher_activated", record?.data);
    expect(data).toEqual({
      ok: true,
      value: {
        voucherId: "voucher-1",
        code: CODE,
        activatedAt: BASE.toISOString(),
        expiresAt: at(3600).toISOString(),
        mac: MAC,
        nasId: "nas-1",
      },
    });
    expect(use()).toMatchObject({ voucher_id: "voucher-1", activated_at: BASE.toISOString(), mac: MAC });

    const later = await login({ now: at(600) });
    expect(valuesOf(onTheWire(later))).toContainEqual(["Session-Timeout", 3000]);
    expect(await login({ now: at(3600) })).toMatchObject({ accept: false, reason: "voucher_expired" });
    expect(activations()).toHaveLength(1);
  });

  test("logins racing each other activate it once", async () => {
    open().apply("voucher", CODE, voucher());
    const results = await Promise.all(Array.from({ length: 5 }, () => login()));
    expect(results.every((r) => r.accept)).toBe(true);
    expect(activations()).toHaveLength(1);
  });

  test("racing from two devices with MAC binding: one wins, the other is refused", async () => {
    open().apply("voucher", CODE, voucher({ macBinding: true }));
    const [a, b] = await Promise.all([login(), login({ callingStationId: OTHER_MAC })]);
    expect([a?.accept, b?.accept]).toEqual([true, false]);
    expect(b).toMatchObject({ reason: "voucher_mac_mismatch" });
    expect(activations()).toHaveLength(1);
  });

  test("CHAP works; the code typed in lower case works; MS-CHAP is unsupported", async () => {
    open().apply("voucher", CODE, voucher());
    expect(await login({ credentials: credentials("chap", CODE) })).toMatchObject({ accept: true });
    const lower = CODE.toLowerCase();
    expect(await login({ userName: lower, credentials: credentials("chap", lower) })).toMatchObject({
      accept: true,
      voucherCode: CODE,
    });
    expect(await login({ credentials: credentials("mschapv2", CODE, { userName: CODE }) })).toMatchObject({
      accept: false,
      reason: "unsupported",
    });
  });

  test("a wrong password is refused and activates nothing", async () => {
    open().apply("voucher", CODE, voucher());
    expect(await login({ credentials: credentials("pap", "K7M2Q9XZ") })).toMatchObject({ reason: "wrong_password" });
    expect(activations()).toEqual([]);
    expect(use()).toBeNull();
  });

  test("journal full → refused, logged, and not recorded locally either", async () => {
    open({ journalBytes: 64 }).apply("voucher", CODE, voucher());
    expect(await login()).toMatchObject({ accept: false, reason: "journal_full" });
    expect(site.logs.find("voucher activation not journaled")[0]).toMatchObject({
      level: "error",
      voucherId: "voucher-1",
    });
    expect(use()).toBeNull();
    expect(activations()).toEqual([]);
  });

  test("journal closed (shutdown) → the promise rejects: unanswered, nothing recorded", async () => {
    open().apply("voucher", CODE, voucher());
    site.journal.close();
    await expect(login()).rejects.toThrow(/journal closed/);
    expect(use()).toBeNull();
  });

  test("a subscriber with the same name wins over a voucher", async () => {
    open().apply("voucher", CODE, voucher());
    site.apply("subscriber", "sub-1", subscriber({ username: CODE, password: CODE }));
    expect(await login()).toMatchObject({ accept: true, policy: "plan", subscriptionId: "sub-1" });
    expect(activations()).toEqual([]);
    // Here the code is a subscriber's User-Name, which subscriber lines do name.
    site.logs.lines.length = 0;
  });
});

describe("validity known to the cloud", () => {
  test("a validity past the last date JavaScript holds: first login journaled, Session-Timeout the uint32 maximum", async () => {
    // Found by authorizer.fuzz.test.ts: the end was Invalid Date, and the reply did not encode.
    open().apply("voucher", CODE, voucher({ validitySeconds: 8_640_000_000_000 }));
    const first = await login();
    expect(valuesOf(onTheWire(first))).toContainEqual(["Session-Timeout", 0xffff_ffff]);
    expect(activations()[0]?.data.expiresAt).toBe(new Date(8.64e15).toISOString());
  });

  test("the cloud's earlier activation wins over this site's", async () => {
    open().apply("voucher", CODE, voucher());
    await login({ now: at(1000) });
    site.apply("voucher", CODE, voucher({ state: "active", activatedAt: at(0).toISOString() }));
    expect(valuesOf(onTheWire(await login({ now: at(1200) })))).toContainEqual(["Session-Timeout", 2400]);
  });

  test("this site's earlier activation wins over the cloud's later one", async () => {
    open().apply("voucher", CODE, voucher());
    await login({ now: at(0) });
    site.apply("voucher", CODE, voucher({ state: "active", activatedAt: at(500).toISOString() }));
    expect(valuesOf(onTheWire(await login({ now: at(1200) })))).toContainEqual(["Session-Timeout", 2400]);
  });

  test("activated elsewhere (cloud says active): no activation here, time counted from the cloud's", async () => {
    open().apply("voucher", CODE, voucher({ state: "active", activatedAt: at(-1800).toISOString() }));
    expect(valuesOf(onTheWire(await login()))).toContainEqual(["Session-Timeout", 1800]);
    expect(activations()).toEqual([]);
    expect(await login({ now: at(1800) })).toMatchObject({ accept: false, reason: "voucher_expired" });
  });

  test("an end of its own (expiresAt) caps the validity, even before first use", async () => {
    open().apply("voucher", CODE, voucher({ expiresAt: at(600).toISOString() }));
    expect(valuesOf(onTheWire(await login()))).toContainEqual(["Session-Timeout", 600]);
    site.apply("voucher", "OTHERCODE", voucher({ id: "voucher-2", expiresAt: at(-1).toISOString() }));
    const expired = await login({ userName: "OTHERCODE", credentials: credentials("pap", "OTHERCODE") });
    expect(expired).toMatchObject({ accept: false, reason: "voucher_expired" });
    expect(valuesOf(onTheWire(expired))).toEqual([["Reply-Message", "Voucher expired"]]);
  });
});

describe("MAC binding and simultaneous use", () => {
  test("bound to the first device: another is refused, the same one (any spelling) let in", async () => {
    open().apply("voucher", CODE, voucher({ macBinding: true }));
    expect(await login()).toMatchObject({ accept: true });
    expect(await login({ callingStationId: OTHER_MAC })).toMatchObject({ reason: "voucher_mac_mismatch" });
    expect(await login({ callingStationId: "aabb.cc00.0001" })).toMatchObject({ accept: true });
    expect(await login({ callingStationId: null })).toMatchObject({ reason: "voucher_mac_mismatch" });
  });

  test("the cloud's bound MAC counts before any local use", async () => {
    open().apply(
      "voucher",
      CODE,
      voucher({ macBinding: true, state: "active", activatedAt: at(-60).toISOString(), mac: OTHER_MAC }),
    );
    expect(await login()).toMatchObject({ reason: "voucher_mac_mismatch" });
    expect(await login({ callingStationId: OTHER_MAC })).toMatchObject({ accept: true });
  });

  test("without binding, another device may use it once the first is offline", async () => {
    open().apply("voucher", CODE, voucher());
    expect(await login()).toMatchObject({ accept: true });
    expect(await login({ callingStationId: OTHER_MAC })).toMatchObject({ accept: true });
  });

  test("while online from one device, another is refused simultaneous_use; the same one re-logs", async () => {
    open().apply("voucher", CODE, voucher());
    expect(await login()).toMatchObject({ accept: true });
    site.online({ userName: CODE, voucherCode: CODE, callingStationId: MAC });
    expect(await login({ callingStationId: OTHER_MAC })).toMatchObject({ reason: "simultaneous_use" });
    expect(await login()).toMatchObject({ accept: true });
  });

  test("a bad voucher entry → bad_entry, logged by kind without the code", async () => {
    open().apply("voucher", CODE, { ...voucher(), validitySeconds: 0 });
    expect(await login()).toMatchObject({ reason: "bad_entry" });
    expect(site.logs.find("bad desired-state entry")[0]).toMatchObject({ kind: "voucher" });
  });

  test("a plan without limits sends no rate limit; the plan's interim applies", async () => {
    open().apply(
      "voucher",
      CODE,
      voucher({ plan: plan({ downloadKbps: null, uploadKbps: null, interimSeconds: 600 }) }),
    );
    const reply = valuesOf(onTheWire(await login()));
    expect(reply.map(([n]) => n)).not.toContain("Mikrotik-Rate-Limit");
    expect(reply).toContainEqual(["Acct-Interim-Interval", 600]);
  });
});
