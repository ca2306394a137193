// The CoA/Disconnect client against a real NAS stand-in (FreeRADIUS's `coa` virtual server,
// tests/support/mock-nas.ts) for the ACK and NAK paths, and against loopback sockets of our own
// for what no honest NAS does: never answering, and answering with forged replies.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createSocket, type Socket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { createLogger } from "@kilusi/shared/logger";
import { freeradiusHint, freeradiusInstalled, type MockNas, startMockNas } from "../../../../tests/support/mock-nas.ts";
import { requirePeer } from "../../../../tests/support/peers.ts";
import { decodePacket, encodeResponse, PacketCode, type RadiusPacket } from "../packet/index.ts";
import { CoaClient } from "./coa-client.ts";
import { IdentifierPool } from "./identifier-pool.ts";

const SECRET = "mock-nas-secret-0123456789";
const logger = createLogger({ name: "test", level: "silent" });
const session = (userName: string, n = 1) => ({
  userName,
  sessionId: `81a0000${n}`,
  framedIp: `10.20.0.${n}`,
  nasIp: "192.0.2.1",
});

/** A loopback UDP socket that records what it gets and answers with `reply` (or not at all). */
async function udpPeer(reply?: (request: RadiusPacket, datagram: Buffer) => Buffer[]) {
  const socket: Socket = createSocket("udp4");
  const got: Buffer[] = [];
  socket.on("message", (datagram, from) => {
    got.push(datagram);
    const decoded = decodePacket(datagram);
    if (!reply || !decoded.ok) return;
    for (const out of reply(decoded.packet, datagram)) socket.send(out, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  return {
    port: (socket.address() as AddressInfo).port,
    got,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

describe("identifier pool", () => {
  test("hands out 256 distinct identifiers, then waits for a release", async () => {
    const pool = new IdentifierPool();
    const ids = await Promise.all(Array.from({ length: 256 }, () => pool.acquire()));
    expect(new Set(ids).size).toBe(256);
    let next: number | undefined;
    const waiting = pool.acquire().then((id) => {
      next = id;
    });
    await Bun.sleep(5);
    expect(next).toBeUndefined();
    pool.release(ids[17] as number);
    await waiting;
    expect(next).toBe(ids[17] as number);
    pool.close(new Error("closed"));
    await expect(pool.acquire()).rejects.toThrow("closed");
  });
});

describe("CoA client, no honest answer", () => {
  test("timeout: the same packet sent 1 + retries times, reported as timeout", async () => {
    const silent = await udpPeer();
    const client = new CoaClient({ timeoutMs: 100, retries: 2, logger });
    try {
      const result = await client.send({
        kind: "disconnect",
        nas: { address: "127.0.0.1", port: silent.port, secret: Buffer.from(SECRET) },
        session: session("budi"),
      });
      expect(result.outcome).toBe("timeout");
      expect(result.attempts).toBe(3);
      expect(result.errorCause).toBeNull();
      expect(result.rttMs).toBeGreaterThanOrEqual(280);
      await Bun.sleep(20);
      expect(silent.got.length).toBe(3);
      // A retransmission is the same octets: same identifier, same Request Authenticator.
      expect(silent.got[1]?.equals(silent.got[0] as Buffer)).toBe(true);
      expect(silent.got[2]?.equals(silent.got[0] as Buffer)).toBe(true);
      expect(client.stats()).toMatchObject({ sent: 3, retransmits: 2, answered: 0 });
    } finally {
      await client.close();
      await silent.close();
    }
  });

  test("forged and unsigned replies are ignored and counted; a genuine one after them is the answer", async () => {
    const wrong = Buffer.from("not-the-secret");
    let genuine = false;
    const peer = await udpPeer((request) => {
      const forged = encodeResponse({ code: PacketCode.DisconnectAck, request, attributes: [], secret: wrong });
      const unsigned = Buffer.from(forged);
      unsigned.fill(0, 4, 20);
      const otherId = Buffer.from(
        encodeResponse({
          code: PacketCode.DisconnectAck,
          request: { ...request, identifier: (request.identifier + 1) % 256 },
          attributes: [],
          secret: Buffer.from(SECRET),
        }),
      );
      const wrongCode = encodeResponse({
        code: PacketCode.DisconnectAck,
        request,
        attributes: [],
        secret: Buffer.from(SECRET),
      });
      wrongCode[0] = PacketCode.CoaAck;
      const out = [forged, unsigned, otherId, wrongCode, Buffer.from("garbage")];
      if (genuine) {
        out.push(
          encodeResponse({
            code: PacketCode.DisconnectNak,
            request,
            attributes: [["Error-Cause", "Session-Context-Not-Removable"]],
            secret: Buffer.from(SECRET),
            messageAuthenticator: true,
          }),
        );
      }
      return out;
    });
    const client = new CoaClient({ timeoutMs: 150, retries: 1, logger });
    const nas = { address: "127.0.0.1", port: peer.port, secret: Buffer.from(SECRET) };
    try {
      const forgedOnly = await client.send({ kind: "disconnect", nas, session: session("sari") });
      expect(forgedOnly.outcome).toBe("timeout");
      expect(forgedOnly.attempts).toBe(2);
      const ignored = client.stats().ignored;
      expect(ignored["bad-response-authenticator"]).toBe(4);
      expect(ignored["unexpected-code"]).toBe(2);
      expect(ignored["undecodable: too-short"]).toBe(2);
      expect(client.stats().answered).toBe(0);

      genuine = true;
      const answered = await client.send({ kind: "disconnect", nas, session: session("sari") });
      expect(answered).toMatchObject({
        outcome: "nak",
        errorCause: 504,
        errorCauseName: "Session-Context-Not-Removable",
        attempts: 1,
      });
    } finally {
      await client.close();
      await peer.close();
    }
  });

  test("what cannot be sent is reported, never sent, never ack", async () => {
    const client = new CoaClient({ timeoutMs: 100, retries: 1, logger });
    const nas = { address: "router.example", port: 1700, secret: Buffer.from(SECRET) };
    expect(await client.send({ kind: "disconnect", nas, session: session("a") })).toMatchObject({
      outcome: "timeout",
      attempts: 0,
      detail: expect.stringContaining("not an IP"),
    });
    const loopback = { ...nas, address: "127.0.0.1" };
    const nobody = { userName: null, sessionId: null, framedIp: null, nasIp: "192.0.2.1" };
    expect(await client.send({ kind: "disconnect", nas: loopback, session: nobody })).toMatchObject({
      outcome: "timeout",
      attempts: 0,
    });
    await client.close();
    expect(await client.send({ kind: "disconnect", nas: loopback, session: session("a") })).toMatchObject({
      outcome: "timeout",
      attempts: 0,
      detail: "CoA client closed",
    });
  });

  test("close ends a request in flight as timeout", async () => {
    const silent = await udpPeer();
    const client = new CoaClient({ timeoutMs: 5_000, retries: 0, logger });
    const pending = client.send({
      kind: "coa",
      nas: { address: "127.0.0.1", port: silent.port, secret: Buffer.from(SECRET) },
      session: session("b"),
      attributes: [["Mikrotik-Rate-Limit", "1M/2M"]],
    });
    await Bun.sleep(20);
    await client.close();
    expect(await pending).toMatchObject({ outcome: "timeout", attempts: 1, detail: "CoA client closed" });
    await silent.close();
  });
});

if (requirePeer("freeradius", freeradiusInstalled(), freeradiusHint)) {
  describe("CoA client against the mock NAS (FreeRADIUS coa server)", () => {
    let nas: MockNas;
    let client: CoaClient;
    const target = () => ({ address: "127.0.0.1", port: nas.port, secret: Buffer.from(SECRET) });

    beforeAll(async () => {
      nas = await startMockNas({ secret: SECRET, nakUsers: ["gone-user"] });
      client = new CoaClient({ timeoutMs: 1_000, retries: 2, logger });
    });
    afterAll(async () => {
      await client?.close();
      await nas?.stop();
    });

    test("Disconnect ACK: the NAS got the session's attributes", async () => {
      const result = await client.send({ kind: "disconnect", nas: target(), session: session("budi", 1) });
      expect(result).toMatchObject({ outcome: "ack", errorCause: null, errorCauseName: null, attempts: 1 });
      const got = await nas.waitFor((r) => r.sessionId === "81a00001");
      expect(got).toMatchObject({
        code: "Disconnect-Request",
        userName: "budi",
        framedIp: "10.20.0.1",
        nasIp: "192.0.2.1",
        rateLimit: null,
      });
      expect(got.attributes["Message-Authenticator"]?.length).toBe(1);
    });

    test("CoA ACK: the NAS got the new Mikrotik-Rate-Limit", async () => {
      const result = await client.send({
        kind: "coa",
        nas: target(),
        session: session("sari", 2),
        attributes: [["Mikrotik-Rate-Limit", "5000k/20000k 10000k/40000k"]],
      });
      expect(result).toMatchObject({ outcome: "ack", attempts: 1 });
      const got = await nas.waitFor((r) => r.sessionId === "81a00002");
      expect(got).toMatchObject({ code: "CoA-Request", userName: "sari", rateLimit: "5000k/20000k 10000k/40000k" });
    });

    test("NAK: the Error-Cause is surfaced by its RFC 5176 name", async () => {
      for (const kind of ["disconnect", "coa"] as const) {
        const result = await client.send({ kind, nas: target(), session: session("gone-user", 3) });
        expect(result).toMatchObject({
          outcome: "nak",
          errorCause: 503,
          errorCauseName: "Session-Context-Not-Found",
          attempts: 1,
        });
      }
    });

    test("a wrong secret: the NAS drops the request, and the client reports timeout", async () => {
      const short = new CoaClient({ timeoutMs: 150, retries: 1, logger });
      try {
        const result = await short.send({
          kind: "disconnect",
          nas: { ...target(), secret: Buffer.from("some-other-secret") },
          session: session("budi", 4),
        });
        expect(result).toMatchObject({ outcome: "timeout", attempts: 2 });
      } finally {
        await short.close();
      }
    });

    test("100 concurrent requests: each answered, none confused with another", async () => {
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          client.send({
            kind: "disconnect",
            nas: target(),
            session: { ...session(i % 10 === 0 ? "gone-user" : `user${i}`), sessionId: `many-${i}` },
          }),
        ),
      );
      results.forEach((r, i) => {
        expect(r.outcome).toBe(i % 10 === 0 ? "nak" : "ack");
      });
      const seen = new Set((await nas.received()).map((r) => r.sessionId));
      for (let i = 0; i < 100; i++) expect(seen.has(`many-${i}`)).toBe(true);
    });
  });
}
