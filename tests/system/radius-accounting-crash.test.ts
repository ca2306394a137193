// Issue 6's accounting acceptance with real processes: radclient sends 10,000 accounting
// requests to the agent (from source), which is killed with SIGKILL part-way; after a restart
// the router's retransmits are answered, and once the journal has drained every request that
// got an Accounting-Response is in PostgreSQL exactly once, with 64-bit totals right.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createSecretBox } from "../../control-plane/src/crypto/secret-box.ts";
import { rowsOf } from "../../control-plane/src/db/rows.ts";
import { type AgentDir, agentDir, eventually, startAgentProcess } from "../support/agent-process.ts";
import { freePort, freeUdpPort } from "../support/free-port.ts";
import { requirePeer } from "../support/peers.ts";
import { postgresHint, postgresReachable } from "../support/postgres.ts";
import { type StartedProcess, startControlPlaneProcess } from "../support/process.ts";
import { radclientBatch } from "../support/radclient-batch.ts";
import { seedNas } from "../support/radius-cloud.ts";
import { createSyncFixture, type SyncFixture } from "../support/sync-fixture.ts";

const SECRET = "crash-test-secret-0123456789abcdef";
const SESSIONS = 100;
const INTERIMS = 100; // per session: 10,000 requests
const GIGA = 2 ** 32;

/** Request i: interim n of session s, with counters past 4 GiB (Gigawords) that grow with n. */
function requests(): string[][] {
  const list: string[][] = [];
  for (let n = 1; n <= INTERIMS; n++) {
    for (let s = 0; s < SESSIONS; s++) {
      list.push([
        "Acct-Status-Type = Interim-Update",
        `Acct-Session-Id = "crash-${s}"`,
        `User-Name = "pelanggan${s}"`,
        "NAS-IP-Address = 127.0.0.1",
        `Acct-Input-Octets = ${n * 1000 + s}`,
        "Acct-Input-Gigawords = 1",
        `Acct-Output-Octets = ${n * 7000 + s}`,
        `Acct-Output-Gigawords = ${2 + s}`,
        `Acct-Session-Time = ${n * 60}`,
      ]);
    }
  }
  return list;
}

if (
  requirePeer("PostgreSQL", await postgresReachable(), postgresHint) &&
  requirePeer("radclient", Boolean(Bun.which("radclient")), "apt-get install freeradius-utils")
) {
  describe("accounting through an agent killed with SIGKILL", () => {
    let fx: SyncFixture;
    let cp: StartedProcess;
    let dir: AgentDir;

    beforeAll(async () => {
      fx = await createSyncFixture();
      cp = await startControlPlaneProcess({
        env: { ...fx.env, MQTT_EMBEDDED_PORT: String(await freePort()), JOBS_INTERVAL_SECONDS: "0" },
      });
      const sealing = { secretBox: (p: string) => createSecretBox(Buffer.from(fx.masterKey, "base64"), p) };
      await seedNas(fx.database, sealing, fx.tenantId, fx.siteId, { secret: SECRET });
      dir = agentDir({ KILUSI_AGENT_RADIUS_ACCT_PORT: String(await freeUdpPort()) });
      const r = await dir.cli(["enroll", cp.url, await fx.enrollmentToken()]);
      if (r.code !== 0) throw new Error(`enroll failed (${r.code}): ${r.stderr}${r.stdout}`);
    }, 60_000);
    afterAll(async () => {
      await cp?.stop();
      await fx?.close();
      dir?.remove();
    });

    test("every answered request is stored once; retransmits after the restart are not counted twice", async () => {
      const target = `127.0.0.1:${dir.env.KILUSI_AGENT_RADIUS_ACCT_PORT}`;
      let agent = startAgentProcess(dir);
      await eventually(
        async () => ((await dir.status()).entries as Record<string, number>).nas === 1,
        30_000,
        "NAS synced",
      );
      const all = requests();

      const first = await radclientBatch(target, "acct", SECRET, all, { parallel: 100, tries: 2, timeoutSeconds: 1 });
      await first.answeredAtLeast(2_000, 60_000);
      agent.proc.kill("SIGKILL");
      await agent.proc.exited;
      // The server is gone: what radclient has had answered so far is what the router knows.
      // (Its retries against a dead port would only take time.)
      first.proc.kill("SIGTERM");
      await first.done;
      const answeredBeforeKill = new Set(first.answered);
      expect(answeredBeforeKill.size).toBeGreaterThanOrEqual(2_000);
      expect(answeredBeforeKill.size).toBeLessThan(all.length);

      // The router sends again what it has no answer for (and here, everything once more).
      agent = startAgentProcess(dir);
      try {
        await agent.waitFor((line) => line.msg === "RADIUS listening", 30_000);
        const second = await radclientBatch(target, "acct", SECRET, all, {
          parallel: 100,
          tries: 3,
          timeoutSeconds: 2,
        });
        expect(await second.done).toBe(0);
        expect(second.answered.size).toBe(all.length);

        const stored = async () =>
          rowsOf<{ n: number; distinct: number }>(
            await fx.database.withTenant(fx.tenantId, (tx) =>
              tx.execute(sql`
                select count(*)::int as n,
                       count(distinct (session_id, input_octets))::int as distinct
                from radius_accounting where tenant_id = ${fx.tenantId} and session_id like 'crash-%'`),
            ),
          )[0] ?? { n: 0, distinct: 0 };
        await eventually(
          async () => (await stored()).n >= all.length && (await dir.status()).journal.backlog === 0,
          60_000,
          "journal drained into PostgreSQL",
        );
        // Exactly once: as many rows as requests, each request (session, counters) once.
        expect(await stored()).toEqual({ n: all.length, distinct: all.length });
        const journaled = rowsOf<{ n: number }>(
          await fx.database.withTenant(fx.tenantId, (tx) =>
            tx.execute(
              sql`select count(*)::int as n from journal_records where tenant_id = ${fx.tenantId} and kind = 'radius.accounting'`,
            ),
          ),
        )[0]?.n;
        // Requests journaled before the kill but not answered were journaled again after it.
        expect(journaled).toBeGreaterThanOrEqual(all.length);

        // 64-bit totals: each session holds its last interim, Gigawords included.
        const sessions = rowsOf<{ id: string; input: string; output: string }>(
          await fx.database.withTenant(fx.tenantId, (tx) =>
            tx.execute(sql`
              select acct_session_id as id, input_octets::text as input, output_octets::text as output
              from radius_sessions where tenant_id = ${fx.tenantId} and acct_session_id like 'crash-%'`),
          ),
        );
        expect(sessions).toHaveLength(SESSIONS);
        for (const row of sessions) {
          const s = Number(row.id.slice("crash-".length));
          expect(BigInt(row.input)).toBe(BigInt(GIGA + INTERIMS * 1000 + s));
          expect(BigInt(row.output)).toBe(BigInt((2 + s) * GIGA + INTERIMS * 7000 + s));
        }
      } finally {
        await agent.stop();
      }
    }, 240_000);
  });
}
