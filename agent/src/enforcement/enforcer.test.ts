// The enforcement loop on a real store, session table and journal, sending to the mock NAS
// (FreeRADIUS's coa server) and, for the timeout path, to a loopback port that never answers.
// The Access-Accept events stand in for the RADIUS server's (its own tests cover when it emits).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { createLogger } from "@kilusi/shared/logger";
import type { Change, DownMessage } from "@kilusi/shared/sync/messages";
import { type EnforcementRecord, parseRecordData } from "@kilusi/shared/sync/radius-records";
import type { PlanState } from "@kilusi/shared/sync/site-state";
import { freeradiusHint, freeradiusInstalled, type MockNas, startMockNas } from "../../../tests/support/mock-nas.ts";
import { requirePeer } from "../../../tests/support/peers.ts";
import { mikrotikRateLimit } from "../radius/authorize/rate-limit.ts";
import { CoaClient } from "../radius/coa/coa-client.ts";
import type { AccessAccepted } from "../radius/server/radius-server.ts";
import { SessionTable } from "../radius/sessions/session-table.ts";
import { openStoreDatabase, type StoreDatabase } from "../store/database.ts";
import { Journal } from "../store/journal.ts";
import { DesiredStateStore } from "../store/store.ts";
import { removeTempDirs, tempDataDir } from "../testing/fixtures.ts";
import { Enforcer } from "./enforcer.ts";
import { kickHandler } from "./kick.ts";

const SECRET = "enforcer-test-secret-42";
const logger = createLogger({ name: "test", level: "silent" });

const plan: PlanState = {
  id: "plan-10",
  name: "10M",
  type: "pppoe",
  downloadKbps: 10_000,
  uploadKbps: 5_000,
  burstDownloadKbps: null,
  burstUploadKbps: null,
  burstThresholdDownloadKbps: null,
  burstThresholdUploadKbps: null,
  burstTimeSeconds: null,
  addressPool: "pool-10",
  profileName: null,
  quotaBytes: null,
};
const subscriber = (username: string, over: Record<string, unknown> = {}) => ({
  status: "active",
  access: "pppoe",
  username,
  password: "pw-1",
  staticIp: null,
  mac: null,
  expiresAt: null,
  plan,
  ...over,
});
const nasEntry = (port: number, over: Record<string, unknown> = {}) => ({
  name: "core",
  address: "127.0.0.1",
  secret: SECRET,
  previousSecret: null,
  previousSecretValidUntil: null,
  coaPort: port,
  requireMessageAuthenticator: true,
  limitProxyState: true,
  ...over,
});

class Accepts {
  private readonly listeners = new Set<(e: AccessAccepted) => void>();
  onAccessAccepted(listener: (e: AccessAccepted) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(subscriptionId: string, nasId = "core") {
    for (const l of this.listeners)
      l({ subscriptionId, voucherCode: null, userName: subscriptionId, nasId, at: new Date() });
  }
}

/** A loopback UDP port that takes requests and never answers. */
async function silentPort() {
  const socket = createSocket("udp4");
  const got: Buffer[] = [];
  socket.on("message", (d) => got.push(d));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  return {
    port: (socket.address() as AddressInfo).port,
    got,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

afterAll(removeTempDirs);

if (requirePeer("freeradius", freeradiusInstalled(), freeradiusHint)) {
  describe("enforcement loop", () => {
    let nas: MockNas;
    let silent: Awaited<ReturnType<typeof silentPort>>;
    let db: StoreDatabase;
    let store: DesiredStateStore;
    let sessions: SessionTable;
    let journal: Journal;
    let accepts: Accepts;
    let client: CoaClient;
    let enforcer: Enforcer;
    let revision = 0;
    let seen = 0;

    beforeAll(async () => {
      nas = await startMockNas({ secret: SECRET, nakUsers: ["nak-user"] });
      silent = await silentPort();
    });
    afterAll(async () => {
      await nas?.stop();
      await silent?.close();
    });

    const apply = (list: Omit<Change, "revision" | "reason">[]) => {
      const changes = list.map((c, i) => ({ ...c, revision: revision + i + 1, reason: null }) as Change);
      const m = { v: 1, sinceRevision: revision, toRevision: revision + list.length, currentRevision: 0, changes };
      m.currentRevision = m.toRevision;
      expect(store.applyChanges(m as DownMessage<"changes">).status).toBe("applied");
      revision = m.toRevision;
    };
    const upsert = (kind: string, key: string, data: Record<string, unknown>) => ({
      kind,
      key,
      op: "upsert" as const,
      data,
    });
    const online = (subscriptionId: string, userName: string, nasId = "core", n = 1) =>
      sessions.upsert({
        nasId,
        sessionId: `${userName}-s${n}`,
        nasIp: "192.0.2.1",
        userName,
        subscriptionId,
        voucherCode: null,
        framedIp: `10.9.0.${n}`,
        callingStationId: null,
        startedAt: new Date().toISOString(),
        lastSeenAt: new Date().toISOString(),
        interimSeconds: 300,
        inputOctets: 0,
        outputOctets: 0,
      });
    /** Outcomes journaled since the last call, each checked against the cloud's schema. */
    const outcomes = async (): Promise<EnforcementRecord[]> => {
      await enforcer.idle();
      const records = journal.readAfter(seen, 1000);
      seen = records.at(-1)?.seq ?? seen;
      return records.map((r) => {
        expect(r.kind).toBe("enforcement.outcome");
        const parsed = parseRecordData("enforcement.outcome", r.data);
        if (!parsed.ok) throw new Error(parsed.detail);
        return parsed.value;
      });
    };

    beforeEach(() => {
      db = openStoreDatabase(tempDataDir());
      store = new DesiredStateStore(db);
      sessions = new SessionTable(db);
      journal = new Journal(db, { maxBytes: 1 << 26, groupCommitMs: 1, logger });
      accepts = new Accepts();
      client = new CoaClient({ timeoutMs: 150, retries: 1, logger });
      enforcer = new Enforcer({ store, sessions, journal, radiusServer: accepts, client, logger, concurrency: 4 });
      revision = 0;
      seen = 0;
      apply([upsert("nas", "core", nasEntry(nas.port)), upsert("nas", "dead", nasEntry(silent.port))]);
    });
    afterEach(async () => {
      enforcer.close();
      await client.close();
      journal.close();
      db.close();
    });

    test("isolated → Disconnect reaches the NAS, ACK journaled, session gone, then the re-auth", async () => {
      apply([upsert("subscriber", "sub-1", subscriber("budi"))]);
      online("sub-1", "budi");
      const before = Date.now();
      apply([upsert("subscriber", "sub-1", subscriber("budi", { status: "isolated" }))]);
      const [first, ...rest] = await outcomes();
      expect(rest).toEqual([]);
      expect(first).toMatchObject({
        subscriptionId: "sub-1",
        revision: 4,
        reason: "isolated",
        action: "disconnect",
        outcome: "ack",
        sessionId: "budi-s1",
        nasId: "core",
        attempts: 1,
        errorCause: null,
      });
      expect(Date.parse(first?.requestedAt as string)).toBeGreaterThanOrEqual(before - 1);
      expect(Date.parse(first?.completedAt as string)).toBeGreaterThanOrEqual(Date.parse(first?.requestedAt as string));
      const got = await nas.waitFor((r) => r.sessionId === "budi-s1");
      expect(got).toMatchObject({
        code: "Disconnect-Request",
        userName: "budi",
        framedIp: "10.9.0.1",
        nasIp: "192.0.2.1",
      });
      expect(sessions.forSubscription("sub-1")).toEqual([]);

      accepts.emit("someone-else");
      accepts.emit("sub-1");
      accepts.emit("sub-1");
      const reauth = await outcomes();
      expect(reauth).toHaveLength(1);
      expect(reauth[0]).toMatchObject({ subscriptionId: "sub-1", revision: 4, reason: "isolated", outcome: "reauth" });

      // Restored: the same path, reason restored.
      online("sub-1", "budi", "core", 2);
      apply([upsert("subscriber", "sub-1", subscriber("budi"))]);
      expect(await outcomes()).toMatchObject([{ reason: "restored", outcome: "ack", sessionId: "budi-s2" }]);
    });

    test("a change applied but not yet acted on when the agent stops is acted on when it starts again", async () => {
      const queued = () => (db.db.query("select count(*) as n from enforcement_queue").get() as { n: number }).n;
      apply([upsert("subscriber", "sub-9", subscriber("joko"))]);
      online("sub-9", "joko");
      // Applied, and the agent stops before the loop gets to it: nothing reaches the NAS.
      apply([upsert("subscriber", "sub-9", subscriber("joko", { status: "isolated" }))]);
      enforcer.close();
      expect(await outcomes()).toEqual([]);
      expect(queued()).toBe(1);

      // The next start (a new loop on the same store) owes it still, and acts.
      enforcer = new Enforcer({ store, sessions, journal, radiusServer: accepts, client, logger, concurrency: 4 });
      expect(await outcomes()).toMatchObject([
        { subscriptionId: "sub-9", revision: 4, reason: "isolated", action: "disconnect", outcome: "ack" },
      ]);
      expect((await nas.waitFor((r) => r.sessionId === "joko-s1")).code).toBe("Disconnect-Request");
      // Acted on once (the row goes with the next group of deletes, at the latest when it stops):
      // a third start owes nothing.
      enforcer.close();
      expect(queued()).toBe(0);
      enforcer = new Enforcer({ store, sessions, journal, radiusServer: accepts, client, logger, concurrency: 4 });
      expect(await outcomes()).toEqual([]);
    });

    test("plan rate change → CoA with the new Mikrotik-Rate-Limit; the session stays", async () => {
      apply([upsert("subscriber", "sub-2", subscriber("sari"))]);
      online("sub-2", "sari");
      const faster = { ...plan, downloadKbps: 20_000, uploadKbps: 10_000, burstDownloadKbps: 40_000 };
      apply([upsert("subscriber", "sub-2", subscriber("sari", { plan: faster }))]);
      expect(await outcomes()).toMatchObject([
        { subscriptionId: "sub-2", reason: "plan_changed", action: "coa", outcome: "ack", sessionId: "sari-s1" },
      ]);
      const got = await nas.waitFor((r) => r.sessionId === "sari-s1");
      expect(got.code).toBe("CoA-Request");
      expect(got.rateLimit).toBe(mikrotikRateLimit(faster) as string);
      expect(sessions.forSubscription("sub-2")).toHaveLength(1);

      // A change the network need not hear of (the plan's name) does nothing.
      apply([upsert("subscriber", "sub-2", subscriber("sari", { plan: { ...faster, name: "20M" } }))]);
      expect(await outcomes()).toEqual([]);
    });

    test("CoA NAK → falls back to Disconnect; both journaled with the Error-Cause", async () => {
      apply([upsert("subscriber", "sub-3", subscriber("nak-user"))]);
      online("sub-3", "nak-user");
      apply([upsert("subscriber", "sub-3", subscriber("nak-user", { plan: { ...plan, downloadKbps: 1_000 } }))]);
      expect(await outcomes()).toMatchObject([
        { action: "coa", outcome: "nak", errorCause: 503, errorCauseName: "Session-Context-Not-Found" },
        { action: "disconnect", outcome: "nak", errorCause: 503, detail: "after CoA-NAK" },
      ]);
      // Not acknowledged: the local session is not dropped on the NAS's word that it failed.
      expect(sessions.forSubscription("sub-3")).toHaveLength(1);
    });

    test("no session → not_online; a session on an unknown NAS → no_nas; terminated → Disconnect", async () => {
      apply([
        upsert("subscriber", "sub-4", subscriber("dewi")),
        upsert("subscriber", "sub-5", subscriber("eko")),
        upsert("subscriber", "sub-6", subscriber("fajar")),
      ]);
      online("sub-5", "eko", "gone-router");
      online("sub-6", "fajar");
      apply([
        upsert("subscriber", "sub-4", subscriber("dewi", { status: "isolated" })),
        upsert("subscriber", "sub-5", subscriber("eko", { status: "isolated" })),
        { kind: "subscriber", key: "sub-6", op: "delete" as const, data: null },
      ]);
      const got = await outcomes();
      const by = (id: string) => got.filter((r) => r.subscriptionId === id);
      expect(by("sub-4")).toMatchObject([
        { outcome: "not_online", action: "disconnect", sessionId: null, attempts: 0 },
      ]);
      expect(by("sub-5")).toMatchObject([{ outcome: "no_nas", nasId: "gone-router", sessionId: "eko-s1" }]);
      expect(by("sub-6")).toMatchObject([{ outcome: "ack", reason: "terminated", sessionId: "fajar-s1" }]);
    });

    test("timeout → reported as timeout after every retry, then the re-auth when a login is seen", async () => {
      apply([upsert("subscriber", "sub-7", subscriber("gita"))]);
      online("sub-7", "gita", "dead");
      apply([upsert("subscriber", "sub-7", subscriber("gita", { status: "isolated" }))]);
      const [timedOut] = await outcomes();
      expect(timedOut).toMatchObject({ outcome: "timeout", attempts: 2, nasId: "dead", reason: "isolated" });
      expect(sessions.forSubscription("sub-7")).toHaveLength(1);
      accepts.emit("sub-7", "core");
      expect(await outcomes()).toMatchObject([
        { subscriptionId: "sub-7", outcome: "reauth", nasId: "core", revision: 4 },
      ]);
    });

    test("a NAS mid-rotation still holding the previous secret: tried with it after the new one times out", async () => {
      const until = new Date(Date.now() + 60_000).toISOString();
      apply([
        upsert(
          "nas",
          "core",
          nasEntry(nas.port, { secret: "the-new-secret", previousSecret: SECRET, previousSecretValidUntil: until }),
        ),
        upsert("subscriber", "sub-8", subscriber("hadi")),
      ]);
      online("sub-8", "hadi");
      apply([upsert("subscriber", "sub-8", subscriber("hadi", { status: "isolated" }))]);
      expect(await outcomes()).toMatchObject([{ outcome: "ack", attempts: 3 }]);
    });

    test("bounded concurrency: a plan edit touching many subscribers keeps at most 4 requests in flight", async () => {
      const ids = Array.from({ length: 12 }, (_, i) => `bulk-${i}`);
      apply(ids.map((id) => upsert("subscriber", id, subscriber(id))));
      for (const id of ids) online(id, id, "dead");
      const start = silent.got.length;
      apply(ids.map((id) => upsert("subscriber", id, subscriber(id, { plan: { ...plan, uploadKbps: 7_000 } }))));
      await Bun.sleep(60);
      // 4 requests sent; the other 8 wait for a slot (each slot holds 150 ms × 2 transmissions).
      expect(silent.got.length - start).toBe(4);
      const got = await outcomes();
      expect(got).toHaveLength(12);
      expect(got.every((r) => r.outcome === "timeout" && r.action === "coa")).toBe(true);
    });

    test("kick: Disconnect one session, the NAS's answer as the result", async () => {
      apply([
        upsert("subscriber", "sub-9", subscriber("indah")),
        upsert("subscriber", "sub-10", subscriber("nak-user")),
      ]);
      online("sub-9", "indah");
      const kick = kickHandler({ store, sessions, journal, client, logger });
      const args = { subscriptionId: null, nasId: "core", sessionId: "indah-s1", userName: null, framedIp: null };
      expect(await kick(args)).toEqual({ outcome: "ack", errorCause: null, errorCauseName: null, attempts: 1 });
      expect(sessions.get("core", "indah-s1")).toBeNull();
      const got = await nas.waitFor((r) => r.sessionId === "indah-s1");
      expect(got).toMatchObject({
        code: "Disconnect-Request",
        userName: "indah",
        framedIp: "10.9.0.1",
        nasIp: "192.0.2.1",
      });
      expect(await outcomes()).toMatchObject([{ subscriptionId: "sub-9", reason: "kick", outcome: "ack" }]);

      expect(await kick({ ...args, sessionId: "x", userName: "nak-user", subscriptionId: "sub-10" })).toEqual({
        outcome: "nak",
        errorCause: 503,
        errorCauseName: "Session-Context-Not-Found",
        attempts: 1,
      });
      expect(await kick({ ...args, nasId: "unknown" })).toMatchObject({ outcome: "no_nas", attempts: 0 });
      await expect(kick({ ...args, sessionId: 42 })).rejects.toThrow("invalid kick arguments: sessionId");
      await expect(kick({ ...args, extra: true })).rejects.toThrow("invalid kick arguments");
    });
  });
}
