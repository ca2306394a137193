import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase } from "../../control-plane/src/db/database.ts";
import { appRolePassword } from "../../control-plane/src/db/migrations.ts";
import { requirePeer } from "../support/peers.ts";
import { createScratchDatabase, postgresHint, postgresReachable } from "../support/postgres.ts";
import { repoRoot } from "../support/process.ts";

// Issue 4: the billing run executed twice, and by two processes at once, produces exactly one
// invoice per subscription and period. Two real processes (`kilusi run-billing`, the command an
// operator or a second replica's scheduler runs) on one PostgreSQL database, started together.

const hasPostgres = requirePeer("PostgreSQL", await postgresReachable(), postgresHint);
const SUBSCRIPTIONS = 400;
const TENANT = "a1111111-1111-4111-8111-111111111111";

describe.skipIf(!hasPostgres)("the billing run in two processes at once", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let owner: postgres.Sql;
  const masterKey = randomBytes(32);
  const env = () => ({
    ...process.env,
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    DATABASE_URL: scratch.url,
    APP_MASTER_KEY: masterKey.toString("base64"),
    DATA_DIR: "/nonexistent-kilusi-billing-test",
  });

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    // Migrated and the application role provisioned, as the server would at start.
    const database = await openDatabase(
      { kind: "postgres", url: scratch.url, appUrl: undefined, appRole: "kilusi_app", poolMax: 1 },
      appRolePassword(masterKey),
    );
    await database.close();
    owner = postgres(scratch.url, { max: 1, onnotice: () => {} });
    await owner.unsafe(`
      insert into tenants (id, slug, name) values ('${TENANT}', 'dua-proses', 'Dua Proses Net');
      insert into sites (tenant_id, id, name) values ('${TENANT}', 'b2222222-2222-4222-8222-222222222222', 'POP');
      insert into plans (tenant_id, id, name, type, price, cycle, download_kbps, upload_kbps)
        values ('${TENANT}', 'c3333333-3333-4333-8333-333333333333', 'Home', 'pppoe', 150000, 'monthly', 20000, 10000);
      insert into customers (tenant_id, id, name)
        select '${TENANT}', md5('c' || g)::uuid, 'Pelanggan ' || g from generate_series(1, ${SUBSCRIPTIONS}) g;
      insert into subscriptions (tenant_id, id, customer_id, plan_id, site_id, access, pppoe_username,
                                 pppoe_password_sealed, billing_day, status, activated_at)
        select '${TENANT}', md5('s' || g)::uuid, md5('c' || g)::uuid, 'c3333333-3333-4333-8333-333333333333',
               'b2222222-2222-4222-8222-222222222222', 'pppoe', 'u' || g, 'sealed', 1, 'active', '2025-01-01T00:00:00Z'
        from generate_series(1, ${SUBSCRIPTIONS}) g;`);
  });

  afterAll(async () => {
    await owner?.end({ timeout: 1 });
    await scratch?.drop();
  });

  const runBilling = () =>
    Bun.spawn([process.execPath, "control-plane/src/cli.ts", "run-billing", "--tenant", "dua-proses"], {
      cwd: repoRoot,
      env: env(),
      stdout: "pipe",
      stderr: "pipe",
    });
  const outcome = async (proc: ReturnType<typeof runBilling>) => ({
    code: await proc.exited,
    out: await new Response(proc.stdout).text(),
    err: await new Response(proc.stderr).text(),
  });

  test("two at once: one invoice per subscription, numbers 1..N without a gap; a third run adds nothing", async () => {
    const [a, b] = await Promise.all([outcome(runBilling()), outcome(runBilling())]);
    expect([a.code, b.code, a.err + b.err], a.out + b.out).toEqual([0, 0, ""]);
    const printed = [a.out, b.out].map((o) => Number(/(\d+) invoices/.exec(o)?.[1])).sort((x, y) => x - y);
    expect(printed).toEqual([0, SUBSCRIPTIONS]);

    const [counts] = await owner<
      { invoices: number; subscriptions: number; min: number; max: number; numbers: number }[]
    >`
      select count(*)::int as invoices, count(distinct subscription_id)::int as subscriptions,
             min(seq) as min, max(seq) as max, count(distinct number)::int as numbers
      from invoices where tenant_id = ${TENANT}`;
    expect(counts).toEqual({
      invoices: SUBSCRIPTIONS,
      subscriptions: SUBSCRIPTIONS,
      min: 1,
      max: SUBSCRIPTIONS,
      numbers: SUBSCRIPTIONS,
    });
    const [ledger] = await owner<{ transactions: number; sum: string; receivables: number }[]>`
      select count(distinct transaction_id)::int as transactions, sum(amount) as sum,
             count(*) filter (where account = 'receivable')::int as receivables
      from ledger_entries where tenant_id = ${TENANT}`;
    expect(ledger).toEqual({ transactions: 1, sum: "0", receivables: SUBSCRIPTIONS });

    const third = await outcome(runBilling());
    expect(third.code).toBe(0);
    expect(third.out).toContain("dua-proses: 0 invoices");
    const [again] = await owner<{ n: number }[]>`select count(*)::int as n from invoices where tenant_id = ${TENANT}`;
    expect(again?.n).toBe(SUBSCRIPTIONS);
  });

  test("an unknown ISP address is an error that names it", async () => {
    const proc = Bun.spawn([process.execPath, "control-plane/src/cli.ts", "run-billing", "--tenant", "tidak-ada"], {
      cwd: repoRoot,
      env: env(),
      stdout: "pipe",
      stderr: "pipe",
    });
    const result = await outcome(proc);
    expect(result.code).toBe(1);
    expect(result.err).toContain('no active ISP with the address "tidak-ada"');
  });
});
