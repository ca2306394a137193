// The data of the RADIUS and enforcement journal records the agent sends up (DESIGN §6). The
// agent builds them; the cloud parses each with `parseRecordData` inside the ingest
// transaction: a record that does not parse is kept in journal_records and logged with its
// kind and seq, never applied half-way.
import { z } from "zod";

const instant = z.iso.datetime({ offset: true });
/** 64-bit counters (octets with their Gigawords) as JSON numbers: exact below 2^53 (8 PiB). */
const octets = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const text = z.string().max(253);

export const accountingStatusTypes = ["Start", "Interim-Update", "Stop", "Accounting-On", "Accounting-Off"] as const;

/** kind `radius.accounting`: one Accounting-Request that got (or will get) an Accounting-Response. */
export const accountingRecordSchema = z.object({
  /**
   * The request's identity across retransmits and agent restarts: SHA-256 (hex) of the NAS id
   * and the request's attributes without Acct-Delay-Time and Proxy-State. The cloud stores each
   * once (unique per site), so a retransmit journaled again after a crash is not counted twice.
   */
  uniqueId: z.string().regex(/^[0-9a-f]{64}$/),
  nasId: z.string(),
  nasIp: z.string(),
  statusType: z.enum(accountingStatusTypes),
  sessionId: text.nullable(),
  userName: text.nullable(),
  /** The subscription (from Class or User-Name) or the voucher the session belongs to. */
  subscriptionId: z.string().nullable(),
  voucherCode: text.nullable(),
  framedIp: z.string().nullable(),
  callingStationId: text.nullable(),
  nasPortId: text.nullable(),
  sessionTime: z.number().int().min(0).nullable(),
  inputOctets: octets,
  outputOctets: octets,
  inputPackets: octets,
  outputPackets: octets,
  terminateCause: text.nullable(),
  /** When the NAS says it happened: Event-Timestamp, else receipt minus Acct-Delay-Time. */
  eventAt: instant,
  receivedAt: instant,
});

/** kind `radius.session_closed`: the agent closed a session no Stop came for. */
export const sessionClosedRecordSchema = z.object({
  nasId: z.string(),
  sessionId: text,
  userName: text.nullable(),
  /** stale: no interim for 3 intervals; nas_restart: Accounting-On/Off from its NAS. */
  reason: z.enum(["stale", "nas_restart"]),
  lastSeenAt: instant,
  closedAt: instant,
});

/** kind `radius.voucher_activated`: a voucher's first login at this site. */
export const voucherActivatedRecordSchema = z.object({
  voucherId: z.string(),
  code: text,
  activatedAt: instant,
  expiresAt: instant,
  mac: z.string().nullable(),
  nasId: z.string(),
});

export const enforcementActions = ["coa", "disconnect", "none"] as const;
/**
 * ack / nak: the NAS answered; timeout: no answer after every retry; reauth: a new login of the
 * subscriber was observed after the change; not_online: no session to act on (the next login
 * gets the new policy); no_nas: a session on a router the site does not know.
 * Only ack and reauth say the network follows the change.
 */
export const enforcementOutcomes = ["ack", "nak", "timeout", "reauth", "not_online", "no_nas"] as const;

/** kind `enforcement.outcome`: what happened on the network after a subscriber's change. */
export const enforcementRecordSchema = z.object({
  subscriptionId: z.string(),
  /** The site revision whose change this enforces. */
  revision: z.number().int().min(0),
  /** The change's reason (isolated, restored, plan_changed, terminated…) or `kick`. */
  reason: z.string().max(64),
  action: z.enum(enforcementActions),
  outcome: z.enum(enforcementOutcomes),
  sessionId: text.nullable(),
  nasId: z.string().nullable(),
  attempts: z.number().int().min(0),
  /** Error-Cause (RFC 5176 §3.5) of a NAK, with its name. */
  errorCause: z.number().int().nullable(),
  errorCauseName: z.string().nullable(),
  detail: z.string().max(500).nullable(),
  requestedAt: instant,
  completedAt: instant,
});

export const recordSchemas = {
  "radius.accounting": accountingRecordSchema,
  "radius.session_closed": sessionClosedRecordSchema,
  "radius.voucher_activated": voucherActivatedRecordSchema,
  "enforcement.outcome": enforcementRecordSchema,
} as const;

export type RecordKind = keyof typeof recordSchemas;
export type RecordOf<K extends RecordKind> = z.infer<(typeof recordSchemas)[K]>;
export type AccountingRecord = RecordOf<"radius.accounting">;
export type SessionClosedRecord = RecordOf<"radius.session_closed">;
export type VoucherActivatedRecord = RecordOf<"radius.voucher_activated">;
export type EnforcementRecord = RecordOf<"enforcement.outcome">;

export function parseRecordData<K extends RecordKind>(
  kind: K,
  data: unknown,
): { ok: true; value: RecordOf<K> } | { ok: false; detail: string } {
  const result = recordSchemas[kind].safeParse(data);
  if (result.success) return { ok: true, value: result.data as RecordOf<K> };
  return { ok: false, detail: result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
}

/** The command a cloud user sends to end one session now (the online sessions page's kick). */
export const kickCommandArgsSchema = z.strictObject({
  subscriptionId: z.string().nullable(),
  nasId: z.string(),
  sessionId: text,
  userName: text.nullable(),
  framedIp: z.string().nullable(),
});
export type KickCommandArgs = z.infer<typeof kickCommandArgsSchema>;
