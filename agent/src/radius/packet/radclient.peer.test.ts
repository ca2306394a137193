// The codec against a real RADIUS client: FreeRADIUS's radclient (Debian freeradius-utils) sends
// to a loopback responder made only of decode → validateRequest → encodeResponse. radclient 3.2
// checks the Response Authenticator and, when present, the Message-Authenticator of each reply,
// and prints the attributes it decoded with FreeRADIUS's own dictionaries.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { requirePeer } from "../../../../tests/support/peers.ts";
import { PacketCode } from "./codes.ts";
import type { RadiusPacket } from "./packet.ts";
import { type Reply, type Responder, startResponder } from "./test-responder.ts";
import type { NasSecurity } from "./validation.ts";

const SECRET = "testing123";
const OLD_SECRET = "rotated-out";

interface Ran {
  code: number;
  out: string;
}

async function radclient(port: number, kind: string, secret: string, attributes: string[]): Promise<Ran> {
  const proc = Bun.spawn(["radclient", "-x", "-r", "1", "-t", "1", `127.0.0.1:${port}`, kind, secret], {
    stdin: new Blob([`${attributes.join("\n")}\n`]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, out: stdout + stderr };
}

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

if (requirePeer("radclient", Boolean(Bun.which("radclient")), "apt-get install freeradius-utils")) {
  describe("radclient against the codec", () => {
    let responder: Responder;
    let now = Date.now();
    let replySecret: Buffer | undefined;
    const nas: NasSecurity = {
      secret: Buffer.from(SECRET),
      previousSecret: Buffer.from(OLD_SECRET),
      previousSecretValidUntil: now + 60_000,
      requireMessageAuthenticator: false,
      limitProxyState: true,
    };
    const answers: Record<number, (p: RadiusPacket) => Reply> = {
      [PacketCode.AccessRequest]: () => ({
        code: PacketCode.AccessAccept,
        attributes: [
          ["Mikrotik-Rate-Limit", "10M/10M"],
          ["Mikrotik-Address-List", "aktif"],
          ["MS-MPPE-Encryption-Policy", "Encryption-Required"],
          ["Framed-IP-Address", "100.64.1.2"],
          ["Session-Timeout", 86_400],
        ],
      }),
      [PacketCode.StatusServer]: () => ({ code: PacketCode.AccessAccept, attributes: [["Reply-Message", "up"]] }),
      [PacketCode.AccountingRequest]: () => ({ code: PacketCode.AccountingResponse, attributes: [] }),
      [PacketCode.CoaRequest]: () => ({ code: PacketCode.CoaAck, attributes: [] }),
      [PacketCode.DisconnectRequest]: () => ({
        code: PacketCode.DisconnectNak,
        attributes: [["Error-Cause", "Session-Context-Not-Found"]],
      }),
    };

    beforeAll(async () => {
      responder = await startResponder({
        nas,
        now: () => now,
        answer: (p) => {
          const reply = answers[p.code]?.(p) ?? null;
          return reply && replySecret ? { ...reply, secret: replySecret } : reply;
        },
      });
    });
    afterAll(() => responder.close());
    const last = () => responder.seen.at(-1);

    test("Access-Request with MA: an Access-Accept with MA first and MikroTik attributes, no complaint", async () => {
      const r = await radclient(responder.port, "auth", SECRET, [
        'User-Name = "budi"',
        'User-Password = "rahasia"',
        "Message-Authenticator = 0x00",
      ]);
      expect(r.out).not.toMatch(/verification failed|invalid Message-Authenticator|No reply/i);
      expect(r.code).toBe(0);
      expect(r.out).toContain("Received Access-Accept");
      const lines = received(r.out);
      expect(lines[0]).toMatch(/^Message-Authenticator = 0x[0-9a-f]{32}$/);
      expect(lines.slice(1)).toEqual([
        'Mikrotik-Rate-Limit = "10M/10M"',
        'Mikrotik-Address-List = "aktif"',
        "MS-MPPE-Encryption-Policy = Encryption-Required",
        "Framed-IP-Address = 100.64.1.2",
        "Session-Timeout = 86400",
      ]);
      expect(last()?.verdict).toMatchObject({ ok: true, signed: true, matched: "current" });
    });

    test("a reply signed with another secret makes radclient refuse it (the check above can fail)", async () => {
      replySecret = Buffer.from("not-the-nas-secret");
      try {
        const r = await radclient(responder.port, "auth", SECRET, [
          'User-Name = "budi"',
          "Message-Authenticator = 0x00",
        ]);
        expect(r.out).toMatch(/invalid Message-Authenticator/);
        expect(r.out).not.toContain("Received Access-Accept");
        expect(r.code).not.toBe(0);
      } finally {
        replySecret = undefined;
      }
    });

    test("a request signed with the wrong secret is dropped: radclient gets no reply", async () => {
      const r = await radclient(responder.port, "auth", "guessed", [
        'User-Name = "budi"',
        "Message-Authenticator = 0x00",
      ]);
      expect(r.out).toContain("No reply");
      expect(last()?.verdict).toEqual({ ok: false, reason: "bad-message-authenticator" });
    });

    test("secret rotation: the previous secret is answered, signed with it, until its window ends", async () => {
      const attrs = ['User-Name = "budi"', "Message-Authenticator = 0x00"];
      const inWindow = await radclient(responder.port, "auth", OLD_SECRET, attrs);
      expect(inWindow.out).toContain("Received Access-Accept");
      expect(inWindow.out).not.toMatch(/invalid|verification failed/i);
      expect(last()?.verdict).toMatchObject({ ok: true, matched: "previous" });
      now += 60_000;
      const after = await radclient(responder.port, "auth", OLD_SECRET, attrs);
      expect(after.out).toContain("No reply");
      expect(last()?.verdict).toEqual({ ok: false, reason: "bad-message-authenticator" });
    });

    test("Proxy-State without MA is dropped under limitProxyState; without Proxy-State it is answered", async () => {
      const dropped = await radclient(responder.port, "auth", SECRET, ['User-Name = "budi"', "Proxy-State = 0x6869"]);
      expect(dropped.out).toContain("No reply");
      expect(last()?.verdict).toEqual({ ok: false, reason: "proxy-state-without-message-authenticator" });
      const plain = await radclient(responder.port, "auth", SECRET, ['User-Name = "budi"', 'User-Password = "x"']);
      expect(plain.out).toContain("Received Access-Accept");
      expect(plain.out).not.toMatch(/invalid|verification failed/i);
      expect(last()?.verdict).toMatchObject({ ok: true, signed: false });
    });

    test("Proxy-State with MA is answered, and radclient sees it echoed", async () => {
      const r = await radclient(responder.port, "auth", SECRET, [
        'User-Name = "budi"',
        "Proxy-State = 0x6869",
        "Message-Authenticator = 0x00",
      ]);
      expect(r.out).toContain("Received Access-Accept");
      expect(received(r.out)).toContain("Proxy-State = 0x6869");
    });

    test("Status-Server (RFC 5997): answered with an Access-Accept radclient verifies; dropped unsigned", async () => {
      const r = await radclient(responder.port, "status", SECRET, [
        'Reply-Message = "ping"',
        "Message-Authenticator = 0x00",
      ]);
      expect(r.out).not.toMatch(/invalid|verification failed|No reply/i);
      expect(r.out).toContain("Received Access-Accept");
      expect(received(r.out)).toEqual([expect.stringMatching(/^Message-Authenticator = 0x/), 'Reply-Message = "up"']);
      // radclient 3.2.1 does not add one by itself; RFC 5997 §3 says such a request is discarded.
      const unsigned = await radclient(responder.port, "status", SECRET, ['Reply-Message = "ping"']);
      expect(unsigned.out).toContain("No reply");
      expect(last()?.verdict).toEqual({ ok: false, reason: "missing-message-authenticator" });
    });

    test("Accounting-Request: radclient's Request Authenticator validates; our Accounting-Response verifies", async () => {
      const r = await radclient(responder.port, "acct", SECRET, [
        "Acct-Status-Type = Interim-Update",
        'Acct-Session-Id = "81a00001"',
        "Acct-Input-Octets = 1000",
        "Acct-Input-Gigawords = 2",
        'User-Name = "budi"',
      ]);
      expect(r.out).not.toMatch(/invalid|verification failed|No reply/i);
      expect(r.out).toContain("Received Accounting-Response");
      expect(last()?.verdict).toMatchObject({ ok: true, signed: true, matched: "current" });
      expect(last()?.packet?.attributes.find((a) => a.name === "Acct-Status-Type")?.value).toBe(3);
      const wrong = await radclient(responder.port, "acct", "guessed", ["Acct-Status-Type = Start"]);
      expect(wrong.out).toContain("No reply");
      expect(last()?.verdict).toEqual({ ok: false, reason: "bad-request-authenticator" });
    });

    test("CoA-Request and Disconnect-Request (RFC 5176): validated, answered, verified by radclient", async () => {
      const coa = await radclient(responder.port, "coa", SECRET, [
        'User-Name = "budi"',
        'Mikrotik-Rate-Limit = "1M/1M"',
      ]);
      expect(coa.out).not.toMatch(/invalid|verification failed|No reply/i);
      expect(coa.out).toContain("Received CoA-ACK");
      expect(last()?.packet?.attributes.find((a) => a.name === "Mikrotik-Rate-Limit")?.value).toBe("1M/1M");
      const dm = await radclient(responder.port, "disconnect", SECRET, ['Acct-Session-Id = "81a00001"']);
      expect(dm.out).toContain("Received Disconnect-NAK");
      expect(received(dm.out)).toEqual(["Error-Cause = Session-Context-Not-Found"]);
    });
  });
}
