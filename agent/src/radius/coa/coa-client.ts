/**
 * The Dynamic Authorization client (RFC 5176): Disconnect-Request and CoA-Request to a NAS's
 * CoA port (MikroTik: `/radius incoming`, default 1700). A request is encoded once and, while
 * unanswered, sent again as the same octets (same identifier and Request Authenticator, as
 * RFC 5080 §2.2.1 wants of a retransmission). A datagram counts as the answer only once it
 * decodes, matches a request in flight by identifier and passes verifyResponse under that
 * NAS's secret; anything else is counted and ignored. So `ack` always means a verified ACK.
 */
import { createSocket, type Socket } from "node:dgram";
import { isIP } from "node:net";
import type { Logger } from "@kilusi/shared/logger";
import {
  type AttributeInput,
  decodePacket,
  encodeRequest,
  integerOf,
  PacketCode,
  RADIUS_DICTIONARY,
  type RadiusPacket,
  verifyResponse,
} from "../packet/index.ts";
import { IdentifierPool } from "./identifier-pool.ts";
import { type SessionIdentity, sessionAttributes } from "./session-attributes.ts";

export type CoaKind = "disconnect" | "coa";

export interface CoaTarget {
  /** The NAS's address (IPv4 or IPv6 text) and CoA port. */
  address: string;
  port: number;
  secret: Buffer;
}

export interface CoaRequest {
  kind: CoaKind;
  nas: CoaTarget;
  session: SessionIdentity;
  /** What a CoA changes (e.g. Mikrotik-Rate-Limit); a Disconnect carries none. */
  attributes?: readonly AttributeInput[];
}

export interface CoaResult {
  /** ack / nak: a verified answer; timeout: none after every retry (or nothing could be sent). */
  outcome: "ack" | "nak" | "timeout";
  /** Error-Cause (RFC 5176 §3.5) of the answer, with its dictionary name when it has one. */
  errorCause: number | null;
  errorCauseName: string | null;
  /** Transmissions; 0 when the request could not be sent at all (then `detail` says why). */
  attempts: number;
  /** From the first transmission to the verified answer, or to giving up. */
  rttMs: number;
  /** Why nothing was sent, or the last send error; null otherwise. */
  detail: string | null;
}

export interface CoaClientOptions {
  /** How long one transmission waits for the answer (config `coa.timeout_ms`). */
  timeoutMs: number;
  /** Transmissions after the first (config `coa.retries`). */
  retries: number;
  logger: Logger;
  /**
   * The source address (config `radius.bind` when it names one): a router accepts CoA only from
   * the RADIUS server it knows. 0.0.0.0 / :: or absent: the kernel picks.
   */
  bind?: string;
}

export interface CoaClientStats {
  sent: number;
  retransmits: number;
  answered: number;
  /** Datagrams that were not taken as an answer, by why. */
  ignored: Record<string, number>;
}

type Wake = { packet: RadiusPacket } | "timeout" | "closed";

interface InFlight {
  code: number;
  identifier: number;
  authenticator: Buffer;
  secret: Buffer;
  wake: ((w: Wake) => void) | undefined;
}

interface Endpoint {
  socket: Socket;
  ids: IdentifierPool;
  inFlight: Map<number, InFlight>;
}

const ERROR_CAUSE = RADIUS_DICTIONARY.byName("Error-Cause");

/** The RFC 5176 §3.5 name of an Error-Cause value, or null for one the RFC does not name. */
export function errorCauseName(value: number): string | null {
  return ERROR_CAUSE?.valueNames.get(value) ?? null;
}

const ACK: Readonly<Record<number, boolean>> = {
  [PacketCode.DisconnectAck]: true,
  [PacketCode.CoaAck]: true,
  [PacketCode.DisconnectNak]: false,
  [PacketCode.CoaNak]: false,
};

export class CoaClient {
  /** One socket per address family, opened on first use. */
  private readonly endpoints = new Map<4 | 6, Promise<Endpoint>>();
  private closed = false;
  private readonly counters: CoaClientStats = { sent: 0, retransmits: 0, answered: 0, ignored: {} };

  constructor(private readonly o: CoaClientOptions) {}

  async send(request: CoaRequest): Promise<CoaResult> {
    const started = performance.now();
    const notSent = (detail: string): CoaResult => ({
      outcome: "timeout",
      errorCause: null,
      errorCauseName: null,
      attempts: 0,
      rttMs: 0,
      detail,
    });
    const family = isIP(request.nas.address);
    if (family !== 4 && family !== 6) return notSent(`NAS address ${JSON.stringify(request.nas.address)} is not an IP`);
    const identification = sessionAttributes(request.session);
    if (!identification) return notSent("nothing identifies the session (no User-Name, Acct-Session-Id or address)");
    if (this.closed) return notSent("CoA client closed");

    let endpoint: Endpoint;
    let identifier: number;
    try {
      endpoint = await this.endpoint(family);
      identifier = await endpoint.ids.acquire();
    } catch (error) {
      return notSent(error instanceof Error ? error.message : String(error));
    }
    const code = request.kind === "disconnect" ? PacketCode.DisconnectRequest : PacketCode.CoaRequest;
    let packet: Buffer;
    try {
      packet = encodeRequest({
        code,
        identifier,
        secret: request.nas.secret,
        attributes: [...identification, ...(request.attributes ?? [])],
      });
    } catch (error) {
      endpoint.ids.release(identifier);
      return notSent(`cannot encode: ${error instanceof Error ? error.message : String(error)}`);
    }
    const flight: InFlight = {
      code,
      identifier,
      authenticator: packet.subarray(4, 20),
      secret: request.nas.secret,
      wake: undefined,
    };
    endpoint.inFlight.set(identifier, flight);
    let attempts = 0;
    let detail: string | null = null;
    let wake: Wake = "timeout";
    try {
      while (attempts <= this.o.retries && wake === "timeout") {
        attempts++;
        this.counters.sent++;
        if (attempts > 1) this.counters.retransmits++;
        wake = await new Promise<Wake>((resolve) => {
          const timer = setTimeout(() => resolve("timeout"), this.o.timeoutMs);
          flight.wake = (w) => {
            clearTimeout(timer);
            resolve(w);
          };
          endpoint.socket.send(packet, request.nas.port, request.nas.address, (error) => {
            if (error) detail = `send failed: ${error.message}`;
          });
        });
        flight.wake = undefined;
      }
    } finally {
      endpoint.inFlight.delete(identifier);
      endpoint.ids.release(identifier);
    }
    const rttMs = Math.round(performance.now() - started);
    if (wake === "closed") return { ...notSent("CoA client closed"), attempts, rttMs };
    if (wake === "timeout") return { ...notSent(detail ?? "no answer"), attempts, rttMs };
    this.counters.answered++;
    const errorCause = integerOf(wake.packet, "Error-Cause") ?? null;
    return {
      outcome: ACK[wake.packet.code] ? "ack" : "nak",
      errorCause,
      errorCauseName: errorCause === null ? null : errorCauseName(errorCause),
      attempts,
      rttMs,
      detail: null,
    };
  }

  stats(): CoaClientStats {
    return { ...this.counters, ignored: { ...this.counters.ignored } };
  }

  /** Requests in flight end as `timeout` ("CoA client closed"); the sockets are closed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const endpoints = await Promise.allSettled(this.endpoints.values());
    this.endpoints.clear();
    for (const settled of endpoints) {
      if (settled.status !== "fulfilled") continue;
      const { socket, ids, inFlight } = settled.value;
      ids.close(new Error("CoA client closed"));
      for (const flight of inFlight.values()) flight.wake?.("closed");
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
  }

  private endpoint(family: 4 | 6): Promise<Endpoint> {
    let opened = this.endpoints.get(family);
    if (!opened) {
      opened = this.open(family);
      this.endpoints.set(family, opened);
      // A failed bind is not cached: the next request tries again.
      opened.catch(() => this.endpoints.delete(family));
    }
    return opened;
  }

  private async open(family: 4 | 6): Promise<Endpoint> {
    const socket = createSocket(family === 4 ? "udp4" : "udp6");
    const endpoint: Endpoint = { socket, ids: new IdentifierPool(), inFlight: new Map() };
    const bind = this.o.bind && isIP(this.o.bind) === family ? this.o.bind : undefined;
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, bind, () => {
        socket.off("error", reject);
        resolve();
      });
    }).catch((error) => {
      socket.close();
      throw new Error(`cannot open the CoA socket${bind ? ` on ${bind}` : ""}: ${String(error)}`);
    });
    socket.on("error", (error) => this.o.logger.warn({ err: String(error) }, "CoA socket error"));
    socket.on("message", (datagram, from) => this.receive(endpoint, datagram, from.address, from.port));
    // Requests in flight hold timers; an idle client must not keep the process alive.
    socket.unref();
    return endpoint;
  }

  private receive(endpoint: Endpoint, datagram: Buffer, address: string, port: number): void {
    const ignore = (why: string) => {
      this.counters.ignored[why] = (this.counters.ignored[why] ?? 0) + 1;
      this.o.logger.warn({ from: `${address}:${port}`, why }, "CoA reply ignored");
    };
    const decoded = decodePacket(datagram);
    if (!decoded.ok) {
      ignore(`undecodable: ${decoded.error.code}`);
      return;
    }
    const flight = endpoint.inFlight.get(decoded.packet.identifier);
    if (!flight?.wake) {
      ignore("no-request-in-flight");
      return;
    }
    const verdict = verifyResponse(decoded.packet, flight, flight.secret);
    if (!verdict.ok) {
      ignore(verdict.problem);
      return;
    }
    flight.wake({ packet: decoded.packet });
  }
}
