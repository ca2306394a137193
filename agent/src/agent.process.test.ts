// The agent as the system tests run it: `bun agent/src/cli.ts run` / `load-journal`, a real broker,
// the cloud played by a raw MQTT client.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { UpMessage } from "@kilusi/shared/sync/messages";
import type { SiteAddress } from "@kilusi/shared/sync/topics";
import { startTestBroker, type TestBroker } from "./testing/broker.ts";
import { CloudPeer } from "./testing/cloud-peer.ts";
import { enrolledDataDir, removeTempDirs } from "./testing/fixtures.ts";
import { eventually } from "./testing/logs.ts";
import { runCli, spawnAgent } from "./testing/process.ts";

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.close();
  removeTempDirs();
});

const env = (dataDir: string) => ({
  KILUSI_AGENT_DATA_DIR: dataDir,
  KILUSI_AGENT_HEARTBEAT_SECONDS: "1",
  KILUSI_AGENT_MQTT_RECONNECT_MIN_SECONDS: "0.1",
  KILUSI_AGENT_MQTT_RECONNECT_MAX_SECONDS: "0.5",
  KILUSI_AGENT_LOG_LEVEL: "info",
});

/** Welcomes every hello and acks every journal batch once it "committed" it. */
async function cloudFor(site: SiteAddress, agentId: string): Promise<CloudPeer> {
  const cloud = await CloudPeer.connect(broker.url, site);
  cloud.on((r) => {
    if (r.name === "hello") void cloud.send("welcome", { v: 1, protocol: 1, supported: [1], currentRevision: 0 });
    if (r.name === "journal") {
      const seqs = (r.message as UpMessage<"journal">).records.map((x) => x.seq);
      void cloud.send("journal-ack", { v: 1, agentId, ranges: [[seqs[0] as number, seqs.at(-1) as number]] });
    }
  });
  return cloud;
}

describe("the agent process", () => {
  test("run: JSON log lines with tenant, site and agent; SIGTERM leaves a retained offline presence and exits 0", async () => {
    const { dataDir, site, agentId } = enrolledDataDir(broker.url);
    const cloud = await cloudFor(site, agentId);
    const agent = spawnAgent(["run"], env(dataDir));
    try {
      await cloud.waitFor("sync-request", undefined, { timeoutMs: 10_000 });
      await cloud.waitFor("heartbeat");
      const started = agent.lines.find((l) => l.msg === "agent started");
      expect(started).toMatchObject({ name: "kilusi-agent", level: "info", ...site, agentId });
      agent.proc.kill("SIGTERM");
      expect(await agent.exited).toBe(0);
      expect(cloud.all("presence").at(-1)).toMatchObject({ state: "offline", agentId });
      expect(await cloud.retained("presence")).toMatchObject({ state: "offline" });
      expect(agent.lines.some((l) => l.msg === "agent stopped")).toBe(true);
      expect(JSON.stringify(agent.lines)).not.toContain("s3cret-password");
      expect(agent.stderr()).toBe("");

      const status = JSON.parse((await runCli(["status"], env(dataDir))).stdout);
      expect(status).toMatchObject({ agentId, ...site, appliedRevision: 0, lastConnectedAt: expect.any(String) });
    } finally {
      agent.proc.kill("SIGKILL");
      await cloud.close();
    }
  });

  test("a killed agent's last will says offline; load-journal sends every record and exits once drained", async () => {
    const { dataDir, site, agentId } = enrolledDataDir(broker.url);
    const cloud = await cloudFor(site, agentId);
    try {
      const victim = spawnAgent(["run"], env(dataDir));
      await cloud.waitFor("sync-request", undefined, { timeoutMs: 10_000 });
      const mark = cloud.mark();
      victim.proc.kill("SIGKILL");
      await victim.exited;
      // Keepalive is 30 s, but the broker sees the socket close at once and publishes the will.
      expect(await cloud.waitFor("presence", (p) => p.state === "offline", { from: mark })).toMatchObject({ agentId });

      const load = spawnAgent(["load-journal", "--count", "1200", "--exit-when-drained"], env(dataDir));
      const code = await load.exited;
      if (code !== 0)
        console.log(
          load.stderr(),
          load.lines.filter((l) => !("journaled" in l)),
        );
      expect(code).toBe(0);
      const journaled = load.lines.filter((l) => "journaled" in l).map((l) => l.journaled);
      expect(journaled).toHaveLength(1200);
      expect(new Set(journaled).size).toBe(1200);
      const got = new Set(cloud.all("journal").flatMap((b) => b.records.map((r) => r.seq)));
      for (const seq of journaled) expect(got.has(seq as number)).toBe(true);
      const data = cloud
        .all("journal")
        .flatMap((b) => b.records.filter((r) => r.kind === "test.load").map((r) => r.data.i));
      expect(new Set(data).size).toBe(1200);
      const status = JSON.parse((await runCli(["status"], env(dataDir))).stdout);
      expect(status.journal).toMatchObject({ backlog: 0, bytes: 0, oldestAt: null });
    } finally {
      await cloud.close();
    }
  });

  test("load-journal --rate paces the appends", async () => {
    const { dataDir, site, agentId } = enrolledDataDir(broker.url);
    const cloud = await cloudFor(site, agentId);
    try {
      const started = Date.now();
      const load = spawnAgent(["load-journal", "--count", "20", "--rate", "20", "--exit-when-drained"], env(dataDir));
      await eventually("first record", () => load.lines.some((l) => "journaled" in l), 10_000);
      expect(await load.exited).toBe(0);
      expect(Date.now() - started).toBeGreaterThan(900); // 20 records at 20/s take about a second
      expect(load.lines.filter((l) => "journaled" in l)).toHaveLength(20);
    } finally {
      await cloud.close();
    }
  });
});
