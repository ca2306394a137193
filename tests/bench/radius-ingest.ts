// Accounting ingest benchmark (on demand: `bun tests/bench/radius-ingest.ts`; never part of the
// suite). The control plane in-process on a scratch PostgreSQL database; RECORDS accounting
// records (sessions of Start, 3 interims, Stop, interleaved in time order as a site sends them)
// ingested in batches of BATCH through ingestJournal, each batch one tenant transaction as the
// sync bridge runs it. Measured twice: the journal insert alone (no handlers), then with the
// RADIUS handlers (accounting stored once, sessions upserted), in records/s. The machine is
// shared, so the CPU both sides spent is measured too (this process, and the PostgreSQL backends
// serving the scratch database): records per CPU second is what an idle machine would reach with
// the two working one after the other, as one site's batches do.
// Target (issue 6): ingest stays ≥ 10,000 records/s end to end.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createLogger } from "@kilusi/shared/logger";
import type { JournalRecord } from "@kilusi/shared/sync/messages";
import type { AccountingRecord } from "@kilusi/shared/sync/radius-records";
import postgres from "postgres";
import { testIsp } from "../../control-plane/src/billing/money-flow.testing.ts";
import { seedAgent } from "../../control-plane/src/sites/sites.testing.ts";
import { ingestJournal, journalHandlers } from "../../control-plane/src/sync/journal-ingest.ts";
import { assembleTestControlPlane } from "../support/app.ts";
import { createScratchDatabase } from "../support/postgres.ts";
import { seedNas } from "../support/radius-cloud.ts";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 10_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const say = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const STEPS = ["Start", "Interim-Update", "Interim-Update", "Interim-Update", "Stop"] as const;

function records(nasId: string, prefix: string, firstSeq: number): JournalRecord[] {
  const sessions = Math.ceil(RECORDS / STEPS.length);
  const t0 = Date.parse("2026-03-05T00:00:00Z");
  const out: JournalRecord[] = [];
  for (let step = 0; step < STEPS.length; step++) {
    for (let s = 0; s < sessions && out.length < RECORDS; s++) {
      const eventAt = new Date(t0 + s * 100 + step * 300_000).toISOString();
      const octets = step * 1.5 * 2 ** 32 + s;
      const data: AccountingRecord = {
        uniqueId: createHash("sha256").update(`${prefix} ${s} ${step}`).digest("hex"),
        nasId,
        nasIp: "10.0.0.1",
        statusType: STEPS[step] as AccountingRecord["statusType"],
        sessionId: `${prefix}-${s.toString(16)}`,
        userName: `user${s}`,
        subscriptionId: null,
        voucherCode: null,
        framedIp: `10.${(s >> 16) & 255}.${(s >> 8) & 255}.${s & 255}`,
        callingStationId: "AA:BB:CC:00:11:22",
        nasPortId: `pppoe-${s}`,
        sessionTime: step * 300,
        inputOctets: Math.floor(octets / 3),
        outputOctets: Math.floor(octets),
        inputPackets: step * 1000,
        outputPackets: step * 2000,
        terminateCause: step === STEPS.length - 1 ? "User-Request" : null,
        eventAt,
        receivedAt: eventAt,
      };
      out.push({ seq: firstSeq + out.length, kind: "radius.accounting", at: eventAt, data: data as never });
    }
  }
  return out;
}

const scratch = await createScratchDatabase("kilusi_bench");
const cp = await assembleTestControlPlane({ DATABASE_URL: scratch.url });
try {
  const isp = await testIsp(cp);
  const agentId = await seedAgent(cp, isp.actor.tenantId, isp.siteId);
  const nasId = await seedNas(cp.database, cp, isp.actor.tenantId, isp.siteId, { secret: "s".repeat(24) });
  const ctx = { tenantId: isp.actor.tenantId, siteId: isp.siteId, agentId };
  const log = createLogger({ name: "bench", level: "warn" });

  const admin = postgres(scratch.url, { max: 1, onnotice: () => {} });
  const ticks = 100; // USER_HZ, the unit of /proc/<pid>/stat times
  /** CPU seconds of this process and of the PostgreSQL backends of the scratch database. */
  const cpu = async () => {
    const pids = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`;
    let pg = 0;
    for (const { pid } of pids) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
        pg += (Number(fields[11]) + Number(fields[12])) / ticks;
      } catch {
        // A backend that ended in between spent nothing more.
      }
    }
    const own = process.cpuUsage();
    return { bun: (own.user + own.system) / 1e6, pg };
  };

  /** One round: the records in batches, each batch one transaction. */
  const run = async (label: string, firstSeq: number, handlers: typeof journalHandlers) => {
    const all = records(nasId, label, firstSeq);
    const before = await cpu();
    const started = performance.now();
    for (let i = 0; i < all.length; i += BATCH) {
      const batch = all.slice(i, i + BATCH);
      await cp.database.withTenant(ctx.tenantId, (tx) => ingestJournal(tx, ctx, batch, log, handlers));
    }
    const wall = (performance.now() - started) / 1000;
    const after = await cpu();
    const bun = after.bun - before.bun;
    const pg = after.pg - before.pg;
    return { wall: all.length / wall, cpu: all.length / (bun + pg), bun, pg };
  };

  say(`PostgreSQL scratch database, ${fmt(RECORDS)} accounting records in batches of ${BATCH}, ${ROUNDS} rounds`);
  const results: Record<string, Awaited<ReturnType<typeof run>>[]> = {
    "journal insert only": [],
    "with the RADIUS handlers": [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    results["journal insert only"]?.push(await run(`j${round}`, 1 + round * 2 * RECORDS, {}));
    results["with the RADIUS handlers"]?.push(await run(`r${round}`, 1 + (round * 2 + 1) * RECORDS, journalHandlers));
  }
  for (const [label, rounds] of Object.entries(results)) {
    say(
      `${label}: median ${fmt(median(rounds.map((r) => r.wall)))} records/s wall clock, ` +
        `${fmt(median(rounds.map((r) => r.cpu)))} records per CPU second ` +
        `(control plane ${median(rounds.map((r) => r.bun)).toFixed(2)} s, PostgreSQL ${median(rounds.map((r) => r.pg)).toFixed(2)} s)`,
    );
  }
  await admin.end({ timeout: 1 });
} finally {
  await cp.close();
  await scratch.drop();
}
