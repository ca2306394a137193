import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { parseRecordData } from "@kilusi/shared/sync/radius-records";
import { removeTempDirs } from "../../testing/fixtures.ts";
import { VoucherUsage } from "../sessions/voucher-usage.ts";
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
import { VoucherUses } from "./voucher-uses.ts";

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

  test("expired in the cloud → refused as expired, even where this site's clock still sees validity left", async () => {
    // The site's clock runs an hour behind the cloud's, which expired the code at its own expiry.
    const expiresAt = at(3600).toISOString();
    open().apply("voucher", CODE, voucher({ state: "expired", activatedAt: at(-1).toISOString(), expiresAt }));
    const refused = await login();
    expect(refused).toMatchObject({ accept: false, reason: "voucher_expired" });
    expect(valuesOf(onTheWire(refused))).toEqual([["Reply-Message", "Voucher expired"]]);
    expect(activations()).toEqual([]);
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

describe("a voucher's data quota (the plan's quotaBytes, octets both ways)", () => {
  const GiB = 2 ** 30;
  const withQuota = (quotaBytes: number) => voucher({ plan: { ...voucher().plan, quotaBytes } });
  const session = (id: string, type: string, octets: { input?: number; output?: number; gigawords?: number } = {}) =>
    site.account([
      ["Acct-Status-Type", type],
      ["User-Name", CODE],
      ["Acct-Session-Id", id],
      ["Class", `k1:v:${CODE}`],
      ["Calling-Station-Id", MAC],
      ["Acct-Input-Octets", octets.input ?? 0],
      ["Acct-Output-Octets", octets.output ?? 0],
      ["Acct-Output-Gigawords", octets.gigawords ?? 0],
    ]);
  const limits = (decision: Awaited<ReturnType<typeof login>>) =>
    valuesOf(onTheWire(decision)).filter(([name]) => name.startsWith("Mikrotik-Total-Limit"));

  test("the Accept gives the router what is left; used up by ended sessions → voucher_exhausted", async () => {
    open().apply("voucher", CODE, withQuota(5 * GiB));
    expect(limits(await login())).toEqual([
      ["Mikrotik-Total-Limit", GiB],
      ["Mikrotik-Total-Limit-Gigawords", 1],
    ]);
    expect(await session("a", "Start")).toEqual({ answer: true, journaled: true });
    await session("a", "Interim-Update", { input: 1_000, output: 2_000 });
    // A Gigaword is 2^32 octets (4 GiB).
    expect(await session("a", "Stop", { input: 1_000_000, output: 0, gigawords: 1 })).toEqual({
      answer: true,
      journaled: true,
    });
    // 5 GiB − (4 GiB + 1,000,000): the next login may use what remains, and no more.
    const left = GiB - 1_000_000;
    expect(limits(await login({ now: at(60) }))).toEqual([
      ["Mikrotik-Total-Limit", left],
      ["Mikrotik-Total-Limit-Gigawords", 0],
    ]);
    await session("b", "Start");
    await session("b", "Stop", { input: left - 10, output: 10 });
    const refused = await login({ now: at(120) });
    expect(refused).toMatchObject({ accept: false, reason: "voucher_exhausted" });
    expect(valuesOf(onTheWire(refused))).toContainEqual(["Reply-Message", "Voucher data quota used up"]);
  });

  test("exhausted in the cloud (used at other sites too) → refused, though nothing was used here", async () => {
    const v = withQuota(5 * GiB);
    open().apply("voucher", CODE, { ...v, state: "exhausted", activatedAt: at(-60).toISOString() });
    const refused = await login();
    expect(refused).toMatchObject({ accept: false, reason: "voucher_exhausted" });
    expect(valuesOf(onTheWire(refused))).toContainEqual(["Reply-Message", "Voucher data quota used up"]);
    expect(activations()).toEqual([]);
  });

  test("a Stop sent again (after an agent restart) counts once; an online session counts with its latest interim", async () => {
    open().apply("voucher", CODE, withQuota(10_000));
    await login();
    await session("a", "Start");
    await session("a", "Stop", { input: 3_000, output: 1_000 });
    // A copy with a bumped Acct-Delay-Time is the same request; this one is a new copy of the Stop
    // with the counters it had (the router's retransmit after our restart): still 4,000.
    await session("a", "Stop", { input: 3_000, output: 1_000 });
    expect(limits(await login({ now: at(10) }))).toContainEqual(["Mikrotik-Total-Limit", 6_000]);
    // Online from the same device (a re-dial is let in): its octets so far are used too.
    await session("b", "Start");
    await session("b", "Interim-Update", { input: 500, output: 500 });
    expect(limits(await login({ now: at(20) }))).toContainEqual(["Mikrotik-Total-Limit", 5_000]);
  });

  test("sessions ended by a NAS restart or closed as stale count with their last counters", async () => {
    open({ interimSeconds: 60 }).apply("voucher", CODE, withQuota(10_000));
    await login();
    await session("a", "Start");
    await session("a", "Interim-Update", { input: 2_000, output: 0 });
    await site.account([["Acct-Status-Type", "Accounting-On"]]);
    await session("b", "Start");
    await session("b", "Interim-Update", { input: 0, output: 3_000 });
    // No interim for 3 × 60 s: stale.
    expect(await site.accounting.sweepStale(at(600))).toBe(1);
    expect(limits(await login({ now: at(600) }))).toContainEqual(["Mikrotik-Total-Limit", 5_000]);
  });

  test("without a quota nothing is counted against and no limit is sent", async () => {
    open().apply("voucher", CODE, voucher());
    await login();
    await session("a", "Stop", { input: 0, output: 0, gigawords: 1_000 });
    const again = await login({ now: at(10) });
    expect(again.accept).toBe(true);
    expect(limits(again)).toEqual([]);
  });
});

test("a voucher the site no longer holds (released, voided) loses its usage rows and its first login at the next prune", async () => {
  open().apply("voucher", CODE, voucher({ plan: { ...voucher().plan, quotaBytes: 10_000 } }));
  await login();
  await site.account([
    ["Acct-Status-Type", "Stop"],
    ["User-Name", CODE],
    ["Acct-Session-Id", "a"],
    ["Class", `k1:v:${CODE}`],
    ["Acct-Input-Octets", 100],
  ]);
  const usage = new VoucherUsage(site.db);
  expect(usage.prune()).toBe(0);
  site.apply("voucher", CODE, null);
  expect(usage.prune()).toBe(1);
  expect(site.db.db.query("select count(*) as n from voucher_session_usage").get()).toEqual({ n: 0 });
  expect(use()).not.toBeNull();
  expect(new VoucherUses(site.db).prune()).toBe(1);
  expect(use()).toBeNull();
});
