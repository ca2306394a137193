// Sync benchmark (on demand: `bun tests/bench/sync.ts`; never part of the suite). Real
// processes: a control plane on a scratch PostgreSQL database, a dedicated Mosquitto with the
// dynamic-security plugin, and the agent from source. Measured in one run, ROUNDS rounds each:
//   - the reference: raw Mosquitto QoS 1 publishes (one mqtt.js client, 500 in flight, 256-byte
//     payloads, each complete at its PUBACK) in messages/s;
//   - end-to-end journal ingest: N records journaled by the agent while the control plane is
//     down, then the time from the control plane's start to a drained backlog (agent → broker →
//     cloud → PostgreSQL commit → ack → agent delete), in records/s;
//   - convergence: 5,000 subscriber changes made while the agent is stopped, then the time from
//     its start until its state hash equals the cloud's;
//   - the agent's resident memory idle (empty store) and with 50,000 subscribers in its store.
// Targets (issue 5): ingest ≥ 10,000 records/s; agent RSS < 100 MB at 50,000 subscribers.
import { readFileSync } from "node:fs";
import mqtt from "mqtt";
import { agentDir, eventually, startAgentProcess } from "../support/agent-process.ts";
import { startDynsecMosquitto } from "../support/mosquitto-dynsec.ts";
import { startControlPlaneProcess } from "../support/process.ts";
import { createSyncFixture } from "../support/sync-fixture.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 50_000);
const say = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};
const fastAgent = {
  KILUSI_AGENT_LOG_LEVEL: "warn",
  KILUSI_AGENT_MQTT_RECONNECT_MIN_SECONDS: "0.2",
  KILUSI_AGENT_MQTT_RECONNECT_MAX_SECONDS: "0.5",
  KILUSI_AGENT_SYNC_TIMEOUT_SECONDS: "1",
};

const broker = await startDynsecMosquitto();
const fx = await createSyncFixture();
try {
  const env = { ...fx.env, MQTT_URL: broker.adminUrl, JOBS_INTERVAL_SECONDS: "0", LOG_LEVEL: "warn" };

  let cp = await startControlPlaneProcess({ env });
  await Bun.sleep(3_000); // its dynamic-security set-up (the role that grants it kilusi/#)
  // 1. The reference: raw QoS 1 through the same Mosquitto, as the control plane's identity.
  const raw: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const pub = await mqtt.connectAsync(broker.adminUrl, { protocolVersion: 4, clientId: `bench-pub-${round}` });
    // Under kilusi/: the control plane granted its dynsec admin that subtree at start.
    const topic = `kilusi/bench/${crypto.randomUUID()}`;
    const total = 20_000;
    const payload = Buffer.alloc(256, 0x61);
    const started = performance.now();
    let sent = 0;
    const worker = async () => {
      while (sent < total) {
        sent++;
        await pub.publishAsync(topic, payload, { qos: 1 });
      }
    };
    await Promise.all(Array.from({ length: 500 }, worker));
    raw.push(total / ((performance.now() - started) / 1000));
    await pub.endAsync();
  }

  // 2. End-to-end ingest of a backlog.
  const ingest: number[] = [];

  for (let round = 0; round < ROUNDS; round++) {
    const site = await fx.addSite(`Bench ingest ${round}`);
    const dir = agentDir(fastAgent);
    if ((await dir.cli(["enroll", cp.url, await fx.enrollmentToken(site)])).code !== 0)
      throw new Error("enroll failed");
    await cp.stop();
    const agent = startAgentProcess(dir, ["load-journal", "--count", String(RECORDS), "--exit-when-drained"]);
    await agent.waitFor((l) => l.journaled !== undefined && (l.journaled as number) >= RECORDS, 120_000);
    const started = performance.now();
    cp = await startControlPlaneProcess({ env });
    const code = await agent.proc.exited;
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`agent exited ${code}: ${agent.stderr()}`);
    ingest.push(RECORDS / seconds);
    dir.remove();
  }

  // 3. Convergence after 5,000 changes, and 4. memory.
  const converge: number[] = [];
  const rssIdle: number[] = [];
  const rssFull: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const site = await fx.addSite(`Bench converge ${round}`);
    const dir = agentDir(fastAgent);
    if ((await dir.cli(["enroll", cp.url, await fx.enrollmentToken(site)])).code !== 0)
      throw new Error("enroll failed");
    let agent = startAgentProcess(dir);
    await eventually(
      async () => (await dir.status()).syncedAt !== null && (await dir.status()).syncedAt !== undefined,
      30_000,
      "first sync",
    );
    await Bun.sleep(3_000);
    rssIdle.push(rssMb(agent.proc.pid));
    await agent.stop();
    await fx.addSubscribers(2_500, site);
    await fx.touchAll("plan_updated", site);
    const cloud = await fx.cloudState(site);
    const started = performance.now();
    agent = startAgentProcess(dir);
    await eventually(
      async () => {
        const s = await dir.status();
        return s.appliedRevision === cloud.revision && s.stateHash === cloud.hash;
      },
      60_000,
      "converged",
    );
    converge.push((performance.now() - started) / 1000);
    await fx.addSubscribers(47_500, site);
    const full = await fx.cloudState(site);
    await eventually(async () => (await dir.status()).appliedRevision === full.revision, 120_000, "50k in store");
    await Bun.sleep(3_000);
    rssFull.push(rssMb(agent.proc.pid));
    await agent.stop();
    dir.remove();
  }
  await cp.stop();

  const rawM = median(raw);
  const ingestM = median(ingest);
  say(
    `\nsync benchmark: ${ROUNDS} rounds, medians (2 cores shared by Mosquitto, PostgreSQL, the control plane and the agent)`,
  );
  say(`  raw Mosquitto QoS 1 publish (reference)   ${fmt(rawM)} messages/s   [${raw.map(fmt).join(", ")}]`);
  say(
    `  journal ingest end to end                 ${fmt(ingestM)} records/s    [${ingest.map(fmt).join(", ")}]  = ${(ingestM / rawM).toFixed(2)}× the raw publish rate; target ≥ 10,000`,
  );
  say(
    `  convergence, 5,000 changes                ${median(converge).toFixed(2)} s (agent start included)   [${converge.map((s) => s.toFixed(2)).join(", ")}]`,
  );
  say(
    `  agent RSS idle                            ${median(rssIdle).toFixed(1)} MB   [${rssIdle.map((m) => m.toFixed(1)).join(", ")}]`,
  );
  say(
    `  agent RSS, 50,000 subscribers in store    ${median(rssFull).toFixed(1)} MB   [${rssFull.map((m) => m.toFixed(1)).join(", ")}]; target < 100 MB`,
  );
} finally {
  await fx.close();
  await broker.stop();
}
