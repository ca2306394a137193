import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { loginFailures, rateLimitCounters } from "./rate-limits.tables.ts";

/** Sign-in rules (ASVS 2.2.1): per account and address, a hard cap per account, a growing delay. */
export const LOGIN_LIMITS = {
  pairFailures: 5,
  pairWindowMs: 15 * 60_000,
  accountFailures: 100,
  accountWindowMs: 60 * 60_000,
  firstDelayMs: 250,
  maxDelayMs: 4_000,
} as const;

export type LoginGate = { allowed: true; delayMs: number } | { allowed: false; retryAfterSeconds: number };

/** An allowed attempt already counts as a failure until `forgive` is called with its id. */
export type LoginAttempt =
  | { allowed: true; delayMs: number; attemptId: number }
  | { allowed: false; retryAfterSeconds: number };

export interface LoginThrottle {
  /** The key failures are counted under: the same for an address with or without an account. */
  accountKey(email: string): string;
  /** What the next attempt would be told, without counting it. */
  check(accountKey: string, ip: string): Promise<LoginGate>;
  /**
   * Asked before the password (or code) is looked at. When allowed, the attempt is recorded as a
   * failure at once, under a per-account lock, so that requests sent in parallel cannot all pass
   * the check before any failure is counted. The caller sleeps `delayMs`, verifies, and calls
   * `forgive(attemptId)` only when the secret was right.
   */
  attempt(accountKey: string, ip: string): Promise<LoginAttempt>;
  forgive(attemptId: number): Promise<void>;
  /** After a successful sign-in: forgets this account's failures from this address only. */
  clearFailures(accountKey: string, ip: string): Promise<void>;
  /** Deletes failures no rule can see any more; returns how many. */
  prune(olderThan?: Date): Promise<number>;
}

/** SHA-256 (hex) of the trimmed, lower-cased address: no e-mail addresses in this table. */
export function loginAccountKey(email: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(email.trim().toLowerCase())));
}

/**
 * The pause before answering, given the account's failures (from any address) in the last 15
 * minutes: none after the first, then 250 ms doubling per failure (250, 500, 1000, 2000) up to
 * 4 s. Counted per account, not per address, so rotating addresses does not reset it; capped
 * so an attacker can slow the real person down by seconds, never lock them out.
 */
export function loginDelayMs(recentFailures: number): number {
  if (recentFailures <= 1) return 0;
  return Math.min(LOGIN_LIMITS.maxDelayMs, LOGIN_LIMITS.firstDelayMs * 2 ** (recentFailures - 2));
}

export function createLoginThrottle({ database, clock }: { database: Database; clock: Clock }): LoginThrottle {
  const L = LOGIN_LIMITS;
  async function gateOf(tx: Tx, accountKey: string, ip: string): Promise<LoginGate> {
    const now = clock.now();
    const since = (windowMs: number) => sql`${new Date(now.getTime() - windowMs).toISOString()}::timestamptz`;
    const secondsUntilGone = (windowMs: number) =>
      sql`ceil(extract(epoch from "at" + ${`${windowMs} milliseconds`}::interval - ${now.toISOString()}::timestamptz))::int`;
    // Sliding windows over the failure rows themselves, so every replica sees the same
    // answer. The N-th newest failure inside a window is the one whose leaving brings the
    // count under N: Retry-After is the time until then (ordered newest first, offset N-1).
    const result = await tx.execute(sql`
          with recent as (
            select ip, "at" from ${loginFailures}
            where account_key = ${accountKey} and "at" > ${since(L.accountWindowMs)}
          )
          select
            (select count(*)::int from recent where "at" > ${since(L.pairWindowMs)}) as "accountRecent",
            (select ${secondsUntilGone(L.pairWindowMs)} from recent
               where ip = ${ip} and "at" > ${since(L.pairWindowMs)}
               order by "at" desc offset ${sql.raw(String(L.pairFailures - 1))} limit 1) as "pairRetry",
            (select ${secondsUntilGone(L.accountWindowMs)} from recent
               order by "at" desc offset ${sql.raw(String(L.accountFailures - 1))} limit 1) as "accountRetry"`);
    const row = rowsOf<{ accountRecent: number; pairRetry: number | null; accountRetry: number | null }>(result)[0];
    const waits = [row?.pairRetry, row?.accountRetry].filter((s): s is number => s !== null && s !== undefined);
    // At least a second: a failure that leaves the window within this second still counts now.
    if (waits.length > 0) return { allowed: false, retryAfterSeconds: Math.max(1, ...waits) };
    return { allowed: true, delayMs: loginDelayMs(row?.accountRecent ?? 0) };
  }

  return {
    accountKey: loginAccountKey,

    check: (accountKey, ip) => database.withoutTenant((tx) => gateOf(tx, accountKey, ip)),

    attempt: (accountKey, ip) =>
      database.withoutTenant(async (tx): Promise<LoginAttempt> => {
        // One sign-in at a time per account across every replica; released at commit.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`login:${accountKey}`}, 0))`);
        const gate = await gateOf(tx, accountKey, ip);
        if (!gate.allowed) return gate;
        const [row] = await tx
          .insert(loginFailures)
          .values({ accountKey, ip, at: clock.now() })
          .returning({ id: loginFailures.id });
        return { ...gate, attemptId: Number(row?.id) };
      }),

    async forgive(attemptId) {
      await database.withoutTenant((tx) => tx.delete(loginFailures).where(eq(loginFailures.id, attemptId)));
    },

    async clearFailures(accountKey, ip) {
      await database.withoutTenant((tx) =>
        tx.delete(loginFailures).where(and(eq(loginFailures.accountKey, accountKey), eq(loginFailures.ip, ip))),
      );
    },

    async prune(olderThan) {
      // Never deletes what the hourly cap still counts, whatever the caller passes.
      const floor = clock.now().getTime() - L.accountWindowMs;
      const cutoff = new Date(Math.min(olderThan?.getTime() ?? floor, floor));
      const gone = await database.withoutTenant((tx) =>
        tx.delete(loginFailures).where(lt(loginFailures.at, cutoff)).returning({ id: loginFailures.id }),
      );
      return gone.length;
    },
  };
}

export interface RateLimitResult {
  allowed: boolean;
  /** Hits left in this window after this one. */
  remaining: number;
  /** 0 when allowed; else seconds until the window ends. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  hit(bucket: string, rule: { limit: number; windowSeconds: number }): Promise<RateLimitResult>;
  /** Deletes counters of windows that started before `olderThan`: pass at least the longest window ago. */
  prune(olderThan: Date): Promise<number>;
}

/**
 * Fixed-window counters (sign-up and reset per address, API per tenant). Windows are aligned to
 * the epoch, so every replica computes the same `window_start`, and one upsert both counts and
 * reads the count: concurrent hits on any replica never lose an increment.
 */
export function createRateLimiter({ database, clock }: { database: Database; clock: Clock }): RateLimiter {
  return {
    async hit(bucket, { limit, windowSeconds }) {
      if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`rate limit: limit ${limit} is not a count`);
      if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
        throw new TypeError(`rate limit: window ${windowSeconds} is not a whole number of seconds`);
      }
      const now = clock.now().getTime();
      const windowMs = windowSeconds * 1000;
      const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
      const [row] = await database.withoutTenant((tx) =>
        tx
          .insert(rateLimitCounters)
          .values({ bucket, windowStart, hits: 1 })
          .onConflictDoUpdate({
            target: [rateLimitCounters.bucket, rateLimitCounters.windowStart],
            set: { hits: sql`${rateLimitCounters.hits} + 1` },
          })
          .returning({ hits: rateLimitCounters.hits }),
      );
      const hits = row?.hits ?? Number.POSITIVE_INFINITY;
      const allowed = hits <= limit;
      return {
        allowed,
        remaining: Math.max(0, limit - hits),
        retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000)),
      };
    },

    async prune(olderThan) {
      const gone = await database.withoutTenant((tx) =>
        tx
          .delete(rateLimitCounters)
          .where(lt(rateLimitCounters.windowStart, olderThan))
          .returning({ bucket: rateLimitCounters.bucket }),
      );
      return gone.length;
    },
  };
}
