import { Database } from "bun:sqlite";
import { randomUUID } from "node:crypto";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";

/** The store's file inside the data directory. */
export const STORE_FILE = "agent.db";

// One schema, created in place; `user_version` says which. A later version adds a step here.
const SCHEMA = [
  `create table meta (key text primary key, value text not null) without rowid`,
  `create table credentials (
     id integer primary key check (id = 1),
     tenant_id text not null,
     site_id text not null,
     site_name text not null,
     agent_id text not null,
     mqtt_url text not null,
     username text not null,
     password text not null,
     ca_pem text,
     protocols text not null,
     enrolled_at text not null
   )`,
  `create table desired_state (kind text not null, key text not null, data text not null, primary key (kind, key)) without rowid`,
  `create table snapshot_parts (
     snapshot_id text not null,
     part integer not null,
     parts integer not null,
     revision integer not null,
     entries text not null,
     primary key (snapshot_id, part)
   ) without rowid`,
  // AUTOINCREMENT: a seq is never reused, even after the newest records were acked and deleted,
  // because the cloud dedupes on (agentId, seq).
  `create table journal (
     seq integer primary key autoincrement,
     kind text not null,
     at text not null,
     data text not null,
     bytes integer not null
   )`,
  `create table command_results (
     id integer primary key autoincrement,
     cmd_id text not null unique,
     payload text not null
   )`,
  // RADIUS (issue 6): User-Name → subscriber without a scan of the desired state.
  `create index desired_state_username on desired_state (json_extract(data, '$.username')) where kind = 'subscriber'`,
  // Sessions the site's routers reported (Start/Interim) and did not end: simultaneous use,
  // CoA/Disconnect targets, stale sweep. A Stop deletes the row.
  `create table radius_sessions (
     nas_id text not null,
     session_id text not null,
     nas_ip text not null,
     user_name text,
     subscription_id text,
     voucher_code text,
     framed_ip text,
     calling_station_id text,
     started_at text not null,
     last_seen_at text not null,
     interim_seconds integer,
     input_octets integer not null default 0,
     output_octets integer not null default 0,
     primary key (nas_id, session_id)
   ) without rowid`,
  `create index radius_sessions_user on radius_sessions (user_name)`,
  `create index radius_sessions_subscription on radius_sessions (subscription_id)`,
  // A voucher's first login at this site, kept so its validity runs from then even while the
  // cloud has not confirmed it (the cloud's voucher entry wins once it says active).
  `create table voucher_uses (
     code text primary key,
     voucher_id text not null,
     activated_at text not null,
     expires_at text not null,
     mac text
   ) without rowid`,
  // The sessions are read once, at start-up, into SessionTable's in-memory index: these two
  // indexes were only a cost, paid on every Accounting-Request's row write.
  `drop index radius_sessions_user`,
  `drop index radius_sessions_subscription`,
  // What each voucher session that ended used (octets both ways), for the plan's quota:
  // radius/sessions/voucher-usage.ts. One row per session, so a Stop sent again counts once.
  `create table voucher_session_usage (
     nas_id text not null,
     session_id text not null,
     code text not null,
     octets integer not null,
     primary key (nas_id, session_id)
   ) without rowid`,
  `create index voucher_session_usage_code on voucher_session_usage (code)`,
  // Enforcement owed to the network for an applied change (enforcement/enforcement-queue.ts):
  // written in the transaction that applied it, deleted once acted on, so a restart in between
  // acts on it then instead of losing it.
  `create table enforcement_queue (
     id integer primary key autoincrement,
     subscription_id text not null,
     revision integer not null,
     requested_at text not null,
     decision text not null
   )`,
];

export interface StoreDatabase {
  readonly db: Database;
  readonly path: string;
  /** The installation's id, generated at first open and never changed: the agentId. */
  readonly installationId: string;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  close(): void;
}

/**
 * Opens (creating when absent) `<dataDir>/agent.db`: WAL with synchronous=FULL, so a commit
 * is on disk when it returns, which is what the journal promises the RADIUS server. The file
 * holds the MQTT password: it is created 0600 (SQLite gives its -wal and -shm the same mode).
 */
export function openStoreDatabase(dataDir: string): StoreDatabase {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, STORE_FILE);
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  chmodSync(path, 0o600);
  const db = new Database(path, { create: true, strict: true });
  // First: every statement after it, the journal mode's included, waits for another process's
  // lock (the agent and `kilusi-agent status` open the same file) instead of failing at once.
  db.exec("pragma busy_timeout = 5000");
  db.exec("pragma journal_mode = wal");
  db.exec("pragma synchronous = full");
  db.exec("pragma foreign_keys = on");
  const { user_version: version } = db.query("pragma user_version").get() as { user_version: number };
  if (version < SCHEMA.length) {
    db.transaction(() => {
      for (const statement of SCHEMA.slice(version)) db.exec(statement);
      db.exec(`pragma user_version = ${SCHEMA.length}`);
    })();
  }
  for (const suffix of ["-wal", "-shm"]) if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);

  const getStmt = db.query("select value from meta where key = ?");
  const setStmt = db.query(
    "insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value",
  );
  const getMeta = (key: string) => (getStmt.get(key) as { value: string } | null)?.value;
  const setMeta = (key: string, value: string) => void setStmt.run(key, value);

  let installationId = getMeta("installation_id");
  if (!installationId) {
    installationId = randomUUID();
    db.query("insert or ignore into meta (key, value) values ('installation_id', ?)").run(installationId);
    installationId = getMeta("installation_id") as string;
  }
  return {
    db,
    path,
    installationId,
    getMeta,
    setMeta,
    close: () => db.close(),
  };
}
