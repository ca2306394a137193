// Billing-run benchmark (on demand: `bun tests/bench/billing.ts`; never part of the suite).
// On a scratch database of the machine's PostgreSQL, one tenant with N active monthly
// subscriptions (BENCH_SUBSCRIPTIONS, default 100,000). Measured in the same run, as the
// application role under row-level security, alternating, each round rolled back and the
// tables vacuumed so every round starts from the same state:
//   - the reference: a bare `INSERT … SELECT` of the same invoice rows (number, period, dates,
//     amounts) into `invoices`, nothing else;
//   - the billing run (invoices/billing-run.sql.ts): the same invoices, their lines, gap-free
//     numbers and the ledger posting, as the job runs it.
// Target (issue 4): the run ≤ 3× the bare insert.
import { sql } from "drizzle-orm";
import { rowsOf } from "../../control-plane/src/db/rows.ts";
import { lockTenantBilling, runBillingSql } from "../../control-plane/src/invoices/billing-run.sql.ts";
import { openTestDatabase, openTestOwner } from "../support/database.ts";

const N = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TENANT = "11111111-1111-4111-8111-111111111111";
const TODAY = "2026-03-01";

const t = await openTestDatabase("postgres");
const owner = openTestOwner(t);
const say = (line: string) => process.stdout.write(`${line}\n`);

class Rollback extends Error {}

/** Runs `work` as the app role in the tenant, times it, and rolls it back. */
async function timed(work: Parameters<typeof t.database.withTenant>[1]): Promise<number> {
  let ms = 0;
  await t.database
    .withTenant(TENANT, async (tx) => {
      const started = performance.now();
      await work(tx);
      ms = performance.now() - started;
      throw new Rollback();
    })
    .catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
  await owner.query("vacuum analyze invoices, invoice_lines, invoice_counters, ledger_transactions, ledger_entries");
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

try {
  say(`seeding one tenant with ${N.toLocaleString("en")} active subscriptions …`);
  const seedStart = performance.now();
  for (const statement of [
    `insert into tenants (id, slug, name) values ('${TENANT}', 'bench', 'Bench Net')`,
    `insert into billing_settings (tenant_id) values ('${TENANT}')`,
    `insert into sites (tenant_id, id, name) values ('${TENANT}', '22222222-2222-4222-8222-222222222222', 'POP')`,
    `insert into plans (tenant_id, id, name, type, price, cycle, download_kbps, upload_kbps, tax_rate_bp, tax_inclusive)
       values ('${TENANT}', '33333333-3333-4333-8333-333333333333', 'Home 20 Mbps', 'pppoe', 166500, 'monthly',
               20480, 10240, 1100, true)`,
    `insert into customers (tenant_id, id, name, phone_e164)
       select '${TENANT}', md5('c' || g)::uuid, 'Pelanggan ' || g, '+62812' || lpad(g::text, 8, '0')
       from generate_series(1, ${N}) g`,
    `insert into subscriptions (tenant_id, id, customer_id, plan_id, site_id, access, pppoe_username,
                                pppoe_password_sealed, billing_day, status, activated_at)
       select '${TENANT}', md5('s' || g)::uuid, md5('c' || g)::uuid, '33333333-3333-4333-8333-333333333333',
              '22222222-2222-4222-8222-222222222222', 'pppoe', 'user' || g, 'sealed', 1, 'active',
              '2025-06-01T00:00:00Z'
       from generate_series(1, ${N}) g`,
    "vacuum analyze",
  ]) {
    await owner.query(statement);
  }
  say(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);

  const bare = () =>
    timed(async (tx) => {
      await tx.execute(sql`
        insert into invoices (tenant_id, id, number, year, seq, subscription_id, customer_id, period,
                              issued_on, due_on, currency, subtotal, tax, total)
        select s.tenant_id, gen_random_uuid(), 'INV/2026/' || lpad(g.n::text, 6, '0'), 2026, g.n, s.id,
               s.customer_id, '2026-03', date '2026-03-01', date '2026-03-08', 'IDR', 150000, 16500, 166500
        from (select s.*, row_number() over (order by s.created_at, s.id) as n from subscriptions s
              join plans p on p.tenant_id = s.tenant_id and p.id = s.plan_id
              where s.status in ('active', 'isolated') and p.cycle = 'monthly') s
        cross join lateral (select s.n) g`);
    });
  let created = 0;
  const run = () =>
    timed(async (tx) => {
      await lockTenantBilling(tx, TENANT);
      const result = await runBillingSql(tx, {
        tenantId: TENANT,
        today: TODAY,
        timeZone: "Asia/Jakarta",
        dueDays: 7,
        prefix: "INV",
        currency: "IDR",
        labels: { installation: "Biaya pemasangan", discount: "Diskon", days: "hari" },
        actorUserId: null,
        now: new Date(),
      });
      created = result.created;
    });

  // One of each first, untimed, so both meet warm caches.
  await bare();
  await run();
  if (created !== N) throw new Error(`the run created ${created} invoices, expected ${N}`);
  const bareMs: number[] = [];
  const runMs: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    bareMs.push(await bare());
    runMs.push(await run());
    say(
      `round ${round}: bare insert ${(bareMs.at(-1) as number).toFixed(0)} ms · billing run ${(runMs.at(-1) as number).toFixed(0)} ms`,
    );
  }
  const [counts] = rowsOf<{ n: number }>(
    await t.database.withTenant(TENANT, (tx) => tx.execute(sql`select count(*)::int as n from subscriptions`)),
  );
  const b = median(bareMs);
  const r = median(runMs);
  say("");
  say(`subscriptions: ${counts?.n.toLocaleString("en")} active, one tenant, PostgreSQL, ${ROUNDS} rounds, medians`);
  say(
    `bare INSERT … SELECT of the invoice rows   ${b.toFixed(0).padStart(7)} ms   (${((N / b) * 1000).toFixed(0)} rows/s)`,
  );
  say(
    `billing run (invoices, lines, ledger)      ${r.toFixed(0).padStart(7)} ms   (${((N / r) * 1000).toFixed(0)} invoices/s)`,
  );
  say(`ratio run / bare                           ${(r / b).toFixed(2).padStart(7)} ×   (target ≤ 3.00 ×)`);
} finally {
  await owner.close();
  await t.close();
}
