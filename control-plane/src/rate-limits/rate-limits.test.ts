import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { integrationBackend, openTestDatabase, type TestDatabase } from "../../../tests/support/database.ts";
import { users } from "../accounts/accounts.tables.ts";
import type { Clock } from "../clock.ts";
import { loginFailures, rateLimitCounters } from "./rate-limits.tables.ts";
import {
  createLoginThrottle,
  createRateLimiter,
  type LoginAttempt,
  type LoginGate,
  type LoginThrottle,
  loginAccountKey,
  loginDelayMs,
  type RateLimiter,
} from "./rate-limits.ts";

const MIN = 60_000;

/** A clock the test moves by hand. */
function manualClock(start: string) {
  let t = new Date(start).getTime();
  const clock: Clock & { set(at: number): void; advance(ms: number): void; at: number } = {
    now: () => new Date(t),
    set: (at) => {
      t = at;
    },
    advance: (ms) => {
      t += ms;
    },
    get at() {
      return t;
    },
  };
  return clock;
}

const freshKey = () => loginAccountKey(`${crypto.randomUUID()}@example.com`);

/** A failed sign-in: an attempt that is allowed and never forgiven. */
async function fail(throttle: LoginThrottle, key: string, ip: string) {
  const attempt = await throttle.attempt(key, ip);
  if (!attempt.allowed) throw new Error(`attempt ${key} from ${ip} was refused`);
}

/** The answer of an attempt, without the id of its reservation. */
function gateOf(attempt: LoginAttempt): LoginGate {
  if (!attempt.allowed) return attempt;
  const { attemptId: _, ...gate } = attempt;
  return gate;
}

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase(await integrationBackend());
});
afterAll(() => t.close());

describe("loginAccountKey", () => {
  test("is the SHA-256 hex of the trimmed, lower-cased address", () => {
    const expected = createHash("sha256").update("alice@example.com").digest("hex");
    expect(loginAccountKey("  Alice@Example.COM \n")).toBe(expected);
    expect(loginAccountKey("alice@example.com")).toBe(expected);
    expect(loginAccountKey("bob@example.com")).not.toBe(expected);
  });
});

describe("loginDelayMs: the growing pause", () => {
  test.each([
    [0, 0],
    [1, 0],
    [2, 250],
    [3, 500],
    [4, 1000],
    [5, 2000],
    [6, 4000],
    [7, 4000],
    [99, 4000],
  ])("after %i failures: %i ms", (failures, ms) => {
    expect(loginDelayMs(failures)).toBe(ms);
  });
});

describe("login throttle", () => {
  let clock: ReturnType<typeof manualClock>;
  let throttle: LoginThrottle;
  beforeAll(() => {
    clock = manualClock("2030-01-01T00:00:00Z");
    throttle = createLoginThrottle({ database: t.database, clock });
  });
  // Each test starts in a fresh hour so no other test's failures are in its windows.
  const freshHour = () => clock.set(clock.at + 24 * 60 * MIN);

  test("the sequence of answers as one address fails, one per minute", async () => {
    freshHour();
    const key = freshKey();
    const answers: LoginGate[] = [];
    for (let i = 0; i < 6; i++) {
      answers.push(gateOf(await throttle.attempt(key, "198.51.100.1")));
      clock.advance(MIN);
    }
    expect(answers).toEqual([
      { allowed: true, delayMs: 0 },
      { allowed: true, delayMs: 0 },
      { allowed: true, delayMs: 250 },
      { allowed: true, delayMs: 500 },
      { allowed: true, delayMs: 1000 },
      // The 6th attempt: the oldest failure (5 min ago) leaves the window in 10 min.
      { allowed: false, retryAfterSeconds: 600 },
    ]);
  });

  test("Retry-After counts down to the moment the oldest failure leaves the 15 minutes", async () => {
    freshHour();
    const key = freshKey();
    const start = clock.at;
    for (let i = 0; i < 5; i++) {
      await fail(throttle, key, "198.51.100.2");
      clock.advance(MIN);
    }
    clock.set(start + 15 * MIN - 1);
    expect(await throttle.check(key, "198.51.100.2")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.set(start + 15 * MIN);
    // Four failures left in the window (from any address for the delay): 1 s.
    expect(await throttle.check(key, "198.51.100.2")).toEqual({ allowed: true, delayMs: 1000 });
  });

  test("failures 16 minutes old no longer count", async () => {
    freshHour();
    const key = freshKey();
    for (let i = 0; i < 5; i++) await fail(throttle, key, "198.51.100.3");
    clock.advance(14 * MIN);
    expect(await throttle.check(key, "198.51.100.3")).toEqual({ allowed: false, retryAfterSeconds: 60 });
    clock.advance(2 * MIN);
    expect(await throttle.check(key, "198.51.100.3")).toEqual({ allowed: true, delayMs: 0 });
  });

  test("the per-pair limit does not stop the same account from another address (but the delay is per account)", async () => {
    freshHour();
    const key = freshKey();
    for (let i = 0; i < 5; i++) await fail(throttle, key, "198.51.100.4");
    expect((await throttle.check(key, "198.51.100.4")).allowed).toBe(false);
    expect(await throttle.check(key, "203.0.113.9")).toEqual({ allowed: true, delayMs: 2000 });
    // Nor another account from the same address.
    expect(await throttle.check(freshKey(), "198.51.100.4")).toEqual({ allowed: true, delayMs: 0 });
  });

  test("a hard cap of 100 failures per hour per account, whatever the address", async () => {
    freshHour();
    const key = freshKey();
    const start = clock.at;
    // 100 failures from 25 addresses, one every 30 s: no address reaches 5 in 15 minutes.
    for (let i = 0; i < 100; i++) {
      clock.set(start + i * 30_000);
      if (i === 99) {
        expect(await throttle.check(key, "192.0.2.200")).toEqual({ allowed: true, delayMs: 4000 });
      }
      await fail(throttle, key, `192.0.2.${i % 25}`);
    }
    clock.set(start + 50 * MIN);
    expect(await throttle.check(key, "192.0.2.200")).toEqual({ allowed: false, retryAfterSeconds: 600 });
    expect(await throttle.check(key, "192.0.2.3")).toEqual({ allowed: false, retryAfterSeconds: 600 });
    // The first failure leaves the hour: 99 remain.
    clock.set(start + 60 * MIN);
    expect(await throttle.check(key, "192.0.2.200")).toEqual({ allowed: true, delayMs: 4000 });
  });

  test("when both limits refuse, Retry-After is the later of the two", async () => {
    freshHour();
    const key = freshKey();
    const start = clock.at;
    for (let i = 0; i < 95; i++) await fail(throttle, key, `192.0.2.${i % 20}`);
    clock.set(start + 50 * MIN);
    for (let i = 0; i < 5; i++) await fail(throttle, key, "198.51.100.5");
    // Pair: 15 min to go; account: the failures of `start` leave the hour in 10 min.
    expect(await throttle.check(key, "198.51.100.5")).toEqual({ allowed: false, retryAfterSeconds: 900 });
    expect(await throttle.check(key, "198.51.100.6")).toEqual({ allowed: false, retryAfterSeconds: 600 });
  });

  test("clearing forgets only that account from that address", async () => {
    freshHour();
    const key = freshKey();
    const other = freshKey();
    for (let i = 0; i < 5; i++) {
      await fail(throttle, key, "198.51.100.7");
      await fail(throttle, other, "198.51.100.7");
    }
    for (let i = 0; i < 3; i++) await fail(throttle, key, "198.51.100.8");
    await throttle.clearFailures(key, "198.51.100.7");
    // Three failures from the other address remain for this account: 500 ms.
    expect(await throttle.check(key, "198.51.100.7")).toEqual({ allowed: true, delayMs: 500 });
    expect(await throttle.check(other, "198.51.100.7")).toEqual({ allowed: false, retryAfterSeconds: 900 });
    const left = await t.database.withoutTenant((tx) =>
      tx.select({ ip: loginFailures.ip }).from(loginFailures).where(eq(loginFailures.accountKey, key)),
    );
    expect(left.map((r) => r.ip)).toEqual(["198.51.100.8", "198.51.100.8", "198.51.100.8"]);
  });

  test("an address without an account is limited exactly like one with an account", async () => {
    freshHour();
    const known = `known-${crypto.randomUUID()}@example.com`;
    await t.database.withoutTenant((tx) =>
      tx.insert(users).values({ id: crypto.randomUUID(), email: known, name: "Known", passwordHash: "x" }),
    );
    const run = async (email: string, ip: string) => {
      const key = throttle.accountKey(email);
      const start = clock.at;
      const answers: LoginGate[] = [];
      for (let i = 0; i < 7; i++) {
        clock.set(start + i * 20_000);
        answers.push(gateOf(await throttle.attempt(key, ip)));
      }
      clock.set(start);
      return answers;
    };
    const forKnown = await run(known, "198.51.100.9");
    const forUnknown = await run(`nobody-${crypto.randomUUID()}@example.com`, "198.51.100.10");
    expect(forUnknown).toEqual(forKnown);
    expect(forKnown.map((g) => g.allowed)).toEqual([true, true, true, true, true, false, false]);
  });

  test("an allowed attempt is stored at once with the clock's time, the key and the address", async () => {
    freshHour();
    const key = freshKey();
    await fail(throttle, key, "2001:db8::1");
    const rows = await t.database.withoutTenant((tx) =>
      tx.select().from(loginFailures).where(eq(loginFailures.accountKey, key)),
    );
    expect(rows.map((r) => ({ ip: r.ip, at: r.at.getTime() }))).toEqual([{ ip: "2001:db8::1", at: clock.at }]);
  });
});

describe("login throttle under concurrency", () => {
  test("twenty attempts at once from one address: exactly five are let through", async () => {
    const clock = manualClock("2031-01-01T00:00:00Z");
    const throttle = createLoginThrottle({ database: t.database, clock });
    const key = freshKey();
    const answers = await Promise.all(Array.from({ length: 20 }, () => throttle.attempt(key, "198.51.100.20")));
    expect(answers.filter((a) => a.allowed)).toHaveLength(5);
    expect(answers.filter((a) => !a.allowed)).toHaveLength(15);
  });

  test("a forgiven attempt no longer counts; the others still do", async () => {
    const clock = manualClock("2031-02-01T00:00:00Z");
    const throttle = createLoginThrottle({ database: t.database, clock });
    const key = freshKey();
    for (let i = 0; i < 4; i++) await fail(throttle, key, "198.51.100.21");
    const right = await throttle.attempt(key, "198.51.100.21");
    if (!right.allowed) throw new Error("the fifth attempt was refused");
    expect((await throttle.check(key, "198.51.100.21")).allowed).toBe(false);
    await throttle.forgive(right.attemptId);
    expect(await throttle.check(key, "198.51.100.21")).toEqual({ allowed: true, delayMs: 1000 });
  });
});

describe("login throttle: pruning", () => {
  test("deletes failures older than an hour, never younger ones", async () => {
    // Earlier than every other test's rows, so the counts below are this test's alone.
    const clock = manualClock("2001-01-01T00:00:00Z");
    const throttle = createLoginThrottle({ database: t.database, clock });
    const key = freshKey();
    await fail(throttle, key, "198.51.100.11");
    clock.advance(30 * MIN);
    await fail(throttle, key, "198.51.100.11");
    clock.advance(40 * MIN);
    // A cutoff of "now" is clamped to an hour ago: the hourly cap still needs the younger row.
    expect(await throttle.prune(clock.now())).toBe(1);
    expect(await throttle.prune()).toBe(0);
    clock.advance(21 * MIN);
    expect(await throttle.prune()).toBe(1);
    const left = await t.database.withoutTenant((tx) =>
      tx.select().from(loginFailures).where(eq(loginFailures.accountKey, key)),
    );
    expect(left).toEqual([]);
  });
});

describe("rate limiter", () => {
  let clock: ReturnType<typeof manualClock>;
  let limiter: RateLimiter;
  beforeAll(() => {
    clock = manualClock("2030-06-01T00:00:20Z");
    limiter = createRateLimiter({ database: t.database, clock });
  });

  test("counts hits in a fixed window and refuses past the limit until the window ends", async () => {
    const bucket = `signup:${crypto.randomUUID()}`;
    const rule = { limit: 3, windowSeconds: 60 };
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await limiter.hit(bucket, rule));
    expect(results).toEqual([
      { allowed: true, remaining: 2, retryAfterSeconds: 0 },
      { allowed: true, remaining: 1, retryAfterSeconds: 0 },
      { allowed: true, remaining: 0, retryAfterSeconds: 0 },
      { allowed: false, remaining: 0, retryAfterSeconds: 40 },
      { allowed: false, remaining: 0, retryAfterSeconds: 40 },
    ]);
    clock.advance(39_500);
    expect(await limiter.hit(bucket, rule)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    clock.advance(500);
    expect(await limiter.hit(bucket, rule)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
  });

  test("windows are aligned to the epoch, so every replica agrees on window_start", async () => {
    clock.set(new Date("2030-06-01T10:17:42.123Z").getTime());
    const bucket = `reset:${crypto.randomUUID()}`;
    await limiter.hit(bucket, { limit: 5, windowSeconds: 900 });
    await limiter.hit(bucket, { limit: 5, windowSeconds: 900 });
    const rows = await t.database.withoutTenant((tx) =>
      tx.select().from(rateLimitCounters).where(eq(rateLimitCounters.bucket, bucket)),
    );
    expect(rows).toEqual([{ bucket, windowStart: new Date("2030-06-01T10:15:00Z"), hits: 2 }]);
  });

  test("buckets are independent", async () => {
    const a = `api:${crypto.randomUUID()}`;
    const b = `api:${crypto.randomUUID()}`;
    expect((await limiter.hit(a, { limit: 1, windowSeconds: 60 })).allowed).toBe(true);
    expect((await limiter.hit(a, { limit: 1, windowSeconds: 60 })).allowed).toBe(false);
    expect((await limiter.hit(b, { limit: 1, windowSeconds: 60 })).allowed).toBe(true);
  });

  test("50 concurrent hits with a limit of 10: exactly 10 allowed, no increment lost", async () => {
    const bucket = `burst:${crypto.randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => limiter.hit(bucket, { limit: 10, windowSeconds: 3600 })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(
      results
        .filter((r) => r.allowed)
        .map((r) => r.remaining)
        .sort((x, y) => x - y),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [row] = await t.database.withoutTenant((tx) =>
      tx.select({ hits: rateLimitCounters.hits }).from(rateLimitCounters).where(eq(rateLimitCounters.bucket, bucket)),
    );
    expect(row?.hits).toBe(50);
  });

  test("rejects rules that are not whole positive numbers", async () => {
    await expect(limiter.hit("x", { limit: 0, windowSeconds: 60 })).rejects.toThrow(TypeError);
    await expect(limiter.hit("x", { limit: 1.5, windowSeconds: 60 })).rejects.toThrow(TypeError);
    await expect(limiter.hit("x", { limit: 1, windowSeconds: 0 })).rejects.toThrow(TypeError);
  });

  test("prune deletes the counters of windows that started before the cutoff", async () => {
    const early = manualClock("2001-06-01T00:00:00Z");
    const old = createRateLimiter({ database: t.database, clock: early });
    const bucket = `old:${crypto.randomUUID()}`;
    await old.hit(bucket, { limit: 1, windowSeconds: 60 });
    early.advance(MIN);
    await old.hit(bucket, { limit: 1, windowSeconds: 60 });
    expect(await old.prune(new Date("2001-06-01T00:01:00Z"))).toBe(1);
    const left = await t.database.withoutTenant((tx) =>
      tx
        .select({ windowStart: rateLimitCounters.windowStart })
        .from(rateLimitCounters)
        .where(eq(rateLimitCounters.bucket, bucket)),
    );
    expect(left).toEqual([{ windowStart: new Date("2001-06-01T00:01:00Z") }]);
  });
});
