/**
 * For tests: a site's store with NAS and subscriber entries (applied as a real changes batch),
 * its journal, the real RADIUS service on loopback free ports, and the two clients tests drive
 * it with: FreeRADIUS's radclient, and a bare UDP socket that sends exact bytes and keeps the
 * exact replies.
 */
import { createSocket, type Socket } from "node:dgram";
import type { Change, DownMessage } from "@kilusi/shared/sync/messages";
import type { NasState, SubscriberState } from "@kilusi/shared/sync/site-state";
import type { AgentConfig } from "../../config/config.ts";
import { openStoreDatabase, type StoreDatabase } from "../../store/database.ts";
import { Journal } from "../../store/journal.ts";
import { DesiredStateStore } from "../../store/store.ts";
import { tempDataDir } from "../../testing/fixtures.ts";
import { captureLogs } from "../../testing/logs.ts";
import { type RadiusService, startRadius } from "../start-radius.ts";

export const SECRET = "kilusi-test-secret-0123456789";

export const nasState = (over: Partial<NasState> = {}): NasState => ({
  name: "core",
  address: "127.0.0.1",
  secret: SECRET,
  previousSecret: null,
  previousSecretValidUntil: null,
  coaPort: 3799,
  requireMessageAuthenticator: true,
  limitProxyState: true,
  ...over,
});

export const subscriberState = (username: string, password: string, over: Partial<SubscriberState> = {}) =>
  ({
    status: "active",
    access: "pppoe",
    username,
    password,
    staticIp: null,
    mac: null,
    expiresAt: null,
    plan: {
      id: "plan-10m",
      name: "10M",
      type: "pppoe",
      downloadKbps: 10_240,
      uploadKbps: 5_120,
      burstDownloadKbps: null,
      burstUploadKbps: null,
      burstThresholdDownloadKbps: null,
      burstThresholdUploadKbps: null,
      burstTimeSeconds: null,
      addressPool: "pool-10m",
      profileName: null,
      quotaBytes: null,
    },
    ...over,
  }) satisfies SubscriberState;

export interface TestSite {
  db: StoreDatabase;
  store: DesiredStateStore;
  journal: Journal;
  radius: RadiusService;
  logs: ReturnType<typeof captureLogs>;
  /** Applies one changes batch at the next revision: `[kind, key, data]`, data null deletes. */
  apply(entries: [kind: string, key: string, data: object | null][]): void;
  /** The journal's records of one kind, oldest first. */
  records(kind: string): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startTestSite(
  opts: {
    entries?: [kind: string, key: string, data: object][];
    radius?: Partial<AgentConfig["radius"]>;
    journalMaxBytes?: number;
    sweepIntervalMs?: number;
    /** What the captured logs keep (benchmarks: "warn", as the agent runs in production). */
    logLevel?: Parameters<typeof captureLogs>[0];
  } = {},
): Promise<TestSite> {
  const db = openStoreDatabase(tempDataDir());
  const store = new DesiredStateStore(db);
  const logs = captureLogs(opts.logLevel ?? "debug");
  const journal = new Journal(db, {
    maxBytes: opts.journalMaxBytes ?? 64 * 1024 * 1024,
    groupCommitMs: 5,
    logger: logs.logger,
  });
  let revision = 0;
  const apply: TestSite["apply"] = (entries) => {
    const changes: Change[] = entries.map(([kind, key, data], i) => ({
      revision: revision + i + 1,
      kind,
      key,
      op: data === null ? "delete" : "upsert",
      reason: null,
      data: data as Record<string, unknown> | null,
    }));
    const message = {
      v: 1,
      sinceRevision: revision,
      toRevision: revision + entries.length,
      currentRevision: revision + entries.length,
      changes,
    } as DownMessage<"changes">;
    const outcome = store.applyChanges(message);
    if (outcome.status !== "applied") throw new Error(`fixture not applied: ${JSON.stringify(outcome)}`);
    revision += entries.length;
  };
  apply(opts.entries ?? [["nas", "nas-core", nasState()]]);
  let radius: RadiusService;
  try {
    radius = await startRadius({
      config: { enabled: true, bind: "127.0.0.1", authPort: 0, acctPort: 0, interimSeconds: 300, ...opts.radius },
      db,
      store,
      journal,
      logger: logs.logger,
      ...(opts.sweepIntervalMs ? { sweepIntervalMs: opts.sweepIntervalMs } : {}),
    });
  } catch (error) {
    journal.close();
    db.close();
    throw error;
  }
  return {
    db,
    store,
    journal,
    radius,
    logs,
    apply,
    records: (kind) =>
      journal
        .readAfter(0, 100_000)
        .filter((r) => r.kind === kind)
        .map((r) => r.data),
    async close() {
      await radius.close();
      journal.close();
      db.close();
    },
  };
}

export interface Radclient {
  code: number;
  out: string;
}

/** radclient -x with one try of `timeoutSeconds`: "No reply" shows within about that time. */
export async function radclient(
  target: string,
  kind: "auth" | "acct" | "status",
  attributes: string[],
  { secret = SECRET, timeoutSeconds = 1 }: { secret?: string; timeoutSeconds?: number } = {},
): Promise<Radclient> {
  const proc = Bun.spawn(["radclient", "-x", "-r", "1", "-t", String(timeoutSeconds), target, kind, secret], {
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

/** A UDP socket on `address` that sends datagrams and collects what comes back. */
export interface RawClient {
  socket: Socket;
  replies: Buffer[];
  send(bytes: Buffer, port: number, host?: string): Promise<void>;
  /** Resolves with the next reply, or null after `ms` without one. */
  next(ms?: number): Promise<Buffer | null>;
  close(): Promise<void>;
}

export async function rawClient(address = "127.0.0.1", onReply?: (reply: Buffer) => void): Promise<RawClient> {
  const socket = createSocket(address.includes(":") ? "udp6" : "udp4");
  const replies: Buffer[] = [];
  const waiting: ((b: Buffer) => void)[] = [];
  let read = 0;
  socket.on("message", (m) => {
    onReply?.(m);
    replies.push(m);
    waiting.shift()?.(m);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, address, () => resolve());
  });
  return {
    socket,
    replies,
    send: (bytes, port, host = address.includes(":") ? "::1" : "127.0.0.1") =>
      new Promise<void>((resolve, reject) =>
        socket.send(bytes, port, host, (error) => (error ? reject(error) : resolve())),
      ),
    next(ms = 1_000) {
      if (read < replies.length) return Promise.resolve(replies[read++] as Buffer);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          const i = waiting.indexOf(got);
          if (i >= 0) waiting.splice(i, 1);
          resolve(null);
        }, ms);
        const got = (b: Buffer) => {
          clearTimeout(timer);
          read++;
          resolve(b);
        };
        waiting.push(got);
      });
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
