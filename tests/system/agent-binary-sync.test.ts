// The compiled x64 agent (deploy/agent/build.ts) against a real control plane (PostgreSQL,
// embedded broker), with the checkout hidden from it: enrollment over HTTP, desired state down
// and the journal up over MQTT all work from the bundle alone, and SIGTERM (systemd's stop) is
// a clean exit.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { buildTarget } from "../../deploy/agent/build.ts";
import { eventually } from "../support/agent-process.ts";
import { isolation } from "../support/compiled-agent.ts";
import { freePort } from "../support/free-port.ts";
import { requirePeer } from "../support/peers.ts";
import { postgresHint, postgresReachable } from "../support/postgres.ts";
import { type StartedProcess, startControlPlaneProcess } from "../support/process.ts";
import { createSyncFixture, type SyncFixture } from "../support/sync-fixture.ts";

if (requirePeer("PostgreSQL", await postgresReachable(), postgresHint)) {
  describe.skipIf(process.platform !== "linux" || process.arch !== "x64")("the compiled agent ↔ control plane", () => {
    const box = isolation("kilusi-agent-sync-");
    let fx: SyncFixture;
    let cp: StartedProcess;
    let agentBin: string;

    beforeAll(async () => {
      agentBin = (await buildTarget("x64", join(box.work, "bin"))).path;
      fx = await createSyncFixture();
      const mqttPort = await freePort();
      cp = await startControlPlaneProcess({
        env: { ...fx.env, MQTT_EMBEDDED_PORT: String(mqttPort), JOBS_INTERVAL_SECONDS: "0" },
      });
    }, 120_000);
    afterAll(async () => {
      await cp?.stop();
      await fx?.close();
      box.remove();
    });

    test("enroll, sync the site's desired state, journal up, stop on SIGTERM", async () => {
      await fx.addSubscribers(25);
      const env = {
        KILUSI_AGENT_DATA_DIR: join(box.freshDir("data"), "agent"),
        KILUSI_AGENT_HEARTBEAT_SECONDS: "1",
        KILUSI_AGENT_RADIUS_BIND: "127.0.0.1",
        KILUSI_AGENT_RADIUS_AUTH_PORT: "0",
        KILUSI_AGENT_RADIUS_ACCT_PORT: "0",
      };
      const enrolled = await box.run([agentBin, "enroll", cp.url, await fx.enrollmentToken()], { env });
      expect(enrolled.stderr).toBe("");
      expect(enrolled.stdout).toContain('enrolled at site "POP Utama"');
      expect(enrolled.code).toBe(0);

      const status = async () => JSON.parse((await box.run([agentBin, "status"], { env })).stdout);
      const agent = box.start([agentBin, "run"], { env });
      try {
        const cloud = await fx.cloudState();
        const synced = await eventually(
          async () => {
            const s = await status();
            return s.appliedRevision === cloud.revision && s.stateHash === cloud.hash ? s : false;
          },
          30_000,
          "the compiled agent in sync with the cloud",
        );
        expect(synced.entries).toMatchObject({ subscriber: 25 });
      } finally {
        expect(await agent.stop()).toBe(0);
      }
      expect(agent.stderr()).toBe("");
      expect(agent.lines.some((l) => l.msg === "shutting down")).toBe(true);

      const load = await box.run([agentBin, "load-journal", "--count", "50", "--exit-when-drained"], { env });
      expect(load.code).toBe(0);
      const { agentId } = await status();
      const [stored] = await fx.owner.unsafe(
        `select count(*)::int as n, count(distinct seq)::int as d from journal_records
         where agent_id = '${agentId}' and kind = 'test.load'`,
      );
      expect({ ...stored }).toEqual({ n: 50, d: 50 });
      expect((await status()).journal.backlog).toBe(0);
    });
  });
}
