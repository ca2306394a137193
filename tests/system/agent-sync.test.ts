// Issue 5's acceptance with real processes: a control plane (PostgreSQL, embedded broker), the
// agent from source, the sync contract between them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AgentDir, agentDir, eventually, type RunningAgent, startAgentProcess } from "../support/agent-process.ts";
import { freePort } from "../support/free-port.ts";
import { requirePeer } from "../support/peers.ts";
import { postgresHint, postgresReachable } from "../support/postgres.ts";
import { type StartedProcess, startControlPlaneProcess } from "../support/process.ts";
import { createSyncFixture, type SyncFixture } from "../support/sync-fixture.ts";

if (requirePeer("PostgreSQL", await postgresReachable(), postgresHint)) {
  describe("control plane ↔ agent over the embedded broker", () => {
    let fx: SyncFixture;
    let cp: StartedProcess;
    let mqttPort: number;
    const startCp = async () =>
      startControlPlaneProcess({
        env: { ...fx.env, MQTT_EMBEDDED_PORT: String(mqttPort), JOBS_INTERVAL_SECONDS: "0" },
      });

    beforeAll(async () => {
      fx = await createSyncFixture();
      mqttPort = await freePort();
      cp = await startCp();
    });
    afterAll(async () => {
      await cp?.stop();
      await fx?.close();
    });

    async function enrolled(siteId = fx.siteId): Promise<AgentDir> {
      const dir = agentDir();
      const r = await dir.cli(["enroll", cp.url, await fx.enrollmentToken(siteId)]);
      if (r.code !== 0) throw new Error(`enroll failed (${r.code}): ${r.stderr}${r.stdout}`);
      return dir;
    }

    /** Within 40 s (inside the test's own timeout, so a failure says why): else the agent's last words. */
    const inSync = async (dir: AgentDir, running: RunningAgent, siteId = fx.siteId) => {
      try {
        return await eventually(
          async () => {
            const [cloud, agent] = await Promise.all([fx.cloudState(siteId), dir.status()]);
            return agent.appliedRevision === cloud.revision && agent.stateHash === cloud.hash
              ? { cloud, agent }
              : false;
          },
          40_000,
          "agent in sync with the cloud",
        );
      } catch (error) {
        const lines = running.lines.slice(-20).map((l) => JSON.stringify(l));
        throw new Error(
          `${error}\nagent's last lines:\n${lines.join("\n")}\nstderr:\n${running.stderr().slice(-2000)}`,
        );
      }
    };

    test("5,000 changes made while the agent is offline: after reconnect its state hash is the cloud's", async () => {
      await fx.addSubscribers(200);
      const dir = await enrolled();
      let agent: RunningAgent = startAgentProcess(dir);
      try {
        await inSync(dir, agent);
        expect((await dir.status()).appliedRevision).toBe(201);
        await agent.stop();

        await fx.addSubscribers(2_000);
        await fx.touchAll();
        await fx.terminate(800);
        const cloud = await fx.cloudState();
        // 1: the site's isolation policy, logged when the site was made.
        expect(cloud.revision).toBe(1 + 200 + 2_000 + 2_200 + 800);
        expect((await dir.status()).appliedRevision).toBe(201);

        const started = performance.now();
        agent = startAgentProcess(dir);
        const { agent: status } = await inSync(dir, agent);
        console.log(
          `converged 5,000 changes in ${((performance.now() - started) / 1000).toFixed(1)} s (process start included)`,
        );
        expect(status.appliedRevision).toBe(cloud.revision);
        expect(status.stateHash).toBe(cloud.hash);
        expect(cloud.entries).toBe(1_400 + 1); // + the isolation policy
      } finally {
        await agent.stop();
        dir.remove();
      }
    }, 120_000);

    test("an agent behind the pruned log gets a snapshot and ends with the same state", async () => {
      const site = await fx.addSite("POP Snapshot");
      await fx.addSubscribers(50, site);
      const dir = await enrolled(site);
      let agent = startAgentProcess(dir);
      try {
        await inSync(dir, agent, site);
        await agent.stop();
        await fx.addSubscribers(300, site);
        await fx.terminate(20, site);
        // The retention job dropped the log the agent would need.
        await fx.owner.unsafe(`delete from site_changes where site_id = '${site}'`);
        agent = startAgentProcess(dir);
        await agent
          .waitFor((l) => l.msg === "snapshot applied" || l.msg === "snapshot received", 30_000)
          .catch(() => null);
        const { agent: status, cloud } = await inSync(dir, agent, site);
        expect(cloud.entries).toBe(330 + 1); // + the isolation policy
        expect(status.stateHash).toBe(cloud.hash);
      } finally {
        await agent.stop();
        dir.remove();
      }
    }, 120_000);

    test("kill -9 at random points during 10,000 journal writes: every acknowledged record is in PostgreSQL exactly once", async () => {
      const site = await fx.addSite("POP Journal");
      const dir = await enrolled(site);
      const agentId = (await dir.status()).agentId;
      const journaled = new Set<number>();
      let remaining = 10_000;
      let kills = 0;
      while (remaining > 0 && kills < 6) {
        const run = startAgentProcess(dir, ["load-journal", "--count", String(remaining), "--rate", "2000"]);
        await Bun.sleep(300 + Math.floor(Math.random() * 1_000));
        run.proc.kill("SIGKILL");
        await run.proc.exited;
        kills++;
        for (const l of run.lines) if (typeof l.journaled === "number") journaled.add(l.journaled);
        remaining = 10_000 - journaled.size;
      }
      // The last run writes what is left and stays until the backlog is drained.
      const last = startAgentProcess(dir, ["load-journal", "--count", String(remaining), "--exit-when-drained"]);
      expect(await last.proc.exited).toBe(0);
      for (const l of last.lines) if (typeof l.journaled === "number") journaled.add(l.journaled);
      expect(journaled.size).toBeGreaterThanOrEqual(10_000);
      const stored = await fx.owner.unsafe(
        `select seq::int from journal_records where agent_id = '${agentId}' and kind = 'test.load'`,
      );
      const storedSeqs = new Set(stored.map((r) => r.seq as number));
      const missing = [...journaled].filter((s) => !storedSeqs.has(s));
      expect(missing).toEqual([]);
      expect(stored.length).toBe(storedSeqs.size);
      expect((await dir.status()).journal.backlog).toBe(0);
      console.log(
        `kill -9 ×${kills}: ${journaled.size} acknowledged, ${stored.length} stored, 0 missing, 0 duplicated`,
      );
      dir.remove();
    });

    test("the control plane stopped for a while: the agent keeps journaling and drains after the restart", async () => {
      const site = await fx.addSite("POP Outage");
      const dir = await enrolled(site);
      const agentId = (await dir.status()).agentId;
      const agent = startAgentProcess(dir, ["load-journal", "--count", "3000", "--rate", "1000"]);
      try {
        await agent.waitFor((l) => l.journaled === 500);
        await cp.stop();
        await agent.waitFor((l) => l.journaled === 2_500, 30_000);
        const during = await dir.status();
        expect(during.journal.backlog).toBeGreaterThan(0);
        cp = await startCp();
        await eventually(async () => (await dir.status()).journal.backlog === 0, 60_000, "backlog drained");
        const load = await fx.owner.unsafe(
          `select count(*)::int as n, count(distinct seq)::int as d from journal_records where agent_id = '${agentId}' and kind = 'test.load'`,
        );
        expect({ ...load[0] }).toEqual({ n: 3_000, d: 3_000 });
      } finally {
        await agent.stop();
        dir.remove();
      }
    });
  });
}
