// Accounting through the real server: radclient (and a bare UDP socket where the exact bytes
// or the moment of the reply matter) as the NAS; the real journal and session table behind it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { requirePeer } from "../../../../tests/support/peers.ts";
import { removeTempDirs } from "../../testing/fixtures.ts";
import { eventually } from "../../testing/logs.ts";
import { type AttributeInput, encodeRequest, PacketCode } from "../packet/index.ts";
import {
  nasState,
  radclient,
  rawClient,
  SECRET,
  startTestSite,
  subscriberState,
  type TestSite,
} from "../server/test-site.ts";

const acctRequest = (identifier: number, attributes: AttributeInput[]) =>
  encodeRequest({
    code: PacketCode.AccountingRequest,
    identifier,
    attributes,
    secret: Buffer.from(SECRET),
    messageAuthenticator: false,
  });

const GIGA = 2 ** 32;

if (requirePeer("radclient", Boolean(Bun.which("radclient")), "apt-get install freeradius-utils")) {
  describe("accounting", () => {
    let site: TestSite;
    let acct: string;
    const stats = () => site.radius.stats();

    beforeAll(async () => {
      site = await startTestSite({
        entries: [
          ["nas", "nas-core", nasState()],
          ["nas", "nas-edge", nasState({ name: "edge", address: "127.0.0.2" })],
          ["subscriber", "sub-budi", subscriberState("budi", "rahasia")],
        ],
      });
      acct = `127.0.0.1:${site.radius.acctPort}`;
    });
    afterAll(async () => {
      await site.close();
      removeTempDirs();
    });

    test("Start, Interim-Update (with Gigawords), Stop: each journaled, the session table follows", async () => {
      const start = await radclient(acct, "acct", [
        'User-Name = "budi"',
        "Acct-Status-Type = Start",
        'Acct-Session-Id = "s-1"',
        "Framed-IP-Address = 100.64.0.7",
        'Calling-Station-Id = "AA:BB:CC:00:11:22"',
        "NAS-IP-Address = 10.9.9.9",
      ]);
      expect(start.out).toContain("Received Accounting-Response");
      const [first] = site.records("radius.accounting");
      expect(first).toMatchObject({
        nasId: "nas-core",
        nasIp: "10.9.9.9",
        statusType: "Start",
        sessionId: "s-1",
        userName: "budi",
        // No Class: found by the PPPoE User-Name.
        subscriptionId: "sub-budi",
        framedIp: "100.64.0.7",
        callingStationId: "AA:BB:CC:00:11:22",
      });
      expect(site.radius.sessions.get("nas-core", "s-1")).toMatchObject({
        subscriptionId: "sub-budi",
        framedIp: "100.64.0.7",
      });

      const interim = await radclient(acct, "acct", [
        'User-Name = "budi"',
        "Acct-Status-Type = Interim-Update",
        'Acct-Session-Id = "s-1"',
        "Acct-Session-Time = 60",
        "Acct-Input-Octets = 5",
        "Acct-Input-Gigawords = 2",
        "Acct-Output-Octets = 7",
        "Acct-Output-Gigawords = 1",
        "Acct-Input-Packets = 11",
        `Class = 0x${Buffer.from("k1:s:sub-budi").toString("hex")}`,
      ]);
      expect(interim.out).toContain("Received Accounting-Response");
      expect(site.records("radius.accounting")[1]).toMatchObject({
        statusType: "Interim-Update",
        sessionTime: 60,
        inputOctets: 2 * GIGA + 5,
        outputOctets: GIGA + 7,
        inputPackets: 11,
      });
      expect(site.radius.sessions.get("nas-core", "s-1")).toMatchObject({
        inputOctets: 2 * GIGA + 5,
        outputOctets: GIGA + 7,
      });

      const stop = await radclient(acct, "acct", [
        'User-Name = "budi"',
        "Acct-Status-Type = Stop",
        'Acct-Session-Id = "s-1"',
        "Acct-Terminate-Cause = User-Request",
        `Class = 0x${Buffer.from("k1:v:VOUCHER1").toString("hex")}`,
      ]);
      expect(stop.out).toContain("Received Accounting-Response");
      expect(site.records("radius.accounting")[2]).toMatchObject({
        statusType: "Stop",
        terminateCause: "User-Request",
        // Class, when ours, wins over the User-Name.
        subscriptionId: null,
        voucherCode: "VOUCHER1",
      });
      expect(site.radius.sessions.get("nas-core", "s-1")).toBeNull();
    });

    test("the record is in the journal when the Accounting-Response arrives", async () => {
      const seenAtReply: number[] = [];
      const client = await rawClient("127.0.0.1", () => seenAtReply.push(site.records("radius.accounting").length));
      try {
        const before = site.records("radius.accounting").length;
        for (let i = 0; i < 5; i++) {
          await client.send(
            acctRequest(40 + i, [
              ["User-Name", "budi"],
              ["Acct-Status-Type", "Start"],
              ["Acct-Session-Id", `burst-${i}`],
            ]),
            site.radius.acctPort,
          );
          expect(await client.next(2_000)).not.toBeNull();
        }
        expect(seenAtReply).toEqual([before + 1, before + 2, before + 3, before + 4, before + 5]);
      } finally {
        await client.close();
      }
    });

    test("a retransmit (same Identifier and authenticator) is answered from the cache and journaled once", async () => {
      const client = await rawClient();
      try {
        const request = acctRequest(77, [
          ["User-Name", "budi"],
          ["Acct-Status-Type", "Interim-Update"],
          ["Acct-Session-Id", "r-1"],
          ["Acct-Input-Octets", 1000],
        ]);
        const before = { records: site.records("radius.accounting").length, ...stats() };
        // The copy arrives while the first waits for its commit: dropped, not worked on twice.
        await client.send(request, site.radius.acctPort);
        await client.send(request, site.radius.acctPort);
        const first = await client.next(2_000);
        expect(await client.next(300)).toBeNull();
        expect(stats().dropped["duplicate-in-progress"] ?? 0).toBe((before.dropped["duplicate-in-progress"] ?? 0) + 1);
        // Once answered, a copy gets the same reply again.
        await client.send(request, site.radius.acctPort);
        const again = await client.next(2_000);
        expect(again?.equals(first as Buffer)).toBe(true);
        expect(stats().resent).toBe(before.resent + 1);
        expect(site.records("radius.accounting").length).toBe(before.records + 1);
      } finally {
        await client.close();
      }
    });

    test("a copy with a bumped Acct-Delay-Time (new Identifier) is answered and not journaled again", async () => {
      const client = await rawClient();
      try {
        const base: AttributeInput[] = [
          ["User-Name", "budi"],
          ["Acct-Status-Type", "Interim-Update"],
          ["Acct-Session-Id", "d-1"],
          ["Acct-Input-Octets", 2000],
        ];
        const before = site.records("radius.accounting").length;
        await client.send(acctRequest(90, [...base, ["Acct-Delay-Time", 0]]), site.radius.acctPort);
        expect(await client.next(2_000)).not.toBeNull();
        await client.send(acctRequest(91, [...base, ["Acct-Delay-Time", 5]]), site.radius.acctPort);
        expect(await client.next(2_000)).not.toBeNull();
        const records = site.records("radius.accounting");
        expect(records.length).toBe(before + 1);
        expect(stats().accounting.repeated).toBeGreaterThanOrEqual(1);
      } finally {
        await client.close();
      }
    });

    test("eventAt: Event-Timestamp when sent, else the receipt minus Acct-Delay-Time", async () => {
      await radclient(acct, "acct", [
        'User-Name = "budi"',
        "Acct-Status-Type = Interim-Update",
        'Acct-Session-Id = "t-1"',
        "Event-Timestamp = 1700000000",
      ]);
      expect(site.records("radius.accounting").at(-1)?.eventAt).toBe("2023-11-14T22:13:20.000Z");
      await radclient(acct, "acct", [
        'User-Name = "budi"',
        "Acct-Status-Type = Interim-Update",
        'Acct-Session-Id = "t-2"',
        "Acct-Delay-Time = 30",
      ]);
      const last = site.records("radius.accounting").at(-1) as { eventAt: string; receivedAt: string };
      expect(Date.parse(last.receivedAt) - Date.parse(last.eventAt)).toBe(30_000);
    });

    test("Accounting-On closes that NAS's sessions (journaled as nas_restart), not another NAS's", async () => {
      const edge = await rawClient("127.0.0.2");
      try {
        await radclient(acct, "acct", [
          'User-Name = "budi"',
          "Acct-Status-Type = Start",
          'Acct-Session-Id = "on-core"',
        ]);
        await edge.send(
          acctRequest(5, [
            ["User-Name", "sari"],
            ["Acct-Status-Type", "Start"],
            ["Acct-Session-Id", "on-edge"],
          ]),
          site.radius.acctPort,
          "127.0.0.1",
        );
        expect(await edge.next(2_000)).not.toBeNull();
        const coreSessions = site.radius.sessions.all().filter((s) => s.nasId === "nas-core");
        expect(coreSessions.length).toBeGreaterThan(0);

        const on = await radclient(acct, "acct", ["Acct-Status-Type = Accounting-On", "NAS-IP-Address = 127.0.0.1"]);
        expect(on.out).toContain("Received Accounting-Response");
        expect(site.radius.sessions.all().filter((s) => s.nasId === "nas-core")).toEqual([]);
        expect(site.radius.sessions.get("nas-edge", "on-edge")).not.toBeNull();
        const closed = site.records("radius.session_closed");
        expect(closed.map((c) => c.sessionId).sort()).toEqual(coreSessions.map((s) => s.sessionId).sort());
        expect(closed.every((c) => c.reason === "nas_restart" && c.nasId === "nas-core")).toBe(true);
        expect(site.records("radius.accounting").at(-1)).toMatchObject({
          statusType: "Accounting-On",
          sessionId: null,
        });
      } finally {
        await edge.close();
      }
    });

    test("a status type with no record (Failed) is answered, not journaled; none at all gets no reply", async () => {
      const before = site.records("radius.accounting").length;
      const failed = await radclient(acct, "acct", ['User-Name = "budi"', "Acct-Status-Type = Failed"]);
      expect(failed.out).toContain("Received Accounting-Response");
      const none = await radclient(acct, "acct", ['User-Name = "budi"', 'Acct-Session-Id = "x"']);
      expect(none.out).toContain("No reply");
      expect(site.records("radius.accounting").length).toBe(before);
      expect(stats().accounting.ignored).toBe(1);
      expect(stats().dropped["no-status-type"]).toBe(1);
    });
  });

  describe("accounting when the journal is full", () => {
    test("no Accounting-Response (the NAS retries), an error line with the journal's status; answered once there is room", async () => {
      const site = await startTestSite({ journalMaxBytes: 1024 });
      try {
        const acct = `127.0.0.1:${site.radius.acctPort}`;
        const seqs: number[] = [];
        for (;;) {
          try {
            seqs.push(await site.journal.append("test.fill", { pad: "x".repeat(100) }));
          } catch {
            break;
          }
        }
        const attrs = ['User-Name = "budi"', "Acct-Status-Type = Start", 'Acct-Session-Id = "full-1"'];
        const r = await radclient(acct, "acct", attrs);
        expect(r.out).toContain("No reply");
        expect(site.records("radius.accounting")).toEqual([]);
        expect(site.radius.stats().dropped["journal-full"]).toBeGreaterThanOrEqual(1);
        expect(site.radius.stats().accounting.journalFull).toBeGreaterThanOrEqual(1);
        const line = site.logs.find("the journal is full")[0];
        expect(line?.level).toBe("error");
        expect(line?.journal).toMatchObject({ capBytes: 1024 });
        expect(site.radius.sessions.get("nas-core", "full-1")).toBeNull();

        site.journal.ack([[seqs[0] as number, seqs.at(-1) as number]]);
        const retry = await radclient(acct, "acct", attrs);
        expect(retry.out).toContain("Received Accounting-Response");
        expect(site.records("radius.accounting")).toHaveLength(1);
      } finally {
        await site.close();
        removeTempDirs();
      }
    });
  });

  describe("the stale sweep", () => {
    test("a session silent for 3 interim intervals is closed and journaled as stale", async () => {
      const site = await startTestSite({ sweepIntervalMs: 50 });
      try {
        const old = new Date(Date.now() - 3_600_000).toISOString();
        const fresh = new Date().toISOString();
        for (const [sessionId, lastSeenAt] of [
          ["gone", old],
          ["alive", fresh],
        ] as const) {
          site.radius.sessions.upsert({
            nasId: "nas-core",
            sessionId,
            nasIp: "127.0.0.1",
            userName: "budi",
            subscriptionId: null,
            voucherCode: null,
            framedIp: null,
            callingStationId: null,
            startedAt: old,
            lastSeenAt,
            interimSeconds: null,
            inputOctets: 0,
            outputOctets: 0,
          });
        }
        const [closed] = await eventually("a stale record", () => {
          const records = site.records("radius.session_closed");
          return records.length > 0 && records;
        });
        expect(closed).toMatchObject({ sessionId: "gone", reason: "stale", lastSeenAt: old });
        expect(site.radius.sessions.get("nas-core", "gone")).toBeNull();
        expect(site.radius.sessions.get("nas-core", "alive")).not.toBeNull();
        expect(site.radius.stats().accounting.closedStale).toBe(1);
      } finally {
        await site.close();
        removeTempDirs();
      }
    });
  });
}
