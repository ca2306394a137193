// The agent's RADIUS server (startRadius: NAS table, real Authorizer, real journal) against
// FreeRADIUS's radclient as the NAS, and against a bare UDP socket where the exact bytes matter.
// radclient 3.2 checks each reply's Response Authenticator and Message-Authenticator itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { requirePeer } from "../../../../tests/support/peers.ts";
import { removeTempDirs } from "../../testing/fixtures.ts";
import { encodeMsChap2Response } from "../auth/mschap-v2.ts";
import { encodeUserPassword } from "../auth/user-password.ts";
import { plan, voucher } from "../authorize/authorize.fixtures.ts";
import { type AttributeInput, decodePacket, encodeRequest, PacketCode, verifyResponse } from "../packet/index.ts";
import type { AccessAccepted } from "./radius-server.ts";
import { nasState, radclient, rawClient, SECRET, startTestSite, subscriberState, type TestSite } from "./test-site.ts";

/** The attribute lines radclient printed under "Received …", in order. */
function received(out: string): string[] {
  const at = out.indexOf("Received ");
  if (at < 0) return [];
  return out
    .slice(at)
    .split("\n")
    .slice(1)
    .filter((l) => l.startsWith("\t"))
    .map((l) => l.trim());
}

const MA = "Message-Authenticator = 0x00";

if (requirePeer("radclient", Boolean(Bun.which("radclient")), "apt-get install freeradius-utils")) {
  describe("the RADIUS server against radclient", () => {
    let site: TestSite;
    let auth: string;
    let acct: string;
    const accepted: AccessAccepted[] = [];
    const dropped = (reason: string) => site.radius.stats().dropped[reason] ?? 0;
    const setNas = (over: Parameters<typeof nasState>[0]) => site.apply([["nas", "nas-core", nasState(over)]]);

    beforeAll(async () => {
      site = await startTestSite({
        entries: [
          ["nas", "nas-core", nasState()],
          ["subscriber", "sub-budi", subscriberState("budi", "rahasia")],
          ["subscriber", "sub-sari", subscriberState("sari", "chap-pass")],
          ["subscriber", "sub-dewi", subscriberState("dewi", "mschap-pass")],
        ],
      });
      auth = `127.0.0.1:${site.radius.authPort}`;
      acct = `127.0.0.1:${site.radius.acctPort}`;
      site.radius.server.onAccessAccepted((e) => accepted.push(e));
    });
    afterAll(async () => {
      await site.close();
      removeTempDirs();
    });

    test("Status-Server: Access-Accept on the auth port, Accounting-Response on the accounting port", async () => {
      const a = await radclient(auth, "status", [MA]);
      expect(a.out).toContain("Received Access-Accept");
      expect(received(a.out)[0]).toMatch(/^Message-Authenticator = 0x[0-9a-f]{32}$/);
      const b = await radclient(acct, "status", [MA]);
      expect(b.out).toContain("Received Accounting-Response");
      expect(b.out).not.toMatch(/invalid|verification failed/i);
    });

    test.each([
      ["PAP", "budi", (pw: string) => `User-Password = "${pw}"`, "rahasia"],
      ["CHAP", "sari", (pw: string) => `CHAP-Password = "${pw}"`, "chap-pass"],
      ["MS-CHAPv1", "dewi", (pw: string) => `MS-CHAP-Password = "${pw}"`, "mschap-pass"],
    ])("%s: the right password gets the plan with MA first; a wrong one is rejected", async (_, user, cred, pw) => {
      const ok = await radclient(auth, "auth", [`User-Name = "${user}"`, cred(pw), MA]);
      expect(ok.out).toContain("Received Access-Accept");
      expect(ok.out).not.toMatch(/invalid|verification failed/i);
      const lines = received(ok.out);
      expect(lines[0]).toMatch(/^Message-Authenticator = 0x[0-9a-f]{32}$/);
      expect(lines).toContain('Framed-Pool = "pool-10m"');
      expect(lines).toContain(`Class = 0x${Buffer.from(`k1:s:sub-${user}`).toString("hex")}`);
      const bad = await radclient(auth, "auth", [`User-Name = "${user}"`, cred(`${pw}x`), MA]);
      expect(bad.out).toContain("Received Access-Reject");
      expect(received(bad.out)[0]).toMatch(/^Message-Authenticator = 0x[0-9a-f]{32}$/);
    });

    test("MS-CHAPv2: Access-Accept with MS-CHAP2-Success and MPPE keys", async () => {
      const challenge = Buffer.alloc(16, 0x5b);
      const response = encodeMsChap2Response({
        ident: 3,
        authenticatorChallenge: challenge,
        peerChallenge: Buffer.alloc(16, 0x21),
        userName: "dewi",
        password: "mschap-pass",
      });
      const r = await radclient(auth, "auth", [
        'User-Name = "dewi"',
        `MS-CHAP-Challenge = 0x${challenge.toString("hex")}`,
        `MS-CHAP2-Response = 0x${response.toString("hex")}`,
        MA,
      ]);
      expect(r.out).toContain("Received Access-Accept");
      expect(r.out).toMatch(/MS-CHAP2-Success = 0x03/);
      expect(r.out).toMatch(/MS-MPPE-Send-Key = 0x[0-9a-f]{32}/i);
    });

    test("no credential, or two at once: Access-Reject", async () => {
      const none = await radclient(auth, "auth", ['User-Name = "budi"', MA]);
      expect(none.out).toContain("Received Access-Reject");
      const both = await radclient(auth, "auth", [
        'User-Name = "budi"',
        'User-Password = "rahasia"',
        `CHAP-Password = 0x01${"ab".repeat(16)}`,
        MA,
      ]);
      expect(both.out).toContain("Received Access-Reject");
    });

    test("a NAS requiring MA: a request without one, or with a wrong one, gets no reply", async () => {
      const missing = dropped("missing-message-authenticator");
      const r = await radclient(auth, "auth", ['User-Name = "budi"', 'User-Password = "rahasia"']);
      expect(r.out).toContain("No reply");
      expect(dropped("missing-message-authenticator")).toBe(missing + 1);
      const bad = dropped("bad-message-authenticator");
      const wrong = await radclient(auth, "auth", ['User-Name = "budi"', 'User-Password = "rahasia"', MA], {
        secret: "not-the-secret",
      });
      expect(wrong.out).toContain("No reply");
      expect(dropped("bad-message-authenticator")).toBe(bad + 1);
    });

    test("limit_proxy_state: Proxy-State without MA is dropped; without Proxy-State it is answered", async () => {
      setNas({ requireMessageAuthenticator: false });
      try {
        const before = dropped("proxy-state-without-message-authenticator");
        const r = await radclient(auth, "auth", [
          'User-Name = "budi"',
          'User-Password = "rahasia"',
          "Proxy-State = 0x6869",
        ]);
        expect(r.out).toContain("No reply");
        expect(dropped("proxy-state-without-message-authenticator")).toBe(before + 1);
        const plain = await radclient(auth, "auth", ['User-Name = "budi"', 'User-Password = "rahasia"']);
        expect(plain.out).toContain("Received Access-Accept");
        // The reply still carries MA first, though the request had none.
        expect(received(plain.out)[0]).toMatch(/^Message-Authenticator = /);
      } finally {
        setNas({});
      }
    });

    test("an unknown source gets no reply; the NAS table follows the desired state", async () => {
      const before = dropped("unknown-source");
      setNas({ address: "127.0.0.9" });
      try {
        const r = await radclient(auth, "status", [MA]);
        expect(r.out).toContain("No reply");
        const a = await radclient(acct, "acct", [
          'User-Name = "budi"',
          "Acct-Status-Type = Start",
          'Acct-Session-Id = "x"',
        ]);
        expect(a.out).toContain("No reply");
        expect(dropped("unknown-source")).toBe(before + 2);
      } finally {
        setNas({});
      }
      expect((await radclient(auth, "status", [MA])).out).toContain("Received Access-Accept");
      // A datagram from another loopback address is as unknown, whatever it carries.
      const stranger = await rawClient("127.0.0.2");
      const request = encodeRequest({
        code: PacketCode.StatusServer,
        identifier: 1,
        attributes: [],
        secret: Buffer.from(SECRET),
      });
      await stranger.send(request, site.radius.authPort);
      expect(await stranger.next(300)).toBeNull();
      await stranger.close();
      expect(dropped("unknown-source")).toBe(before + 3);
      expect(site.records("radius.accounting")).toEqual([]);
    });

    test("secret rotation: the previous secret works until its window ends", async () => {
      setNas({
        previousSecret: "the-old-secret-0123456789",
        previousSecretValidUntil: new Date(Date.now() + 60_000).toISOString(),
      });
      try {
        const attrs = ['User-Name = "budi"', 'User-Password = "rahasia"', MA];
        const old = await radclient(auth, "auth", attrs, { secret: "the-old-secret-0123456789" });
        expect(old.out).toContain("Received Access-Accept");
        expect(old.out).not.toMatch(/invalid|verification failed/i);
        setNas({
          previousSecret: "the-old-secret-0123456789",
          previousSecretValidUntil: new Date(Date.now() - 1).toISOString(),
        });
        const late = await radclient(auth, "auth", attrs, { secret: "the-old-secret-0123456789" });
        expect(late.out).toContain("No reply");
      } finally {
        setNas({});
      }
    });

    test("every Access reply has MA as attribute #1 and it verifies; Proxy-State comes back", async () => {
      const client = await rawClient();
      const secret = Buffer.from(SECRET);
      try {
        for (const [identifier, password] of [
          [11, "rahasia"],
          [12, "wrong"],
        ] as const) {
          const sent = accessRequest(identifier, "budi", password, [["Proxy-State", Buffer.from("hop-1")]]);
          await client.send(sent, site.radius.authPort);
          const bytes = await client.next(2_000);
          expect(bytes).not.toBeNull();
          const reply = decodePacket(bytes as Buffer);
          if (!reply.ok) throw new Error(reply.error.message);
          const asked = decodePacket(sent);
          if (!asked.ok) throw new Error(asked.error.message);
          expect(reply.packet.code).toBe(password === "rahasia" ? PacketCode.AccessAccept : PacketCode.AccessReject);
          expect(reply.packet.attributes[0]?.name).toBe("Message-Authenticator");
          expect(verifyResponse(reply.packet, asked.packet, secret, { requireMessageAuthenticator: true })).toEqual({
            ok: true,
          });
          expect(reply.packet.attributes.filter((a) => a.name === "Proxy-State").map((a) => a.raw.toString())).toEqual([
            "hop-1",
          ]);
        }
      } finally {
        await client.close();
      }
    });

    test("a retransmitted Access-Request gets the same reply from the cache, authorized once", async () => {
      const client = await rawClient();
      try {
        const request = accessRequest(99, "budi", "rahasia");
        const before = site.radius.stats();
        await client.send(request, site.radius.authPort);
        const first = await client.next(2_000);
        await client.send(request, site.radius.authPort);
        const second = await client.next(2_000);
        expect(first).not.toBeNull();
        expect(second?.equals(first as Buffer)).toBe(true);
        const after = site.radius.stats();
        expect(after.accessAccepted).toBe(before.accessAccepted + 1);
        expect(after.resent).toBe(before.resent + 1);
      } finally {
        await client.close();
      }
    });

    test("a hotspot voucher: the Accept carries what its quota leaves; used up → Access-Reject saying so; expired → rejected", async () => {
      const withQuota = plan({ id: "plan-1m", type: "hotspot", quotaBytes: 1_000_000 });
      site.apply([
        ["voucher", "QUOTA1", voucher({ id: "voucher-quota", plan: withQuota })],
        ["voucher", "OLD1", voucher({ id: "voucher-old", state: "active", activatedAt: "2020-01-01T00:00:00.000Z" })],
      ]);
      const login = (code: string) =>
        radclient(auth, "auth", [`User-Name = "${code}"`, `User-Password = "${code}"`, MA]);
      const first = await login("QUOTA1");
      expect(first.out).toContain("Received Access-Accept");
      expect(received(first.out)).toContain("Mikrotik-Total-Limit = 1000000");
      const session = (type: string, octets: number) =>
        radclient(acct, "acct", [
          `Acct-Status-Type = ${type}`,
          'User-Name = "QUOTA1"',
          'Acct-Session-Id = "hs-quota-1"',
          `Class = 0x${Buffer.from("k1:v:QUOTA1").toString("hex")}`,
          `Acct-Input-Octets = ${octets}`,
          `Acct-Output-Octets = ${octets}`,
        ]);
      expect((await session("Start", 0)).out).toContain("Received Accounting-Response");
      expect((await session("Stop", 600_000)).out).toContain("Received Accounting-Response");
      const after = await login("QUOTA1");
      expect(after.out).toContain("Received Access-Reject");
      expect(received(after.out)).toContain('Reply-Message = "Voucher data quota used up"');
      const old = await login("OLD1");
      expect(old.out).toContain("Received Access-Reject");
      expect(received(old.out)).toContain('Reply-Message = "Voucher expired"');
    });

    test("onAccessAccepted tells who logged in, where, and when", async () => {
      const from = accepted.length;
      const t0 = Date.now();
      await radclient(auth, "auth", ['User-Name = "budi"', 'User-Password = "rahasia"', MA]);
      const event = accepted.slice(from).at(-1);
      expect(event).toMatchObject({
        subscriptionId: "sub-budi",
        voucherCode: null,
        userName: "budi",
        nasId: "nas-core",
      });
      expect(event?.at.getTime()).toBeGreaterThanOrEqual(t0 - 1);
    });
  });

  describe("IPv6", () => {
    test("bound to ::1, a NAS at ::1 is answered", async () => {
      const site = await startTestSite({
        entries: [["nas", "v6", nasState({ address: "::1" })]],
        radius: { bind: "::1" },
      });
      try {
        const r = await radclient(`[::1]:${site.radius.authPort}`, "status", [MA]);
        expect(r.out).toContain("Received Access-Accept");
      } finally {
        await site.close();
      }
    });

    test("bound to :: (dual stack), an IPv4 NAS arrives as ::ffff:127.0.0.1 and is still known", async () => {
      const site = await startTestSite({ radius: { bind: "::" } });
      try {
        const r = await radclient(`127.0.0.1:${site.radius.acctPort}`, "status", [MA]);
        expect(r.out).toContain("Received Accounting-Response");
      } finally {
        await site.close();
      }
    });
  });
}

/** An Access-Request as a NAS sends it: User-Password hidden under a fresh Request Authenticator. */
function accessRequest(identifier: number, user: string, password: string, extra: AttributeInput[] = []): Buffer {
  const authenticator = randomBytes(16);
  const secret = Buffer.from(SECRET);
  return encodeRequest({
    code: PacketCode.AccessRequest,
    identifier,
    authenticator,
    attributes: [
      ["User-Name", user],
      ["User-Password", encodeUserPassword(password, secret, authenticator) as Buffer],
      ...extra,
    ],
    secret,
  });
}
