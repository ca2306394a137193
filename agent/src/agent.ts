import type { Logger } from "@kilusi/shared/logger";
import { type DownMessage, type JournalStatus, PROTOCOL_VERSIONS, type UpMessage } from "@kilusi/shared/sync/messages";
import type { DownName } from "@kilusi/shared/sync/topics";
import type { AgentConfig } from "./config/config.ts";
import { startEnforcement } from "./enforcement/enforcer.ts";
import { type RadiusService, startRadius } from "./radius/start-radius.ts";
import { readCredentials } from "./store/credentials.ts";
import { openStoreDatabase } from "./store/database.ts";
import { Journal } from "./store/journal.ts";
import { DesiredStateStore } from "./store/store.ts";
import { CommandRunner } from "./sync/commands.ts";
import { DesiredStateSync } from "./sync/desired-state.ts";
import { Heartbeat } from "./sync/heartbeat.ts";
import { JournalSender } from "./sync/journal-sender.ts";
import { SyncClient } from "./sync/sync-client.ts";
import { AGENT_VERSION } from "./version.ts";

export class NotEnrolledError extends Error {
  constructor(dataDir: string) {
    super(`not enrolled (no credentials in ${dataDir}): run \`kilusi-agent enroll <url> <token>\` first`);
    this.name = "NotEnrolledError";
  }
}

export interface AgentStatus {
  agentId: string;
  tenantId: string;
  siteId: string;
  siteName: string;
  startedAt: string;
  connected: boolean;
  /** The protocol agreed on this connection; null: none in common; undefined: no welcome yet. */
  protocol: number | null | undefined;
  appliedRevision: number;
  syncedAt: string | null;
  stateHash: string;
  entries: Record<string, number>;
  journal: JournalStatus;
  journalInFlight: number;
  lastConnectedAt: string | null;
  clock: { skewMs: number | null; rttMs: number | null };
  rejectedMessages: Record<string, number>;
  /** null: RADIUS disabled by config. */
  radius: ({ authPort: number; acctPort: number } & ReturnType<RadiusService["stats"]>) | null;
}

export interface Agent {
  readonly agentId: string;
  readonly journal: Journal;
  /** null: RADIUS disabled by config. */
  readonly radius: RadiusService | null;
  status(): AgentStatus;
  /** Stops appends, commits what was accepted, says offline (retained), disconnects, closes the store. */
  stop(): Promise<void>;
}

/**
 * Opens the store and runs the sync session: the journal accepts appends at once, whether or
 * not the broker is reachable; everything else follows the connection.
 */
export async function startAgent(config: AgentConfig, baseLogger: Logger): Promise<Agent> {
  const db = openStoreDatabase(config.dataDir);
  const creds = readCredentials(db);
  if (!creds) {
    db.close();
    throw new NotEnrolledError(config.dataDir);
  }
  const agentId = db.installationId;
  const site = { tenantId: creds.tenantId, siteId: creds.siteId };
  const logger = baseLogger.child({ tenantId: site.tenantId, siteId: site.siteId, agentId });
  const startedAt = new Date();
  const store = new DesiredStateStore(db);
  const journal = new Journal(db, {
    maxBytes: config.journal.maxBytes,
    groupCommitMs: config.journal.groupCommitMs,
    logger,
  });
  let radius: RadiusService | null = null;
  if (config.radius.enabled) {
    try {
      radius = await startRadius({ config: config.radius, db, store, journal, logger });
    } catch (error) {
      // Self-test or bind failure: the agent does not start half-way.
      journal.close();
      db.close();
      throw error;
    }
  }
  // Subscriber changes → CoA/Disconnect to the sessions' routers; needs the RADIUS sessions.
  const enforcement = radius
    ? startEnforcement({ store, sessions: radius.sessions, journal, radiusServer: radius.server, config, logger })
    : null;
  let protocol: number | null | undefined;
  let helloTimer: ReturnType<typeof setInterval> | undefined;

  const uptimeSeconds = () => Math.floor((Date.now() - startedAt.getTime()) / 1000);
  const presence = (state: "online" | "offline"): UpMessage<"presence"> => ({
    v: 1,
    state,
    agentId,
    agentVersion: AGENT_VERSION,
  });
  const publish: SyncClient["publish"] = (name, message, opts) => client.publish(name, message, opts);

  const sync = new DesiredStateSync({
    store,
    agentId,
    send: (m) => publish("sync-request", m),
    reject: (name, detail) => client.reject(`down/${name}`, name, "schema", detail),
    timeoutMs: config.sync.timeoutSeconds * 1000,
    logger,
  });
  const sender = new JournalSender({
    journal,
    publish: (records) => publish("journal", { v: 1, agentId, records }),
    window: config.journal.window,
    batchRecords: config.journal.batchRecords,
    ackTimeoutMs: config.journal.ackTimeoutSeconds * 1000,
    logger,
  });
  const heartbeat = new Heartbeat({
    intervalMs: config.heartbeatSeconds * 1000,
    build: () => ({
      v: 1,
      agentId,
      appliedRevision: store.appliedRevision(),
      uptimeSeconds: uptimeSeconds(),
      journal: journal.status(),
    }),
    publish: (m) => publish("heartbeat", m),
    logger,
  });
  // The site's accounting going unanswered (or answered again) reaches the site's page now, not
  // at the next regular heartbeat.
  journal.onRefusing(() => heartbeat.beatNow());
  const commands = new CommandRunner({
    store: db,
    agentId,
    publish: (result) => publish("command-result", result),
    logger,
    handlers: {
      ...(enforcement && { kick: enforcement.kick }),
      diagnostics: () => {
        const clock = heartbeat.clock();
        return {
          agentVersion: AGENT_VERSION,
          protocol: protocol ?? null,
          startedAt: startedAt.toISOString(),
          uptimeSeconds: uptimeSeconds(),
          appliedRevision: store.appliedRevision(),
          store: { bytes: store.bytes(), entries: store.countsByKind() },
          journal: journal.status(),
          clock: { now: new Date().toISOString(), skewMs: clock.skewMs, rttMs: clock.rttMs },
          rejectedMessages: Object.fromEntries(client.rejected),
          runtime: { bun: Bun.version, os: process.platform, arch: process.arch },
        };
      },
    },
  });

  const hello = () =>
    publish("hello", {
      v: 1,
      agentId,
      agentVersion: AGENT_VERSION,
      protocols: [...PROTOCOL_VERSIONS],
      appliedRevision: store.appliedRevision(),
      startedAt: startedAt.toISOString(),
    });

  const onWelcome = (m: DownMessage<"welcome">) => {
    if (helloTimer) clearInterval(helloTimer);
    helloTimer = undefined;
    if (m.protocol === null || !(PROTOCOL_VERSIONS as readonly number[]).includes(m.protocol)) {
      logger.error(
        { offered: PROTOCOL_VERSIONS, supported: m.supported, protocol: m.protocol },
        "no common protocol with the cloud: staying connected, syncing nothing until one side is upgraded",
      );
      protocol = null;
      return;
    }
    const first = protocol === undefined;
    protocol = m.protocol;
    logger.info({ protocol, currentRevision: m.currentRevision, appliedRevision: store.appliedRevision() }, "welcomed");
    sync.onWelcome(m.currentRevision);
    if (first) {
      heartbeat.start();
      sender.start();
    }
  };

  const handlers: { [N in DownName]: (m: DownMessage<N>) => void } = {
    welcome: onWelcome,
    notify: (m) => sync.onNotify(m),
    changes: (m) => sync.onChanges(m),
    snapshot: (m) => sync.onSnapshot(m),
    "heartbeat-ack": (m) => heartbeat.onAck(m),
    "journal-ack": (m) => {
      if (m.agentId === agentId) sender.onAck(m.ranges);
      else client.reject("down/journal-ack", "journal-ack", "agent_mismatch", `ack for agent ${m.agentId}`);
    },
    command: (m) => {
      commands.handle(m).catch((error) => logger.error({ err: String(error) }, "command handling failed"));
    },
  };
  const onMessage = <N extends DownName>(name: N, message: DownMessage<N>): void => {
    if (name !== "welcome" && protocol === null) {
      logger.debug({ message: name }, "ignored: no common protocol");
      return;
    }
    (handlers[name] as (m: DownMessage<N>) => void)(message);
  };

  const client: SyncClient = new SyncClient({
    url: config.mqtt.url ?? creds.mqtt.url,
    caPem: creds.mqtt.caPem,
    username: creds.mqtt.username,
    password: creds.mqtt.password,
    agentId,
    site,
    keepaliveSeconds: config.mqtt.keepaliveSeconds,
    protocolVersion: config.mqtt.protocolVersion,
    reconnectMinMs: config.mqtt.reconnectMinSeconds * 1000,
    reconnectMaxMs: config.mqtt.reconnectMaxSeconds * 1000,
    will: { name: "presence", message: presence("offline") },
    logger,
    onConnect: () => {
      db.setMeta("last_connected_at", new Date().toISOString());
      protocol = undefined;
      publish("presence", presence("online"), { retain: true });
      hello();
      // A hello the cloud missed (it was restarting) is said again until a welcome comes.
      helloTimer = setInterval(hello, config.sync.timeoutSeconds * 1000);
    },
    onClose: () => {
      if (helloTimer) clearInterval(helloTimer);
      helloTimer = undefined;
      protocol = undefined;
      sync.onDisconnect();
      heartbeat.stop();
      sender.stop();
    },
    onMessage,
  });
  client.start();
  logger.info(
    {
      agentVersion: AGENT_VERSION,
      dataDir: config.dataDir,
      appliedRevision: store.appliedRevision(),
      journal: journal.status(),
    },
    "agent started",
  );

  let stopping: Promise<void> | undefined;
  // After stop the store is closed: status() answers with what it was at that moment.
  let final: AgentStatus | undefined;
  const status = (): AgentStatus =>
    final ?? {
      agentId,
      tenantId: site.tenantId,
      siteId: site.siteId,
      siteName: creds.siteName,
      startedAt: startedAt.toISOString(),
      connected: client.connected(),
      protocol,
      appliedRevision: store.appliedRevision(),
      syncedAt: store.syncedAt(),
      stateHash: store.stateHash(),
      entries: store.countsByKind(),
      journal: journal.status(),
      journalInFlight: sender.inFlight(),
      lastConnectedAt: db.getMeta("last_connected_at") ?? null,
      clock: heartbeat.clock(),
      rejectedMessages: Object.fromEntries(client.rejected),
      radius: radius && { authPort: radius.authPort, acctPort: radius.acctPort, ...radius.stats() },
    };
  return {
    agentId,
    journal,
    radius,
    status,
    stop: () => {
      stopping ??= (async () => {
        if (helloTimer) clearInterval(helloTimer);
        heartbeat.stop();
        sender.close();
        sync.onDisconnect();
        // Both are started closing before the journal closes, without a wait in between: nothing
        // appends to a closed journal, and no append slips in after stop() was called. The RADIUS
        // ports stop taking datagrams at once; both are awaited after, with the broker's goodbye.
        const enforcementClosed = enforcement?.close();
        const radiusClosed = radius?.close();
        journal.close();
        await client.stop({ name: "presence", message: presence("offline"), retain: true });
        await Promise.all([enforcementClosed, radiusClosed]);
        final = { ...status(), connected: false };
        db.close();
        logger.info({ journal: final.journal }, "agent stopped");
      })();
      return stopping;
    },
  };
}
