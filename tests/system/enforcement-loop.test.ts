// Issue 6's whole loop with real peers: a subscriber online through the agent (from source),
// an invoice overdue, dunning isolates, the agent's Disconnect reaches the router (Debian
// FreeRADIUS's coa server as the mock NAS) and is acknowledged, the re-login gets the isolation
// attributes; the payment restores, another Disconnect, the re-login gets the plan's rate.
// radclient plays the router's RADIUS client. The control plane runs in this process (PGlite,
// embedded broker) on a test clock, so dunning runs on the invoice's calendar.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, desc, eq } from "drizzle-orm";
import { radclient } from "../../agent/src/radius/server/test-site.ts";
import { manualClock } from "../../control-plane/src/accounts/accounts.testing.ts";
import { createEnrollmentToken } from "../../control-plane/src/agents/enrollment.usecases.ts";
import { type TestIsp, testIsp, testMeta } from "../../control-plane/src/billing/money-flow.testing.ts";
import { runDunning } from "../../control-plane/src/dunning/dunning.usecases.ts";
import { recordPayment } from "../../control-plane/src/payments/payments.usecases.ts";
import { enforcementEvents, radiusSessions } from "../../control-plane/src/radius/radius.tables.ts";
import type { AssembledControlPlane } from "../../control-plane/src/runtime.ts";
import { tenantOf } from "../../control-plane/src/subscriptions/subscriptions.usecases.ts";
import { type AgentDir, agentDir, eventually, type RunningAgent, startAgentProcess } from "../support/agent-process.ts";
import { assembleTestControlPlane } from "../support/app.ts";
import { freeUdpPort } from "../support/free-port.ts";
import { freeradiusHint, freeradiusInstalled, type MockNas, startMockNas } from "../support/mock-nas.ts";
import { requirePeer } from "../support/peers.ts";
import { seedNas } from "../support/radius-cloud.ts";

const SECRET = "loop-test-secret-0123456789abcdef";
const PASSWORD = "rahasia-budi-42";
const at = (iso: string) => new Date(iso).getTime();

if (
  requirePeer("radclient", Boolean(Bun.which("radclient")), "apt-get install freeradius-utils") &&
  requirePeer("FreeRADIUS", freeradiusInstalled(), freeradiusHint)
) {
  describe("the enforcement loop", () => {
    const clock = manualClock(at("2026-03-15T03:00:00Z"));
    let cp: AssembledControlPlane;
    let http: ReturnType<typeof Bun.serve>;
    let nas: MockNas;
    let isp: TestIsp;
    let dir: AgentDir;
    let agent: RunningAgent;
    let auth: string;
    let acct: string;

    beforeAll(async () => {
      cp = await assembleTestControlPlane({}, clock);
      http = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req, server) => cp.app.fetch(req, { server }) });
      nas = await startMockNas({ secret: SECRET });
      isp = await testIsp(cp, "Asia/Jakarta", clock);
      await seedNas(cp.database, cp, isp.actor.tenantId, isp.siteId, { secret: SECRET, coaPort: nas.port });
      const [authPort, acctPort] = [await freeUdpPort(), await freeUdpPort()];
      auth = `127.0.0.1:${authPort}`;
      acct = `127.0.0.1:${acctPort}`;
      dir = agentDir({
        KILUSI_AGENT_RADIUS_AUTH_PORT: String(authPort),
        KILUSI_AGENT_RADIUS_ACCT_PORT: String(acctPort),
        KILUSI_AGENT_COA_TIMEOUT_MS: "1000",
      });
      const { token } = await createEnrollmentToken({ database: cp.database, clock }, isp.actor, isp.siteId, testMeta);
      const enrolled = await dir.cli(["enroll", `http://127.0.0.1:${http.port}`, token]);
      if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.stderr}${enrolled.stdout}`);
      agent = startAgentProcess(dir);
      await agent.waitFor((line) => line.msg === "RADIUS listening", 30_000);
    }, 90_000);
    afterAll(async () => {
      await agent?.stop();
      await nas?.stop();
      http?.stop(true);
      await cp?.close();
      dir?.remove();
    });

    const login = () =>
      radclient(
        auth,
        "auth",
        [
          'User-Name = "budi"',
          `User-Password = "${PASSWORD}"`,
          "NAS-IP-Address = 127.0.0.1",
          'Calling-Station-Id = "AA:BB:CC:00:00:01"',
          "Message-Authenticator = 0x00",
        ],
        { secret: SECRET, timeoutSeconds: 2 },
      );
    const reply = (out: string, name: string) =>
      new RegExp(`Received Access-Accept[\\s\\S]*?\\n\\s+${name} = "?([^"\\n]*)"?`).exec(out)?.[1];
    const start = (session: string, klass: string) =>
      radclient(
        acct,
        "acct",
        [
          "Acct-Status-Type = Start",
          `Acct-Session-Id = "${session}"`,
          'User-Name = "budi"',
          "NAS-IP-Address = 127.0.0.1",
          "Framed-IP-Address = 10.10.0.7",
          'Calling-Station-Id = "AA:BB:CC:00:00:01"',
          `Class = 0x${Buffer.from(klass).toString("hex")}`,
        ],
        { secret: SECRET, timeoutSeconds: 2 },
      );
    const newestOutcome = (subscriptionId: string) =>
      cp.database.withTenant(isp.actor.tenantId, async (tx) => {
        const [row] = await tx
          .select()
          .from(enforcementEvents)
          .where(
            and(
              eq(enforcementEvents.tenantId, isp.actor.tenantId),
              eq(enforcementEvents.subscriptionId, subscriptionId),
            ),
          )
          .orderBy(desc(enforcementEvents.id))
          .limit(1);
        return row;
      });

    test("online → overdue → isolated (Disconnect ACK, isolation on re-login) → paid → restored (plan on re-login)", async () => {
      const planId = await isp.addPlan({ name: "Home 20", price: 150_000, downloadKbps: 20_000, uploadKbps: 10_000 });
      const customerId = await isp.addCustomer("Budi Santoso");
      const sub = await isp.subscribe(customerId, planId, {
        access: { access: "pppoe", pppoeUsername: "budi", pppoePassword: PASSWORD },
      });
      await eventually(
        async () => ((await dir.status()).entries as Record<string, number>).subscriber === 1,
        30_000,
        "subscriber at the site",
      );

      // Online: the login gets the plan, and the router starts accounting with the Class it was given.
      const first = await login();
      expect(first.out).toContain("Received Access-Accept");
      expect(reply(first.out, "Mikrotik-Rate-Limit")).toBe("10000k/20000k");
      const klass = Buffer.from((reply(first.out, "Class") ?? "").replace(/^0x/, ""), "hex").toString();
      expect(klass).toBe(`k1:s:${sub.id}`);
      expect((await start("sesi-1", klass)).out).toContain("Received Accounting-Response");
      await eventually(
        async () =>
          (
            await cp.database.withTenant(isp.actor.tenantId, (tx) =>
              tx.select().from(radiusSessions).where(eq(radiusSessions.acctSessionId, "sesi-1")),
            )
          )[0]?.status === "online",
        30_000,
        "session online in the cloud",
      );

      // The first invoice (due 22 March) is unpaid on 26 March: dunning isolates.
      clock.advance(at("2026-03-26T02:00:00Z") - clock.now().getTime());
      const deps = { database: cp.database, clock, secretBox: cp.secretBox, sealing: cp };
      expect(await runDunning(deps, tenantOf(isp.actor))).toMatchObject({ isolated: 1 });
      const isolatedDisconnect = await nas.waitFor(
        (r) => r.code === "Disconnect-Request" && r.sessionId === "sesi-1",
        30_000,
      );
      expect(isolatedDisconnect).toMatchObject({ userName: "budi", framedIp: "10.10.0.7", nasIp: "127.0.0.1" });
      await eventually(async () => (await newestOutcome(sub.id))?.reason === "isolated", 30_000, "isolation outcome");
      expect(await newestOutcome(sub.id)).toMatchObject({ action: "disconnect", outcome: "ack", sessionId: "sesi-1" });

      // The client dials again into the isolation policy.
      const isolated = await login();
      expect(isolated.out).toContain("Received Access-Accept");
      expect(reply(isolated.out, "Mikrotik-Address-List")).toBe("isolir");
      expect(reply(isolated.out, "Mikrotik-Rate-Limit")).toBe("256k/256k");
      expect((await start("sesi-2", klass)).out).toContain("Received Accounting-Response");
      await eventually(
        async () =>
          (
            await cp.database.withTenant(isp.actor.tenantId, (tx) =>
              tx.select().from(radiusSessions).where(eq(radiusSessions.acctSessionId, "sesi-2")),
            )
          )[0]?.status === "online",
        30_000,
        "second session online in the cloud",
      );

      // Paid in full: restored in the payment's transaction; the router is told at once.
      const paidAt = Date.now();
      const paid = await recordPayment(
        { database: cp.database, clock, secretBox: cp.secretBox },
        isp.actor,
        { customerId, invoiceId: null, amountMinor: 10_000_000, method: "cash", reference: null, receivedAt: null },
        testMeta,
      );
      expect(paid.restored).toBe(1);
      await nas.waitFor((r) => r.code === "Disconnect-Request" && r.sessionId === "sesi-2", 30_000);
      await eventually(async () => (await newestOutcome(sub.id))?.reason === "restored", 30_000, "restore outcome");
      const restored = await newestOutcome(sub.id);
      expect(restored).toMatchObject({ action: "disconnect", outcome: "ack", sessionId: "sesi-2" });
      const latencyMs = (restored?.completedAt.getTime() ?? 0) - paidAt;
      expect(latencyMs).toBeGreaterThan(0);

      const back = await login();
      expect(back.out).toContain("Received Access-Accept");
      expect(reply(back.out, "Mikrotik-Rate-Limit")).toBe("10000k/20000k");
      expect(back.out).not.toContain("Mikrotik-Address-List");
    }, 180_000);
  });
}
