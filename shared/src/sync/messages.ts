// The messages of the sync contract (DESIGN §6), one zod schema per topic name. Every message
// carries `v`, its schema version; a receiver parses with `parseMessage`, which never throws:
// oversized, non-JSON and wrong-schema payloads come back as a reason to log and count.
import { z } from "zod";
import type { DownName, UpName } from "./topics.ts";

/** Protocol versions this build speaks; hello offers them, welcome picks one. */
export const PROTOCOL_VERSIONS = [1] as const;

/** Largest payload either side accepts, in bytes (snapshot parts and batches are sized below it). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Records per journal batch, changes per change batch, entries per snapshot part. */
export const MAX_BATCH = 1000;

const id = z.uuid();
const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const revision = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const instant = z.iso.datetime({ offset: true });
const epochMs = z.number().int().min(0).max(8.64e15);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** `subscriber`, `nas`, `snmp_target`, `radius.acct`, `agent.event`…: extensible, but shaped. */
export const kindSchema = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/);
const data = z.record(z.string(), z.unknown());
const version = z.string().min(1).max(64);

export const helloSchema = z.strictObject({
  v: z.literal(1),
  agentId: id,
  agentVersion: version,
  protocols: z.array(z.number().int().min(1).max(1000)).min(1).max(16),
  appliedRevision: revision,
  startedAt: instant,
});

export const welcomeSchema = z.strictObject({
  v: z.literal(1),
  /** The version both speak, or null: then the agent logs it and waits for an upgrade. */
  protocol: z.number().int().min(1).nullable(),
  supported: z.array(z.number().int().min(1)).max(16),
  currentRevision: revision,
});

export const presenceSchema = z.strictObject({
  v: z.literal(1),
  state: z.enum(["online", "offline"]),
  agentId: id,
  agentVersion: version,
});

export const journalStatusSchema = z.strictObject({
  backlog: count,
  bytes: count,
  capBytes: count,
  oldestAt: instant.nullable(),
  /**
   * Why the journal refuses appends right now, so the site's accounting goes unanswered (the
   * routers retry): `full` until an append fits again, `failed` (a flush to disk failed) until
   * the agent restarts. Absent from agents older than this field.
   */
  refusing: z.enum(["full", "failed"]).nullable().optional(),
});

export const heartbeatSchema = z.strictObject({
  v: z.literal(1),
  agentId: id,
  /** The agent's clock when sent; the cloud echoes it so the agent measures the round trip. */
  sentAt: epochMs,
  appliedRevision: revision,
  uptimeSeconds: count,
  journal: journalStatusSchema,
  /** From the previous heartbeat's round trip: cloud clock minus agent clock, and the round trip. */
  clockSkewMs: z.number().int().min(-8.64e15).max(8.64e15).nullable(),
  rttMs: z.number().int().min(0).max(86_400_000).nullable(),
});

export const heartbeatAckSchema = z.strictObject({
  v: z.literal(1),
  echoSentAt: epochMs,
  cloudAt: epochMs,
});

export const syncRequestSchema = z.strictObject({
  v: z.literal(1),
  agentId: id,
  sinceRevision: revision,
  /** The agent's store is unusable (new, damaged): send everything. */
  snapshot: z.boolean(),
});

export const notifySchema = z.strictObject({ v: z.literal(1), currentRevision: revision });

export const changeSchema = z.strictObject({
  revision: z.number().int().min(1),
  kind: kindSchema,
  key: z.string().min(1).max(128),
  op: z.enum(["upsert", "delete"]),
  /** Why (isolated, restored, plan_changed…), for the agent's planner; not part of the state. */
  reason: z.string().max(64).nullable(),
  data: data.nullable(),
});

export const changesSchema = z
  .strictObject({
    v: z.literal(1),
    sinceRevision: revision,
    toRevision: revision,
    currentRevision: revision,
    changes: z.array(changeSchema).max(MAX_BATCH),
  })
  .refine((m) => m.toRevision >= m.sinceRevision && m.currentRevision >= m.toRevision, "revisions out of order");

export const stateEntrySchema = z.strictObject({ kind: kindSchema, key: z.string().min(1).max(128), data });

export const snapshotSchema = z
  .strictObject({
    v: z.literal(1),
    snapshotId: id,
    revision,
    part: z.number().int().min(0),
    parts: z.number().int().min(1).max(100_000),
    entries: z.array(stateEntrySchema).max(MAX_BATCH),
  })
  .refine((m) => m.part < m.parts, "part beyond parts");

export const journalRecordSchema = z.strictObject({ seq, kind: kindSchema, at: instant, data });

export const journalSchema = z.strictObject({
  v: z.literal(1),
  agentId: id,
  records: z.array(journalRecordSchema).min(1).max(MAX_BATCH),
});

/** Inclusive ranges of sequence numbers committed in PostgreSQL. */
export const journalAckSchema = z.strictObject({
  v: z.literal(1),
  agentId: id,
  ranges: z
    .array(z.tuple([seq, seq]).refine(([a, b]) => a <= b, "range reversed"))
    .min(1)
    .max(MAX_BATCH),
});

export const commandSchema = z.strictObject({
  v: z.literal(1),
  cmdId: id,
  name: z.string().min(1).max(64),
  args: data,
  notAfter: instant,
});

export const commandResultSchema = z.strictObject({
  v: z.literal(1),
  agentId: id,
  cmdId: id,
  ok: z.boolean(),
  result: data.nullable(),
  error: z.strictObject({ code: z.string().max(64), message: z.string().max(1000) }).nullable(),
});

export const upSchemas = {
  hello: helloSchema,
  presence: presenceSchema,
  heartbeat: heartbeatSchema,
  "sync-request": syncRequestSchema,
  journal: journalSchema,
  "command-result": commandResultSchema,
} satisfies Record<UpName, z.ZodType>;

export const downSchemas = {
  welcome: welcomeSchema,
  notify: notifySchema,
  changes: changesSchema,
  snapshot: snapshotSchema,
  "heartbeat-ack": heartbeatAckSchema,
  "journal-ack": journalAckSchema,
  command: commandSchema,
} satisfies Record<DownName, z.ZodType>;

export type UpMessage<N extends UpName> = z.infer<(typeof upSchemas)[N]>;
export type DownMessage<N extends DownName> = z.infer<(typeof downSchemas)[N]>;
export type Change = z.infer<typeof changeSchema>;
export type StateEntry = z.infer<typeof stateEntrySchema>;
export type JournalRecord = z.infer<typeof journalRecordSchema>;
export type JournalStatus = z.infer<typeof journalStatusSchema>;

export type RejectReason = "oversized" | "not_json" | "schema";
export type Parsed<T> = { ok: true; message: T } | { ok: false; reason: RejectReason; detail: string };

function parseWith<T>(schema: z.ZodType<T>, payload: Uint8Array): Parsed<T> {
  if (payload.byteLength > MAX_MESSAGE_BYTES)
    return { ok: false, reason: "oversized", detail: `${payload.byteLength} bytes > ${MAX_MESSAGE_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
  } catch (error) {
    return { ok: false, reason: "not_json", detail: error instanceof Error ? error.message : String(error) };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reason: "schema", detail: `${issue?.path.join(".") || "(root)"}: ${issue?.message}` };
}

export function parseUp<N extends UpName>(name: N, payload: Uint8Array): Parsed<UpMessage<N>> {
  return parseWith(upSchemas[name] as unknown as z.ZodType<UpMessage<N>>, payload);
}

export function parseDown<N extends DownName>(name: N, payload: Uint8Array): Parsed<DownMessage<N>> {
  return parseWith(downSchemas[name] as unknown as z.ZodType<DownMessage<N>>, payload);
}

/** Serialises a message after checking it against its schema: a sender never emits what a receiver rejects. */
export function encodeUp<N extends UpName>(name: N, message: UpMessage<N>): Buffer {
  return encode(upSchemas[name], message);
}

export function encodeDown<N extends DownName>(name: N, message: DownMessage<N>): Buffer {
  return encode(downSchemas[name], message);
}

function encode(schema: z.ZodType, message: unknown): Buffer {
  schema.parse(message);
  const bytes = Buffer.from(JSON.stringify(message));
  if (bytes.byteLength > MAX_MESSAGE_BYTES) throw new Error(`sync: message of ${bytes.byteLength} bytes is too large`);
  return bytes;
}

/** The highest version both sides speak, or null. */
export function negotiateProtocol(
  offered: readonly number[],
  supported: readonly number[] = PROTOCOL_VERSIONS,
): number | null {
  const common = offered.filter((v) => supported.includes(v));
  return common.length ? Math.max(...common) : null;
}
