// Dashboard and dunning at scale (on demand: `bun tests/bench/reports.ts`; never part of the
// suite). On a scratch database of the machine's PostgreSQL, one tenant with 100k monthly
// subscriptions and a year of history written set-based: 12 invoices each (1.2M), their ledger
// postings, and payments for all but ~8% of the last three months. Timed as the application
// role: the dashboard's figures (reports.usecases `reportsOverview`, what /app and /reports
// read), the unpaid-invoice filter of /invoices, and one dunning pass (runDunning, the job).
import { systemClock } from "../../control-plane/src/clock.ts";
import { createSecretBox } from "../../control-plane/src/crypto/secret-box.ts";
import { runDunning } from "../../control-plane/src/dunning/dunning.usecases.ts";
import { listInvoices } from "../../control-plane/src/invoices/invoices.usecases.ts";
import { reportsOverview } from "../../control-plane/src/reports/reports.usecases.ts";
import { addMonths, localDateOf } from "../../control-plane/src/time/zoned.ts";
import { openTestDatabase, openTestOwner } from "../support/database.ts";

const N = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TENANT = "44444444-4444-4444-8444-444444444444";
const PLAN = "55555555-5555-4555-8555-555555555555";
const SITE = "66666666-6666-4666-8666-666666666666";

const t = await openTestDatabase("postgres");
const owner = openTestOwner(t);
const say = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const actor = {
  userId: crypto.randomUUID(),
  tenantId: TENANT,
  role: "owner" as const,
  timeZone: "Asia/Jakarta",
  currency: "IDR",
  locale: "id" as const,
};

try {
  const thisMonth = `${localDateOf(new Date(), actor.timeZone).slice(0, 8)}01`;
  const months = Array.from({ length: 12 }, (_, i) => addMonths(thisMonth, i - 11));
  say(`seeding ${N.toLocaleString("en")} subscriptions and ${(N * 12).toLocaleString("en")} invoices …`);
  const started = performance.now();
  for (const statement of [
    `insert into tenants (id, slug, name) values ('${TENANT}', 'bench-reports', 'Bench Reports')`,
    `insert into sites (tenant_id, id, name) values ('${TENANT}', '${SITE}', 'POP')`,
    `insert into plans (tenant_id, id, name, type, price, cycle, download_kbps, upload_kbps, tax_rate_bp, tax_inclusive)
       values ('${TENANT}', '${PLAN}', 'Rumah 20', 'pppoe', 166500, 'monthly', 20000, 10000, 1100, true)`,
    `insert into customers (tenant_id, id, name)
       select '${TENANT}', md5('c' || g)::uuid, 'Pelanggan ' || g from generate_series(1, ${N}) g`,
    `insert into subscriptions (tenant_id, id, customer_id, plan_id, site_id, access, pppoe_username,
                                pppoe_password_sealed, billing_day, status, activated_at)
       select '${TENANT}', md5('s' || g)::uuid, md5('c' || g)::uuid, '${PLAN}', '${SITE}', 'pppoe', 'u' || g,
              'sealed', 1, 'active', '${months[0]}T00:00:00Z'
       from generate_series(1, ${N}) g`,
    `insert into invoices (tenant_id, id, number, year, seq, subscription_id, customer_id, period, issued_on, due_on,
                           currency, subtotal, tax, total)
       select '${TENANT}', md5('i' || m || '-' || g)::uuid, 'INV/' || m || '/' || g, 2000 + m, g,
              md5('s' || g)::uuid, md5('c' || g)::uuid, to_char(d, 'YYYY-MM'), d, d + 7, 'IDR', 150000, 16500, 166500
       from generate_series(1, ${N}) g,
            unnest(array[${months.map((m) => `'${m}'::date`).join(",")}]) with ordinality as x(d, m)`,
    `insert into ledger_transactions (tenant_id, id, kind, occurred_at, memo)
       select '${TENANT}', md5('t' || m)::uuid, 'invoice', d, 'bench' from unnest(array[${months
         .map((m) => `'${m}'::date`)
         .join(",")}]) with ordinality as x(d, m)`,
    `insert into ledger_entries (tenant_id, transaction_id, account, customer_id, invoice_id, amount)
       select '${TENANT}'::uuid, md5('t' || m)::uuid, 'receivable', md5('c' || g)::uuid, md5('i' || m || '-' || g)::uuid, 166500
       from generate_series(1, ${N}) g, generate_series(1, 12) m
       union all
       select '${TENANT}'::uuid, md5('t' || m)::uuid, 'revenue', null, null, -150000 * ${N}::bigint from generate_series(1, 12) m
       union all
       select '${TENANT}'::uuid, md5('t' || m)::uuid, 'tax', null, null, -16500 * ${N}::bigint from generate_series(1, 12) m`,
    // Everyone paid the first nine months; in the last three about 8% did not, month by month.
    `insert into payments (tenant_id, id, customer_id, method, amount, received_at)
       select '${TENANT}', md5('p' || m || '-' || g)::uuid, md5('c' || g)::uuid, 'cash', 166500,
              (x.d + 3)::timestamptz
       from generate_series(1, ${N}) g,
            unnest(array[${months.map((m) => `'${m}'::date`).join(",")}]) with ordinality as x(d, m)
       where m <= 9 or (g * 7 + m) % 13 <> 0`,
    `insert into ledger_transactions (tenant_id, id, kind, occurred_at, payment_id)
       select tenant_id, md5('lt' || id::text)::uuid, 'payment', received_at, id from payments where tenant_id = '${TENANT}'`,
    `insert into ledger_entries (tenant_id, transaction_id, account, customer_id, amount)
       select tenant_id, md5('lt' || id::text)::uuid, 'cash', null, amount from payments where tenant_id = '${TENANT}'
       union all
       select tenant_id, md5('lt' || id::text)::uuid, 'receivable', customer_id, -amount from payments where tenant_id = '${TENANT}'`,
    "vacuum analyze",
  ]) {
    await owner.query(statement);
  }
  const [counts] = await owner.query(`select (select count(*) from invoices) as invoices,
    (select count(*) from payments) as payments, (select count(*) from ledger_entries) as entries`);
  say(
    `seeded in ${((performance.now() - started) / 1000).toFixed(0)} s: ${counts?.invoices} invoices, ${counts?.payments} payments, ${counts?.entries} ledger entries\n`,
  );

  const deps = {
    database: t.database,
    clock: systemClock,
    secretBox: (purpose: string) => createSecretBox(Buffer.alloc(32, 1), purpose),
  };
  const timings: Record<string, number[]> = { dashboard: [], unpaid: [], dunning: [] };
  for (let round = 0; round <= ROUNDS; round++) {
    const time = async (key: string, work: () => Promise<unknown>) => {
      const from = performance.now();
      await work();
      if (round > 0) timings[key]?.push(performance.now() - from);
    };
    await time("dashboard", () => reportsOverview(deps, actor, 12));
    await time("unpaid", () => listInvoices(deps, actor, { status: "unpaid", q: "", page: 1 }));
    await time("dunning", () =>
      runDunning(
        { ...deps, sealing: { secretBox: deps.secretBox } },
        { id: TENANT, timeZone: "Asia/Jakarta", currency: "IDR", locale: "id" },
      ),
    );
  }
  say(`${N.toLocaleString("en")} subscriptions, a year of invoices; ${ROUNDS} rounds after a warm-up, medians`);
  say(
    `dashboard figures (reportsOverview, 12 months)   ${median(timings.dashboard ?? [])
      .toFixed(0)
      .padStart(7)} ms`,
  );
  say(
    `unpaid invoices, first page (/invoices)          ${median(timings.unpaid ?? [])
      .toFixed(0)
      .padStart(7)} ms`,
  );
  say(
    `one dunning pass of the tenant (runDunning)      ${median(timings.dunning ?? [])
      .toFixed(0)
      .padStart(7)} ms`,
  );
} finally {
  await owner.close();
  await t.close();
}
