// Payment → Disconnect-ACK latency (on demand: `bun tests/bench/enforcement.ts`; never part of
// the suite). The issue 6 loop with real peers, repeated: a subscriber online through the agent
// (from source; radclient plays the router), dunning isolates it (Disconnect acknowledged by the
// mock NAS, Debian FreeRADIUS's coa server), it logs in again into isolation, then a payment
// restores it; measured from the payment use-case's call to the completion of the router's ACK
// as the agent journaled it (same machine, same clock). Once with the embedded broker (aedes),
// once with Mosquitto (dynamic security). Target: p95 < 2 s on loopback.
import { and, desc, eq } from "drizzle-orm";
import { radclient } from "../../agent/src/radius/server/test-site.ts";
import { manualClock } from "../../control-plane/src/accounts/accounts.testing.ts";
import { createEnrollmentToken } from "../../control-plane/src/agents/enrollment.usecases.ts";
import { testIsp, testMeta } from "../../control-plane/src/billing/money-flow.testing.ts";
import { runDunning } from "../../control-plane/src/dunning/dunning.usecases.ts";
import { recordPayment } from "../../control-plane/src/payments/payments.usecases.ts";
import { enforcementEvents } from "../../control-plane/src/radius/radius.tables.ts";
import { tenantOf } from "../../control-plane/src/subscriptions/subscriptions.usecases.ts";
import { agentDir, startAgentProcess } from "../support/agent-process.ts";
import { assembleTestControlPlane } from "../support/app.ts";
import { freeUdpPort } from "../support/free-port.ts";
import { startMockNas } from "../support/mock-nas.ts";
import { startDynsecMosquitto } from "../support/mosquitto-dynsec.ts";
import { seedNas } from "../support/radius-cloud.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const SECRET = "bench-enforcement-secret-0123456789";
const DAY = 86_400_000;

async function until<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = await check();
    if (value) return value;
    await Bun.sleep(5);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

async function measure(broker: "embedded" | "mosquitto"): Promise<number[]> {
  const mosquitto = broker === "mosquitto" ? await startDynsecMosquitto() : null;
  const clock = manualClock(Date.parse("2026-03-15T03:00:00Z"));
  const cp = await assembleTestControlPlane(mosquitto ? { MQTT_URL: mosquitto.adminUrl } : {}, clock);
  const http = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req, server) => cp.app.fetch(req, { server }) });
  const nas = await startMockNas({ secret: SECRET });
  const isp = await testIsp(cp, "Asia/Jakarta", clock);
  await seedNas(cp.database, cp, isp.actor.tenantId, isp.siteId, { secret: SECRET, coaPort: nas.port });
  const [authPort, acctPort] = [await freeUdpPort(), await freeUdpPort()];
  const dir = agentDir({
    KILUSI_AGENT_RADIUS_AUTH_PORT: String(authPort),
    KILUSI_AGENT_RADIUS_ACCT_PORT: String(acctPort),
    KILUSI_AGENT_LOG_LEVEL: "info",
  });
  const { token } = await createEnrollmentToken({ database: cp.database, clock }, isp.actor, isp.siteId, testMeta);
  const enrolled = await dir.cli(["enroll", `http://127.0.0.1:${http.port}`, token]);
  if (enrolled.code !== 0) throw new Error(`enroll: ${enrolled.stderr}`);
  const agent = startAgentProcess(dir);
  const latencies: number[] = [];
  try {
    await agent.waitFor((l) => l.msg === "RADIUS listening", 30_000);
    const planId = await isp.addPlan({ name: "Home 20", price: 150_000, downloadKbps: 20_000, uploadKbps: 10_000 });
    const deps = { database: cp.database, clock, secretBox: cp.secretBox };
    const newest = (id: string, reason: string) =>
      cp.database.withTenant(isp.actor.tenantId, async (tx) => {
        const [row] = await tx
          .select()
          .from(enforcementEvents)
          .where(and(eq(enforcementEvents.subscriptionId, id), eq(enforcementEvents.reason, reason)))
          .orderBy(desc(enforcementEvents.id))
          .limit(1);
        return row;
      });
    for (let i = 0; i < ROUNDS; i++) {
      const user = `bench${i}`;
      const password = `sandi-${i}-rahasia`;
      const login = () =>
        radclient(
          `127.0.0.1:${authPort}`,
          "auth",
          [
            `User-Name = "${user}"`,
            `User-Password = "${password}"`,
            "NAS-IP-Address = 127.0.0.1",
            "Message-Authenticator = 0x00",
          ],
          { secret: SECRET, timeoutSeconds: 1 },
        );
      const start = (session: string, klass: string) =>
        radclient(
          `127.0.0.1:${acctPort}`,
          "acct",
          [
            "Acct-Status-Type = Start",
            `Acct-Session-Id = "${session}"`,
            `User-Name = "${user}"`,
            "NAS-IP-Address = 127.0.0.1",
            `Framed-IP-Address = 10.20.${Math.floor(i / 250)}.${(i % 250) + 1}`,
            `Class = 0x${Buffer.from(klass).toString("hex")}`,
          ],
          { secret: SECRET, timeoutSeconds: 1 },
        );
      const customerId = await isp.addCustomer(`Pelanggan ${i}`);
      const sub = await isp.subscribe(customerId, planId, {
        access: { access: "pppoe", pppoeUsername: user, pppoePassword: password },
      });
      const klass = `k1:s:${sub.id}`;
      await until("first login", async () => (await login()).out.includes("Received Access-Accept"));
      await start(`${user}-a`, klass);
      clock.advance(11 * DAY);
      await runDunning({ ...deps, sealing: cp }, tenantOf(isp.actor));
      const isolated = await until("isolation ACK", () => newest(sub.id, "isolated"));
      if (isolated.outcome !== "ack") throw new Error(`isolation: ${isolated.outcome}`);
      await until("isolated login", async () => (await login()).out.includes("Mikrotik-Address-List"));
      await start(`${user}-b`, klass);
      await Bun.sleep(50); // the Start reaches the agent's session table
      const paidAt = Date.now();
      await recordPayment(
        deps,
        isp.actor,
        { customerId, invoiceId: null, amountMinor: 10_000_000, method: "cash", reference: null, receivedAt: null },
        testMeta,
      );
      const restored = await until("restore ACK", () => newest(sub.id, "restored"));
      if (restored.outcome !== "ack") throw new Error(`restore: ${restored.outcome}`);
      latencies.push(restored.completedAt.getTime() - paidAt);
    }
  } finally {
    await agent.stop();
    await nas.stop();
    http.stop(true);
    await cp.close();
    await mosquitto?.stop();
    dir.remove();
  }
  return latencies;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
console.log(`payment → Disconnect-ACK, ${ROUNDS} subscribers per broker (ms)`);
console.log("broker      p50     p95     max   target p95 < 2000");
for (const broker of ["embedded", "mosquitto"] as const) {
  const sorted = (await measure(broker)).sort((a, b) => a - b);
  const p95 = pct(sorted, 0.95);
  console.log(
    `${broker.padEnd(10)} ${String(pct(sorted, 0.5)).padStart(5)} ${String(p95).padStart(7)} ${String(sorted.at(-1)).padStart(7)}   ${p95 < 2000 ? "met" : "NOT met"}`,
  );
}
process.exit(0);
