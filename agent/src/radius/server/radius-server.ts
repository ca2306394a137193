import { isIPv6 } from "node:net";
import type { Logger } from "@kilusi/shared/logger";
import type { Accounting, AccountingStats } from "../accounting/accounting.ts";
import type { AccessAttempt, AccessDecision } from "../authorize/authorizer.ts";
import {
  type AttributeInput,
  decodePacket,
  encodeResponse,
  PacketCode,
  RadiusEncodeError,
  type RadiusPacket,
  type ResponseCode,
  stringOf,
  validateRequest,
} from "../packet/index.ts";
import { credentialRequest } from "./credential-request.ts";
import { DuplicateCache } from "./duplicate-cache.ts";
import type { KnownNas, NasTable } from "./nas-table.ts";
import { normalizeAddress } from "./source-address.ts";
import { Throttle } from "./throttle.ts";

/** A login the server accepted (after the Accept went out): enforcement watches for re-auth. */
export interface AccessAccepted {
  subscriptionId: string | null;
  voucherCode: string | null;
  userName: string;
  nasId: string;
  at: Date;
}

export type AccessAcceptedListener = (event: AccessAccepted) => void;

export interface AccessAuthorizer {
  authorize(attempt: AccessAttempt): Promise<AccessDecision>;
}

export interface RadiusServerStats {
  received: number;
  answered: number;
  /** Copies of an answered request, answered again from the duplicate cache. */
  resent: number;
  accessAccepted: number;
  accessRejected: number;
  statusServer: number;
  /** Datagrams not answered, by why (unknown-source, malformed, a validation DropReason, …). */
  dropped: Record<string, number>;
  accounting: AccountingStats;
}

type Port = "auth" | "acct";
type Reply = { bytes: Buffer; accepted?: AccessAccepted };

/** The address:port could not be bound (in use, not an address of this host, no permission). */
export class RadiusBindError extends Error {
  override readonly name = "RadiusBindError";
  constructor(
    readonly address: string,
    readonly port: number,
    readonly code: string,
  ) {
    const where = isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
    super(`RADIUS cannot listen on udp ${where}: ${code === "EADDRINUSE" ? "the port is in use" : code}`);
  }
}

/** Where a datagram came from. */
interface Source {
  address: string;
  port: number;
}

type UdpSocket = Bun.udp.Socket<"buffer">;
type OnDatagram = (socket: UdpSocket, datagram: Buffer, from: Source) => void;

/**
 * Bun's native UDP socket: a datagram reaches us without node:dgram's event emitter, and a reply
 * to an address literal goes out without its DNS step (together about a fifth of the CPU a PAP
 * request cost end to end: 54 → 44 µs in tests/bench/radius.ts).
 */
async function bindSocket(address: string, port: number, onDatagram: OnDatagram, onError: (e: Error) => void) {
  try {
    return await Bun.udpSocket({
      hostname: address,
      port,
      socket: {
        data: (socket, datagram, fromPort, fromAddress) =>
          onDatagram(socket, datagram, { address: fromAddress, port: fromPort }),
        error: (_socket, error) => onError(error),
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new RadiusBindError(address, port, code);
  }
}

export interface RadiusServerOptions {
  bind: string;
  authPort: number;
  acctPort: number;
  nases: NasTable;
  authorizer: AccessAuthorizer;
  accounting: Accounting;
  logger: Logger;
  /** Epoch ms (tests move the clock to end a secret's overlap window). */
  now?: () => number;
  duplicateTtlMs?: number;
}

/**
 * The RADIUS server: Access-Request and Status-Server on the auth port, Accounting-Request and
 * Status-Server on the accounting port. A datagram from an address that is not a known NAS, or
 * that fails the BlastRADIUS checks, gets no reply at all: an answer would tell a scanner or a
 * forger something.
 */
export class RadiusServer {
  private readonly cache: DuplicateCache;
  private readonly listeners = new Set<AccessAcceptedListener>();
  private readonly throttle = new Throttle(60_000);
  private readonly counters = {
    received: 0,
    answered: 0,
    resent: 0,
    accessAccepted: 0,
    accessRejected: 0,
    statusServer: 0,
  };
  private readonly dropped = new Map<string, number>();
  private closed = false;
  private readonly now: () => number;

  private auth: UdpSocket | null = null;
  private acct: UdpSocket | null = null;

  private constructor(private readonly o: RadiusServerOptions) {
    this.now = o.now ?? Date.now;
    this.cache = new DuplicateCache(o.duplicateTtlMs);
  }

  /** Binds both ports (0: any free port); a port that cannot be bound fails with a RadiusBindError. */
  static async start(o: RadiusServerOptions): Promise<RadiusServer> {
    const server = new RadiusServer(o);
    const onError = (port: Port) => (error: Error) =>
      o.logger.error({ port, err: String(error) }, "RADIUS socket error");
    server.auth = await bindSocket(
      o.bind,
      o.authPort,
      (socket, datagram, from) => server.receive("auth", socket, datagram, from),
      onError("auth"),
    );
    try {
      server.acct = await bindSocket(
        o.bind,
        o.acctPort,
        (socket, datagram, from) => server.receive("acct", socket, datagram, from),
        onError("acct"),
      );
    } catch (error) {
      server.auth.close();
      throw error;
    }
    return server;
  }

  get authPort(): number {
    return this.auth?.port ?? 0;
  }

  get acctPort(): number {
    return this.acct?.port ?? 0;
  }

  /** Called after each Access-Accept is sent; returns the unsubscribe. */
  onAccessAccepted(listener: AccessAcceptedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): RadiusServerStats {
    return {
      ...this.counters,
      dropped: Object.fromEntries(this.dropped),
      accounting: this.o.accounting.stats(),
    };
  }

  /** Stops answering and closes both sockets (at once: Bun closes a UDP socket synchronously). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.auth?.close();
    this.acct?.close();
  }

  private drop(reason: string): void {
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + 1);
  }

  private send(socket: UdpSocket, reply: Buffer, to: Source): void {
    if (this.closed) return;
    let sent = false;
    let why = "the socket's send buffer is full";
    try {
      sent = socket.send(reply, to.port, to.address);
    } catch (error) {
      why = String(error);
    }
    // Unsent, the NAS retransmits and the duplicate cache answers the copy.
    if (!sent && this.throttle.allow("send")) this.o.logger.warn({ to: to.address, err: why }, "RADIUS reply not sent");
  }

  private receive(port: Port, socket: UdpSocket, datagram: Buffer, from: Source): void {
    if (this.closed) return;
    this.counters.received++;
    try {
      this.dispatch(port, socket, datagram, from);
    } catch (error) {
      // A bug of ours must not escape into the socket's event loop and take the agent down.
      this.drop("internal-error");
      if (this.throttle.allow("internal")) this.o.logger.error({ err: String(error) }, "RADIUS datagram failed");
    }
  }

  private dispatch(port: Port, socket: UdpSocket, datagram: Buffer, from: Source): void {
    const nas = this.o.nases.bySource(from.address);
    if (!nas) {
      this.drop("unknown-source");
      if (this.throttle.allow(`unknown:${from.address}`)) {
        this.o.logger.debug(
          { from: normalizeAddress(from.address) ?? from.address, port },
          "RADIUS from an unknown address dropped",
        );
      }
      return;
    }
    const decoded = decodePacket(datagram);
    if (!decoded.ok) {
      this.drop("malformed");
      if (this.throttle.allow(`malformed:${nas.id}`)) {
        this.o.logger.warn(
          { nasId: nas.id, error: decoded.error.code, detail: decoded.error.message },
          "RADIUS datagram is not a packet: dropped",
        );
      }
      return;
    }
    const packet = decoded.packet;
    const wanted = port === "auth" ? PacketCode.AccessRequest : PacketCode.AccountingRequest;
    if (packet.code !== wanted && packet.code !== PacketCode.StatusServer) {
      this.drop("wrong-port");
      return;
    }
    const now = this.now();
    const verdict = validateRequest(packet, nas.security, now);
    if (!verdict.ok) {
      this.drop(verdict.reason);
      // A known router failing the checks is a wrong secret or a forger: worth a (rare) line.
      if (this.throttle.allow(`invalid:${nas.id}:${verdict.reason}`)) {
        this.o.logger.warn({ nasId: nas.id, nas: nas.name, reason: verdict.reason }, "RADIUS request dropped");
      }
      return;
    }
    const secret = verdict.signed ? verdict.secret : (verdict.candidates[0] as Buffer);
    if (packet.code === PacketCode.StatusServer) {
      // RFC 5997 §3: answered fresh each time, never from the duplicate cache.
      this.counters.statusServer++;
      const code = port === "auth" ? PacketCode.AccessAccept : PacketCode.AccountingResponse;
      this.answer(socket, from, encodeResponse({ code, request: packet, attributes: [], secret }));
      return;
    }
    const key = DuplicateCache.key(from.address, from.port, packet.code, packet.identifier, packet.authenticator);
    const seen = this.cache.check(key, now);
    if (seen.kind === "in-progress") {
      this.drop("duplicate-in-progress");
      return;
    }
    if (seen.kind === "answered") {
      this.counters.resent++;
      this.send(socket, seen.reply, from);
      return;
    }
    const work =
      port === "auth"
        ? this.access(packet, nas, verdict.signed ? [verdict.secret] : verdict.candidates, secret, now)
        : this.accounting(packet, nas, secret, now);
    work.then(
      (reply) => {
        if (!reply) {
          this.cache.forget(key);
          return;
        }
        this.cache.answered(key, reply.bytes, this.now());
        this.answer(socket, from, reply.bytes);
        if (reply.accepted) this.emit(reply.accepted);
      },
      (error) => {
        this.cache.forget(key);
        this.drop("internal-error");
        this.o.logger.error({ nasId: nas.id, err: String(error) }, "RADIUS request failed");
      },
    );
  }

  private answer(socket: UdpSocket, to: Source, reply: Buffer): void {
    this.counters.answered++;
    this.send(socket, reply, to);
  }

  private emit(event: AccessAccepted): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.o.logger.error({ err: String(error) }, "access-accepted listener failed");
      }
    }
  }

  private async access(
    packet: RadiusPacket,
    nas: KnownNas,
    secrets: readonly Buffer[],
    secret: Buffer,
    now: number,
  ): Promise<Reply | null> {
    const userName = stringOf(packet, "User-Name");
    const credentials = credentialRequest(packet);
    const reply = (code: ResponseCode, attributes: readonly AttributeInput[]) =>
      encodeResponse({ code, request: packet, attributes, secret });
    if (userName === undefined || credentials === null) {
      this.counters.accessRejected++;
      // No user name in the line: at a hotspot it is the voucher code, i.e. the password.
      this.o.logger.debug({ nasId: nas.id }, "Access-Request without a user name or exactly one credential: rejected");
      return { bytes: reply(PacketCode.AccessReject, []) };
    }
    let decision: AccessDecision;
    try {
      decision = await this.o.authorizer.authorize({
        userName,
        credentials,
        secrets,
        requestAuthenticator: packet.authenticator,
        nasId: nas.id,
        callingStationId: stringOf(packet, "Calling-Station-Id") ?? null,
        now: new Date(now),
      });
    } catch (error) {
      // Unanswered, so the NAS retries or fails over; a reject would lock the user out.
      this.drop("authorizer-error");
      if (this.throttle.allow("authorizer")) {
        this.o.logger.error({ nasId: nas.id, err: String(error) }, "authorization failed: request not answered");
      }
      return null;
    }
    let bytes: Buffer;
    try {
      bytes = reply(decision.accept ? PacketCode.AccessAccept : PacketCode.AccessReject, decision.attributes);
    } catch (error) {
      if (!(error instanceof RadiusEncodeError)) throw error;
      // Our attributes do not fit the packet: refuse rather than send half a policy.
      this.o.logger.error({ nasId: nas.id, err: error.message }, "reply does not encode: rejected instead");
      this.counters.accessRejected++;
      return { bytes: reply(PacketCode.AccessReject, []) };
    }
    if (!decision.accept) {
      this.counters.accessRejected++;
      return { bytes };
    }
    this.counters.accessAccepted++;
    return {
      bytes,
      accepted: {
        subscriptionId: decision.subscriptionId,
        voucherCode: decision.voucherCode,
        userName,
        nasId: nas.id,
        at: new Date(now),
      },
    };
  }

  private async accounting(packet: RadiusPacket, nas: KnownNas, secret: Buffer, now: number): Promise<Reply | null> {
    const outcome = await this.o.accounting.handle(packet, { id: nas.id, address: nas.address }, new Date(now));
    if (!outcome.answer) {
      this.drop(outcome.reason);
      return null;
    }
    return { bytes: encodeResponse({ code: PacketCode.AccountingResponse, request: packet, attributes: [], secret }) };
  }
}
