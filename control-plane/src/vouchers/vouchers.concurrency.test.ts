import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { integrationBackend } from "../../../tests/support/database.ts";
import { createScratchDatabase } from "../../../tests/support/postgres.ts";
import { signUp } from "../accounts/accounts.testing.ts";
import type { Actor } from "../auth/actor.ts";
import type { RandomBytes } from "../billing/vouchers.models.ts";
import { systemClock } from "../clock.ts";
import type { Database } from "../db/database.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { seedPlan, vouchersOf } from "./vouchers.testing.ts";
import { createBatch } from "./vouchers.usecases.ts";

// Two batches racing for the same codes need two real sessions: PostgreSQL only (PGlite runs
// one transaction at a time, so the second batch would simply see the first one's codes).
const onPostgres = (await integrationBackend()) === "postgres";

/** The same bytes for everyone given the same seed (xorshift32), so two batches draw the same codes. */
function seeded(seed: number): RandomBytes {
  let x = seed;
  return (bytes) => {
    for (let i = 0; i < bytes.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 255;
    }
    return bytes;
  };
}

const meta = { ip: null, requestId: null, userAgent: null };

describe.skipIf(!onPostgres)("batches created at the same moment", () => {
  let cp: AssembledControlPlane;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const scratch = await createScratchDatabase();
    drop = scratch.drop;
    cp = await assembleTestControlPlane({ DATABASE_URL: scratch.url });
  }, 60_000);
  afterAll(async () => {
    await cp?.close();
    await drop?.();
  });

  test("the one that loses the unique key is generated again, and both commit with distinct codes", async () => {
    const owner = await signUp(cp);
    const planId = await seedPlan(cp.database, owner.tenantId);
    const actor: Actor = {
      userId: owner.user.id,
      tenantId: owner.tenantId,
      role: "owner",
      timeZone: "Asia/Jakarta",
      currency: "IDR",
      locale: "id",
    };
    const input = { planId, siteId: null, count: 40, prefix: "RACE-", codeLength: 6, price: null, resellerPrice: null };

    // A inserts its codes, then holds its transaction open; B starts meanwhile, cannot see A's
    // codes yet, draws the same ones and waits on A's unique-index entries until A commits.
    let inserted!: () => void;
    const aInserted = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const holdingA: Database = {
      ...cp.database,
      withTenant: (tenantId, fn) =>
        cp.database.withTenant(tenantId, async (tx) => {
          const result = await fn(tx);
          inserted();
          await Bun.sleep(300);
          return result;
        }),
    };
    let attemptsOfB = 0;
    const countingB: Database = {
      ...cp.database,
      withTenant: (tenantId, fn) => {
        attemptsOfB++;
        return cp.database.withTenant(tenantId, fn);
      },
    };
    const a = createBatch({ database: holdingA, clock: systemClock, random: seeded(7) }, actor, input, meta);
    await aInserted;
    const b = createBatch({ database: countingB, clock: systemClock, random: seeded(7) }, actor, input, meta);
    const [batchA, batchB] = await Promise.all([a, b]);

    expect(attemptsOfB).toBe(2);
    const codesA = (await vouchersOf(cp.database, owner.tenantId, batchA.batchId)).map((v) => v.code);
    const codesB = (await vouchersOf(cp.database, owner.tenantId, batchB.batchId)).map((v) => v.code);
    expect(codesA).toHaveLength(40);
    expect(codesB).toHaveLength(40);
    expect(new Set([...codesA, ...codesB]).size).toBe(80);
  });
});
