/** A real site store (bun:sqlite in a temp dir), journal and session table for the authorizer's tests. */
import type { DownMessage } from "@kilusi/shared/sync/messages";
import type { PlanState, SubscriberState, VoucherState } from "@kilusi/shared/sync/site-state";
import { openStoreDatabase, type StoreDatabase } from "../../store/database.ts";
import { Journal } from "../../store/journal.ts";
import { DesiredStateStore } from "../../store/store.ts";
import { tempDataDir } from "../../testing/fixtures.ts";
import { type CapturedLogs, captureLogs } from "../../testing/logs.ts";
import { Accounting, type AccountingOutcome } from "../accounting/accounting.ts";
import { encodeChapPassword } from "../auth/chap.ts";
import { encodeMsChapResponse } from "../auth/mschap-v1.ts";
import { encodeMsChap2Response } from "../auth/mschap-v2.ts";
import { encodeUserPassword } from "../auth/user-password.ts";
import type { CredentialRequest } from "../auth/verify-credentials.ts";
import {
  type AttributeInput,
  decodePacket,
  encodeRequest,
  encodeResponse,
  PacketCode,
  type RadiusPacket,
} from "../packet/index.ts";
import { type LocalSession, SessionTable } from "../sessions/session-table.ts";
import { type AccessAttempt, type AccessDecision, Authorizer } from "./authorizer.ts";

export const h = (hex: string) => Buffer.from(hex, "hex");

export const SECRET = Buffer.from("s3cr3t-of-the-nas-0123456789");
export const OLD_SECRET = Buffer.from("the-secret-being-rotated-out");
export const AUTHENTICATOR = h("a1b2c3d4e5f60718293a4b5c6d7e8f90");
// RFC 2759 §9.2: User / clientPass, so the MS-CHAPv2 reply can be checked against the RFC.
export const RFC_USER = "User";
export const RFC_PASSWORD = "clientPass";
export const AUTH_CHALLENGE = h("5B5D7C7D7B3F2F3E3C2C602132262628");
const PEER_CHALLENGE = h("21402324255E262A28295F2B3A337C7E");
const V1_CHALLENGE = h("102DB5DF085D3041");
const CHAP_CHALLENGE = h("00112233445566778899aabbccddeeff");
export const KINDS = ["pap", "chap", "mschap", "mschapv2"] as const;

/** What a NAS sends for `password`, per method (PAP hidden with `secret`). */
export function credentials(
  kind: CredentialRequest["kind"],
  password: string,
  { secret = SECRET, userName = RFC_USER }: { secret?: Buffer; userName?: string } = {},
): CredentialRequest {
  switch (kind) {
    case "pap":
      return { kind, userPassword: encodeUserPassword(password, secret, AUTHENTICATOR) as Buffer };
    case "chap":
      return { kind, chapPassword: encodeChapPassword(5, password, CHAP_CHALLENGE), chapChallenge: CHAP_CHALLENGE };
    case "mschap":
      return { kind, msChapChallenge: V1_CHALLENGE, msChapResponse: encodeMsChapResponse(6, V1_CHALLENGE, password) };
    case "mschapv2":
      return {
        kind,
        msChapChallenge: AUTH_CHALLENGE,
        msChap2Response: encodeMsChap2Response({
          ident: 7,
          authenticatorChallenge: AUTH_CHALLENGE,
          peerChallenge: PEER_CHALLENGE,
          userName,
          password,
        }),
      };
  }
}

export function plan(over: Partial<PlanState> = {}): PlanState {
  return {
    id: "plan-10m",
    name: "Home 10M",
    type: "pppoe",
    downloadKbps: 10240,
    uploadKbps: 2048,
    burstDownloadKbps: null,
    burstUploadKbps: null,
    burstThresholdDownloadKbps: null,
    burstThresholdUploadKbps: null,
    burstTimeSeconds: null,
    addressPool: "pool-home",
    profileName: "home",
    quotaBytes: null,
    ...over,
  };
}

export function subscriber(over: Partial<SubscriberState> = {}): SubscriberState {
  return {
    status: "active",
    access: "pppoe",
    username: RFC_USER,
    password: RFC_PASSWORD,
    staticIp: null,
    mac: null,
    expiresAt: null,
    plan: plan(),
    ...over,
  };
}

export function voucher(over: Partial<VoucherState> = {}): VoucherState {
  return {
    id: "voucher-1",
    state: "sold",
    validitySeconds: 3600,
    activatedAt: null,
    expiresAt: null,
    mac: null,
    macBinding: false,
    plan: plan({ id: "plan-hotspot", type: "hotspot", downloadKbps: 5120, uploadKbps: 1024, addressPool: "hs-pool" }),
    ...over,
  };
}

/** Seconds since `base` as a Date: tests move time by passing `now`, not by sleeping. */
export const BASE = new Date("2026-03-01T08:00:00.000Z");
export const at = (seconds: number) => new Date(BASE.getTime() + seconds * 1000);

export class Site {
  readonly db: StoreDatabase;
  readonly store: DesiredStateStore;
  readonly sessions: SessionTable;
  readonly journal: Journal;
  readonly logs: CapturedLogs;
  readonly authorizer: Authorizer;
  readonly accounting: Accounting;
  private revision = 0;

  constructor({ journalBytes = 1 << 20, interimSeconds = 300 } = {}) {
    this.db = openStoreDatabase(tempDataDir());
    this.store = new DesiredStateStore(this.db);
    this.sessions = new SessionTable(this.db);
    this.logs = captureLogs();
    this.journal = new Journal(this.db, { maxBytes: journalBytes, groupCommitMs: 5, logger: this.logs.logger });
    this.authorizer = new Authorizer({
      store: this.store,
      sessions: this.sessions,
      journal: this.journal,
      logger: this.logs.logger,
      interimSeconds,
    });
    this.accounting = new Accounting({
      store: this.store,
      sessions: this.sessions,
      journal: this.journal,
      logger: this.logs.logger,
      interimSeconds,
    });
  }

  /** An Accounting-Request from nas-1 as the server hands it over (decoded, authenticator checked). */
  account(attributes: AttributeInput[], now = BASE): Promise<AccountingOutcome> {
    const wire = encodeRequest({ code: PacketCode.AccountingRequest, identifier: 9, secret: SECRET, attributes });
    const decoded = decodePacket(wire);
    if (!decoded.ok) throw new Error(`accounting request does not decode: ${decoded.error.message}`);
    return this.accounting.handle(decoded.packet, { id: "nas-1", address: "10.0.0.1" }, now);
  }

  /** One changes batch from the cloud: data null deletes the entry (a terminated subscriber). */
  apply(kind: string, key: string, data: object | null): void {
    const revision = this.revision + 1;
    const message = {
      v: 1,
      sinceRevision: this.revision,
      toRevision: revision,
      currentRevision: revision,
      changes: [
        data === null
          ? { revision, kind, key, op: "delete", reason: "removed", data: null }
          : { revision, kind, key, op: "upsert", reason: null, data },
      ],
    } as DownMessage<"changes">;
    const outcome = this.store.applyChanges(message);
    if (outcome.status !== "applied") throw new Error(`changes not applied: ${JSON.stringify(outcome)}`);
    this.revision = revision;
  }

  attempt(over: Partial<AccessAttempt> = {}): AccessAttempt {
    return {
      userName: RFC_USER,
      credentials: credentials("pap", RFC_PASSWORD),
      secrets: [SECRET],
      requestAuthenticator: AUTHENTICATOR,
      nasId: "nas-1",
      callingStationId: "AA:BB:CC:00:00:01",
      now: BASE,
      ...over,
    };
  }

  authorize(over: Partial<AccessAttempt> = {}): Promise<AccessDecision> {
    return this.authorizer.authorize(this.attempt(over));
  }

  /** An online session, as accounting leaves it after a Start. */
  online(over: Partial<LocalSession> = {}): void {
    this.sessions.upsert({
      nasId: "nas-1",
      sessionId: `s-${Math.random().toString(16).slice(2)}`,
      nasIp: "10.0.0.1",
      userName: RFC_USER,
      subscriptionId: null,
      voucherCode: null,
      framedIp: null,
      callingStationId: "AA:BB:CC:00:00:01",
      startedAt: BASE.toISOString(),
      lastSeenAt: BASE.toISOString(),
      interimSeconds: null,
      inputOctets: 0,
      outputOctets: 0,
      ...over,
    });
  }

  /** Every log line as text, to show a password or secret never reached one. */
  logText(): string {
    return JSON.stringify(this.logs.lines);
  }

  close(): void {
    this.journal.close();
    this.db.close();
  }
}

/**
 * The decision as the server would send it (encodeResponse, Message-Authenticator first) and
 * decoded again: proves the attributes encode, and gives their values as a NAS reads them.
 */
export function onTheWire(decision: AccessDecision, secret = SECRET): RadiusPacket {
  const wire = encodeResponse({
    code: decision.accept ? PacketCode.AccessAccept : PacketCode.AccessReject,
    request: { code: PacketCode.AccessRequest, identifier: 1, authenticator: AUTHENTICATOR, attributes: [] },
    attributes: decision.attributes,
    secret,
  });
  const decoded = decodePacket(wire);
  if (!decoded.ok) throw new Error(`reply does not decode: ${decoded.error.message}`);
  return decoded.packet;
}

/** name → value of the decoded reply's attributes, in order (Message-Authenticator and the Microsoft ones left out). */
export function valuesOf(packet: RadiusPacket): [string, unknown][] {
  return packet.attributes
    .filter((a) => a.name !== "Message-Authenticator" && a.vendor !== 311)
    .map((a) => [a.name, Buffer.isBuffer(a.value) ? a.value.toString("utf8") : a.value]);
}
