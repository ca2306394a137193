// Helpers for the RADIUS tests in the cloud: journal records as the agent builds them, a batch
// ingested through the real ingest path, and a logger whose lines the test can read. Not
// imported by the application.
import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import { createLogger, type Logger } from "@kilusi/shared/logger";
import type { JournalRecord } from "@kilusi/shared/sync/messages";
import { type DownMessage, encodeUp, parseDown } from "@kilusi/shared/sync/messages";
import type {
  AccountingRecord,
  EnforcementRecord,
  SessionClosedRecord,
  VoucherActivatedRecord,
} from "@kilusi/shared/sync/radius-records";
import { downTopic, upTopic } from "@kilusi/shared/sync/topics";
import mqtt from "mqtt";
import { createEnrollmentToken } from "../agents/enrollment.usecases.ts";
import type { Actor } from "../auth/actor.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { seedAgent } from "../sites/sites.testing.ts";
import { type IngestContext, ingestJournal } from "../sync/journal-ingest.ts";

let seqs = 0;
let ids = 0;

/** A logger that keeps its JSON lines for the test to read. */
export function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger({ name: "test", level: "info", destination }), lines };
}

/** An agent enrolled at the site, and the context its journal batches are ingested under. */
export async function ingestContext(
  cp: AssembledControlPlane,
  tenantId: string,
  siteId: string,
): Promise<IngestContext> {
  const agentId = await seedAgent(cp, tenantId, siteId);
  return { tenantId, siteId, agentId };
}

/**
 * An agent enrolled through the real endpoint and connected to the embedded broker: the
 * commands the cloud sends it are collected, and it can answer them over MQTT.
 */
export async function connectedAgent(cp: AssembledControlPlane, actor: Actor, siteId: string) {
  const { token } = await createEnrollmentToken(
    { database: cp.database, clock: { now: () => new Date() } },
    actor,
    siteId,
    { ip: "127.0.0.1", requestId: "test", userAgent: "bun test" },
  );
  const agentId = crypto.randomUUID();
  const res = await cp.app.request("/api/v1/agent/enroll", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, agentId, hostname: "pop-1", agentVersion: "0.6.0-test" }),
  });
  if (res.status !== 200) throw new Error(`enrollment answered ${res.status}`);
  const creds = ((await res.json()) as { mqtt: { url: string; username: string; password: string } }).mqtt;
  const site = { tenantId: actor.tenantId, siteId };
  const client = await mqtt.connectAsync(creds.url, {
    username: creds.username,
    password: creds.password,
    clientId: creds.username,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  const commands: DownMessage<"command">[] = [];
  client.on("message", (topic, payload) => {
    if (!topic.endsWith("/command")) return;
    const parsed = parseDown("command", payload);
    if (parsed.ok) commands.push(parsed.message as DownMessage<"command">);
  });
  await client.subscribeAsync(downTopic(site, "command"), { qos: 1 });
  return {
    agentId,
    ctx: { tenantId: actor.tenantId, siteId, agentId } satisfies IngestContext,
    commands,
    async nextCommand(timeoutMs = 5_000): Promise<DownMessage<"command">> {
      for (let waited = 0; commands.length === 0 && waited < timeoutMs; waited += 25) await Bun.sleep(25);
      const next = commands.shift();
      if (!next) throw new Error(`no command within ${timeoutMs} ms`);
      return next;
    },
    answer: (cmdId: string, result: Record<string, unknown>) =>
      client.publishAsync(
        upTopic(site, "command-result"),
        Buffer.from(encodeUp("command-result", { v: 1, agentId, cmdId, ok: true, result, error: null })),
        { qos: 1 },
      ),
    close: () => client.endAsync(true),
  };
}

/** Ingests one batch as the sync bridge does; returns how many records were new. */
export function ingest(
  cp: AssembledControlPlane,
  ctx: IngestContext,
  records: JournalRecord[],
  log: Logger = cp.logger,
): Promise<number> {
  return cp.database.withTenant(ctx.tenantId, (tx) => ingestJournal(tx, ctx, records, log));
}

/** A journal record of `kind` with the next seq. */
export function record(kind: string, data: object, seq = ++seqs + 1_000_000): JournalRecord {
  return { seq, kind, at: new Date().toISOString(), data: data as Record<string, unknown> };
}

/** An Accounting-Request's record; the unique id is derived from what makes it unique, as the agent does. */
export function accounting(overrides: Partial<AccountingRecord> & Pick<AccountingRecord, "nasId">): AccountingRecord {
  const base: Omit<AccountingRecord, "uniqueId"> = {
    nasIp: "10.0.0.1",
    statusType: "Interim-Update",
    sessionId: "81a00001",
    userName: "budi",
    subscriptionId: null,
    voucherCode: null,
    framedIp: "10.10.0.7",
    callingStationId: "AA:BB:CC:00:11:22",
    nasPortId: "pppoe-budi",
    sessionTime: 60,
    inputOctets: 0,
    outputOctets: 0,
    inputPackets: 0,
    outputPackets: 0,
    terminateCause: null,
    eventAt: new Date().toISOString(),
    receivedAt: new Date().toISOString(),
    ...overrides,
  };
  const uniqueId =
    overrides.uniqueId ??
    createHash("sha256")
      .update(JSON.stringify([base.nasId, base.statusType, base.sessionId, base.eventAt, base.inputOctets, ++ids]))
      .digest("hex");
  return { ...base, uniqueId };
}

export const sessionClosed = (data: SessionClosedRecord) => record("radius.session_closed", data);
export const voucherActivated = (data: VoucherActivatedRecord) => record("radius.voucher_activated", data);
export const enforcementOutcome = (data: EnforcementRecord) => record("enforcement.outcome", data);
export const accountingRecord = (data: AccountingRecord) => record("radius.accounting", data);

/** An enforcement outcome with the dull fields filled in. */
export function outcome(
  overrides: Partial<EnforcementRecord> & Pick<EnforcementRecord, "subscriptionId" | "outcome">,
): EnforcementRecord {
  const now = new Date().toISOString();
  return {
    revision: 1,
    reason: "isolated",
    action: "disconnect",
    sessionId: "81a00001",
    nasId: null,
    attempts: 1,
    errorCause: null,
    errorCauseName: null,
    detail: null,
    requestedAt: now,
    completedAt: now,
    ...overrides,
  };
}
