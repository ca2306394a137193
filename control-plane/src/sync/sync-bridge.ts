import type { Logger } from "@kilusi/shared/logger";
import {
  type DownMessage,
  encodeDown,
  negotiateProtocol,
  PROTOCOL_VERSIONS,
  parseUp,
  type UpMessage,
} from "@kilusi/shared/sync/messages";
import { type DownName, downTopic, parseTopic, type SiteAddress, type UpName } from "@kilusi/shared/sync/topics";
import type { Clock } from "../clock.ts";
import type { MasterSealing } from "../crypto/tenant-keys.ts";
import type { Database } from "../db/database.ts";
import type { BrokerConnection } from "../mqtt/broker-connection.ts";
import type { Metrics } from "../observability/metrics.ts";
import { agentHeartbeat, agentHello, agentPresence, isActiveAgent } from "./agent-status.ts";
import { completeCommand } from "./commands.usecases.ts";
import { type IngestContext, ingestJournal, seqRanges } from "./journal-ingest.ts";
import { answerSyncRequest } from "./revision-log.ts";

export interface SyncBridge {
  /** Publishes to one site's agent (QoS 1). */
  publish<N extends DownName>(site: SiteAddress, name: N, message: DownMessage<N>): Promise<void>;
  close(): Promise<void>;
}

export interface SyncBridgeDeps {
  database: Database;
  broker: BrokerConnection;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  /** Opens passwords and router secrets on their way to the site (site-secrets.ts). */
  sealing: MasterSealing;
  /** The filter for every site's up/… (a shared subscription on Mosquitto: mqtt/subscriptions.ts). */
  subscription: string;
}

const REJECTED = "sync_messages_rejected_total";
const REJECTED_HELP = "Sync messages refused by the cloud, by topic name and reason.";

/**
 * The cloud's side of the sync contract (DESIGN §6): every agent's up/… messages in, answers
 * and announcements down. Messages of one site are handled one after the other, in arrival
 * order, so hello is answered before the sync request that follows it; sites run in parallel.
 * The tenant and the site come from the topic the broker let the agent publish to.
 */
export async function startSyncBridge(deps: SyncBridgeDeps): Promise<SyncBridge> {
  const { client } = deps.broker;
  const queues = new Map<string, Promise<void>>();
  const log = deps.logger.child({ component: "sync" });

  const publish = async <N extends DownName>(site: SiteAddress, name: N, message: DownMessage<N>) => {
    await client.publishAsync(downTopic(site, name), encodeDown(name, message), { qos: 1 });
  };

  const reject = (topic: string, name: string, reason: string, detail: string) => {
    deps.metrics.count(REJECTED, REJECTED_HELP, { name, reason });
    log.warn({ topic, reason, detail }, "sync message rejected");
  };

  const handlers: {
    [N in UpName]: (ctx: IngestContext, site: SiteAddress, m: UpMessage<N>) => Promise<string | null>;
  } = {
    async hello(ctx, site, m) {
      const protocol = negotiateProtocol(m.protocols);
      const revision = await deps.database.withTenant(ctx.tenantId, (tx) =>
        agentHello(tx, ctx, m, protocol, deps.clock.now()),
      );
      if (revision === null) return "unknown_agent";
      await publish(site, "welcome", { v: 1, protocol, supported: [...PROTOCOL_VERSIONS], currentRevision: revision });
      return null;
    },
    async presence(ctx, _site, m) {
      const known = await deps.database.withTenant(ctx.tenantId, (tx) => agentPresence(tx, ctx, m, deps.clock.now()));
      return known ? null : "unknown_agent";
    },
    async heartbeat(ctx, site, m) {
      const revision = await deps.database.withTenant(ctx.tenantId, (tx) =>
        agentHeartbeat(tx, ctx, m, deps.clock.now()),
      );
      if (revision === null) return "unknown_agent";
      await publish(site, "heartbeat-ack", { v: 1, echoSentAt: m.sentAt, cloudAt: deps.clock.now().getTime() });
      // A missed announcement costs at most one heartbeat interval.
      if (m.appliedRevision < revision) await publish(site, "notify", { v: 1, currentRevision: revision });
      return null;
    },
    async "sync-request"(ctx, site, m) {
      const answer = await deps.database.withTenant(ctx.tenantId, async (tx) =>
        (await isActiveAgent(tx, ctx))
          ? answerSyncRequest(tx, deps.sealing, ctx.tenantId, ctx.siteId, m.sinceRevision, m.snapshot)
          : undefined,
      );
      if (answer === undefined) return "unknown_agent";
      if (answer === null) return "unknown_site";
      if (answer.unopened > 0) {
        log.error({ ...ctx, secrets: answer.unopened }, "sealed secrets that cannot be opened were sent as null");
      }
      if (answer.kind === "changes") {
        const { kind: _, unopened: __, ...changes } = answer;
        await publish(site, "changes", { v: 1, ...changes });
      } else {
        const snapshotId = crypto.randomUUID();
        const parts = answer.parts.length;
        for (const [part, entries] of answer.parts.entries()) {
          await publish(site, "snapshot", { v: 1, snapshotId, revision: answer.revision, part, parts, entries });
        }
        log.info({ ...ctx, revision: answer.revision, parts }, "snapshot sent");
      }
      return null;
    },
    async journal(ctx, site, m) {
      const stored = await deps.database.withTenant(ctx.tenantId, async (tx) =>
        (await isActiveAgent(tx, ctx)) ? ingestJournal(tx, ctx, m.records, log) : null,
      );
      if (stored === null) return "unknown_agent";
      deps.metrics.count(
        "sync_journal_records_total",
        "Journal records received, new or already stored.",
        {
          stored: "new",
        },
        stored,
      );
      deps.metrics.count(
        "sync_journal_records_total",
        "Journal records received, new or already stored.",
        {
          stored: "duplicate",
        },
        m.records.length - stored,
      );
      // After the commit, never before: the agent deletes what is acked.
      await publish(site, "journal-ack", { v: 1, agentId: m.agentId, ranges: seqRanges(m.records.map((r) => r.seq)) });
      return null;
    },
    async "command-result"(ctx, _site, m) {
      const done = await deps.database.withTenant(ctx.tenantId, (tx) => completeCommand(tx, ctx, m, deps.clock.now()));
      return done ? null : "unknown_command";
    },
  };

  const handle = async (topic: string, payload: Buffer) => {
    const parsed = parseTopic(topic);
    if (parsed?.direction !== "up") return reject(topic, "-", "topic", "not an up topic of the contract");
    const name = parsed.name as UpName;
    const message = parseUp(name, payload);
    if (!message.ok) return reject(topic, name, message.reason, message.detail);
    const m = message.message as UpMessage<UpName> & { agentId?: string };
    if (!m.agentId) return reject(topic, name, "schema", "no agentId");
    const site = { tenantId: parsed.tenantId, siteId: parsed.siteId };
    const ctx: IngestContext = { ...site, agentId: m.agentId };
    const handler = handlers[name] as (ctx: IngestContext, site: SiteAddress, m: unknown) => Promise<string | null>;
    const refused = await handler(ctx, site, m);
    if (refused) reject(topic, name, refused, `agent ${m.agentId}`);
  };

  client.on("message", (topic, payload) => {
    if (!topic.startsWith("kilusi/")) return;
    const key = topic.split("/").slice(2, 4).join("/");
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => handle(topic, payload))
      .catch((error: unknown) => log.error({ err: error, topic }, "sync message failed"))
      .finally(() => {
        if (queues.get(key) === next) queues.delete(key);
      });
    queues.set(key, next);
  });
  const filter = deps.subscription;
  client.on("connect", () => {
    client
      .subscribeAsync(filter, { qos: 1 })
      .catch((error) => log.warn({ err: error.message }, "sync subscribe failed"));
  });
  if (client.connected) await client.subscribeAsync(filter, { qos: 1 });

  // Every committed site change is announced at once: the agent then asks for it.
  const unlisten = await deps.database.listen("kilusi_site_revision", (payload) => {
    const [tenantId, siteId, revision] = payload.split(" ");
    if (!tenantId || !siteId) return;
    publish({ tenantId, siteId }, "notify", { v: 1, currentRevision: Number(revision) }).catch((error: Error) =>
      log.warn({ err: error.message, tenantId, siteId }, "notify not published"),
    );
  });

  return {
    publish,
    async close() {
      await unlisten();
      await Promise.allSettled(queues.values());
    },
  };
}
