import { existsSync, readFileSync } from "node:fs";
import type { LogLevel } from "@kilusi/shared/logger";
import { z } from "zod";

// Every key the agent reads, with its default and meaning: one table drives the parser, the
// environment names (KILUSI_AGENT_<SECTION>_<KEY>) and the --print-config template, so the three
// cannot drift. The config holds no secrets: credentials live in the store, written by `enroll`.

export const DEFAULT_CONFIG_PATH = "/etc/kilusi/agent.toml";
export const ENV_PREFIX = "KILUSI_AGENT_";

const number = (min: number, max: number, opts: { int?: boolean; unit?: string } = {}) => {
  const what = `${opts.int ? "a whole number" : "a number"}${opts.unit ? ` of ${opts.unit}` : ""} from ${min} to ${max}`;
  const base = z.coerce.number({ error: `must be ${what}` }).refine(Number.isFinite, `must be ${what}`);
  return (opts.int ? base.refine(Number.isInteger, `must be ${what}`) : base).refine(
    (v) => v >= min && v <= max,
    `must be ${what}`,
  );
};

const mqttUrl = z
  .string({ error: "must be a URL" })
  .trim()
  .refine((v) => {
    try {
      return ["mqtt:", "mqtts:", "ws:", "wss:"].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, "must be a URL starting with mqtt://, mqtts://, ws:// or wss://");

interface KeyDef {
  schema: z.ZodType;
  /** undefined: the key is optional and absent by default (the template shows it commented out). */
  default: string | number | undefined;
  example?: string;
  doc: string;
}

export const CONFIG_KEYS = {
  data_dir: {
    schema: z.string({ error: "must be a path" }).trim().min(1, "must be a path"),
    default: "/var/lib/kilusi-agent",
    doc: "Directory of the store (agent.db: desired state, journal, credentials).",
  },
  log_level: {
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    }),
    default: "info",
    doc: "Least severe log level written (JSON lines on stdout).",
  },
  heartbeat_seconds: {
    schema: number(0.1, 3600, { unit: "seconds" }),
    default: 30,
    doc: "Interval of the heartbeat to the cloud (applied revision, journal backlog, clock).",
  },
  "sync.timeout_seconds": {
    schema: number(0.1, 3600, { unit: "seconds" }),
    default: 15,
    doc: "A sync request (or hello) with no answer in this time is sent again.",
  },
  "journal.max_bytes": {
    schema: number(1024, Number.MAX_SAFE_INTEGER, { int: true, unit: "bytes" }),
    default: 256 * 1024 * 1024,
    doc: "Cap on the journal's stored data; when full, appends fail (nothing is dropped or overwritten).",
  },
  "journal.window": {
    schema: number(1, 64, { int: true, unit: "batches" }),
    default: 4,
    doc: "Journal batches sent and not yet acknowledged by the cloud, at most.",
  },
  "journal.batch_records": {
    schema: number(1, 1000, { int: true, unit: "records" }),
    default: 500,
    doc: "Records per journal batch, at most.",
  },
  "journal.ack_timeout_seconds": {
    schema: number(0.1, 3600, { unit: "seconds" }),
    default: 10,
    doc: "A journal batch not acknowledged in this time is sent again.",
  },
  "journal.group_commit_ms": {
    schema: number(0, 1000, { unit: "milliseconds" }),
    default: 0,
    doc: "Appends arriving within this time are committed in one transaction; 0: those of one event-loop turn, committed at its end. Each commit is then synced to disk before its appends count as journaled.",
  },
  "mqtt.url": {
    schema: mqttUrl,
    default: undefined,
    example: "mqtts://broker.example.com:8883",
    doc: "Broker URL, overriding the one received at enrollment.",
  },
  "mqtt.keepalive_seconds": {
    schema: number(5, 3600, { int: true, unit: "seconds" }),
    default: 30,
    doc: "MQTT keepalive; the broker publishes the offline presence after 1.5 times this.",
  },
  "mqtt.protocol_version": {
    schema: number(4, 5, { int: true }),
    default: 4,
    doc: "MQTT 3.1.1 (4) or 5. The contract needs nothing of 5; the embedded broker speaks only 4.",
  },
  "mqtt.reconnect_min_seconds": {
    schema: number(0.05, 3600, { unit: "seconds" }),
    default: 1,
    doc: "First reconnect delay; it doubles per failed attempt (±30 % jitter).",
  },
  "mqtt.reconnect_max_seconds": {
    schema: number(0.05, 86_400, { unit: "seconds" }),
    default: 60,
    doc: "Longest reconnect delay.",
  },
  "radius.enabled": {
    schema: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")], {
      error: "must be true or false",
    }),
    default: "true",
    doc: "Serve RADIUS (authentication, accounting) to the site's routers.",
  },
  "radius.bind": {
    schema: z.ipv4({ error: "must be an IP address" }).or(z.ipv6({ error: "must be an IP address" })),
    default: "0.0.0.0",
    doc: "Address the RADIUS ports listen on (0.0.0.0: every IPv4 address; :: every address).",
  },
  "radius.auth_port": {
    schema: number(0, 65_535, { int: true }),
    default: 1812,
    doc: "UDP port for Access-Request and Status-Server (0: any free port, for tests).",
  },
  "radius.acct_port": {
    schema: number(0, 65_535, { int: true }),
    default: 1813,
    doc: "UDP port for Accounting-Request (0: any free port, for tests).",
  },
  "radius.interim_seconds": {
    schema: number(60, 86_400, { int: true, unit: "seconds" }),
    default: 300,
    doc: "Acct-Interim-Interval sent in every Access-Accept; a session silent for 3 of them is closed as stale.",
  },
  "coa.timeout_ms": {
    schema: number(50, 60_000, { int: true, unit: "milliseconds" }),
    default: 2000,
    doc: "How long a CoA or Disconnect request waits for the router's answer before it is sent again.",
  },
  "coa.retries": {
    schema: number(0, 10, { int: true }),
    default: 2,
    doc: "How many times an unanswered CoA or Disconnect request is sent again before it is reported failed.",
  },
} satisfies Record<string, KeyDef>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

export interface AgentConfig {
  dataDir: string;
  logLevel: LogLevel;
  heartbeatSeconds: number;
  sync: { timeoutSeconds: number };
  journal: {
    maxBytes: number;
    window: number;
    batchRecords: number;
    ackTimeoutSeconds: number;
    groupCommitMs: number;
  };
  mqtt: {
    /** undefined: the URL received at enrollment. */
    url: string | undefined;
    keepaliveSeconds: number;
    protocolVersion: 4 | 5;
    reconnectMinSeconds: number;
    reconnectMaxSeconds: number;
  };
  radius: { enabled: boolean; bind: string; authPort: number; acctPort: number; interimSeconds: number };
  coa: { timeoutMs: number; retries: number };
}

/** A configuration error names the key (as the operator wrote it), so they know what to fix. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`config: ${key} ${reason}`);
    this.name = "ConfigError";
  }
}

export function envName(key: ConfigKey): string {
  return ENV_PREFIX + key.replace(".", "_").toUpperCase();
}

/** The TOML file's values as dotted keys (`journal.max_bytes`); unknown keys are errors, not ignored. */
function flattenFile(file: Record<string, unknown>, where: string): Map<ConfigKey, unknown> {
  const out = new Map<ConfigKey, unknown>();
  for (const [name, value] of Object.entries(file)) {
    const isTable = value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
    const pairs: [string, unknown][] = isTable
      ? Object.entries(value as Record<string, unknown>).map(([k, v]) => [`${name}.${k}`, v])
      : [[name, value]];
    for (const [key, v] of pairs) {
      if (!(key in CONFIG_KEYS)) throw new ConfigError(`${key} in ${where}`, "is not a known key");
      out.set(key as ConfigKey, v);
    }
  }
  return out;
}

/**
 * Defaults, then the file, then the environment. `file` is the parsed TOML (already read);
 * `filePath` only names it in errors.
 */
export function parseConfig(
  file: Record<string, unknown>,
  env: Record<string, string | undefined>,
  filePath = "the config file",
): AgentConfig {
  const fromFile = flattenFile(file, filePath);
  const values = {} as Record<ConfigKey, unknown>;
  for (const [key, def] of Object.entries(CONFIG_KEYS) as [ConfigKey, KeyDef][]) {
    const envValue = env[envName(key)];
    const [raw, name] =
      envValue !== undefined && envValue.trim() !== ""
        ? [envValue, envName(key)]
        : fromFile.has(key)
          ? [fromFile.get(key), `${key} in ${filePath}`]
          : [def.default, key];
    if (raw === undefined) continue;
    const result = def.schema.safeParse(raw);
    if (!result.success) {
      const got = typeof raw === "string" ? `"${raw}"` : JSON.stringify(raw);
      throw new ConfigError(name, `${result.error.issues[0]?.message ?? "is invalid"} (got ${got})`);
    }
    values[key] = result.data;
  }
  const v = values as Record<ConfigKey, never>;
  if (v["mqtt.reconnect_min_seconds"] > v["mqtt.reconnect_max_seconds"]) {
    throw new ConfigError(envName("mqtt.reconnect_min_seconds"), "must not exceed the reconnect maximum");
  }
  return {
    dataDir: v.data_dir,
    logLevel: v.log_level,
    heartbeatSeconds: v.heartbeat_seconds,
    sync: { timeoutSeconds: v["sync.timeout_seconds"] },
    journal: {
      maxBytes: v["journal.max_bytes"],
      window: v["journal.window"],
      batchRecords: v["journal.batch_records"],
      ackTimeoutSeconds: v["journal.ack_timeout_seconds"],
      groupCommitMs: v["journal.group_commit_ms"],
    },
    mqtt: {
      url: values["mqtt.url"] as string | undefined,
      keepaliveSeconds: v["mqtt.keepalive_seconds"],
      protocolVersion: v["mqtt.protocol_version"] as 4 | 5,
      reconnectMinSeconds: v["mqtt.reconnect_min_seconds"],
      reconnectMaxSeconds: v["mqtt.reconnect_max_seconds"],
    },
    radius: {
      enabled: v["radius.enabled"],
      bind: v["radius.bind"],
      authPort: v["radius.auth_port"],
      acctPort: v["radius.acct_port"],
      interimSeconds: v["radius.interim_seconds"],
    },
    coa: { timeoutMs: v["coa.timeout_ms"], retries: v["coa.retries"] },
  };
}

/**
 * Reads the file named by --config (it must exist), else /etc/kilusi/agent.toml when present,
 * and applies the environment over it.
 */
export function loadConfig(opts: {
  path?: string | undefined;
  env: Record<string, string | undefined>;
  defaultPath?: string;
}): AgentConfig {
  const path = opts.path ?? opts.defaultPath ?? DEFAULT_CONFIG_PATH;
  if (opts.path === undefined && !existsSync(path)) return parseConfig({}, opts.env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = Bun.TOML.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(path, `is not valid TOML (${error instanceof Error ? error.message : String(error)})`);
  }
  return parseConfig(parsed, opts.env, path);
}

function tomlValue(value: string | number): string {
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

/** Every key with its default and its environment name, as a TOML file that parses back to the defaults. */
export function configTemplate(): string {
  const lines = [
    "# Kilusi site agent configuration (kilusi-agent --print-config): every key, with its default.",
    `# Read from --config <path>, else ${DEFAULT_CONFIG_PATH} when present. Each key can be`,
    "# overridden by the environment variable named beside it. Credentials are not kept here:",
    "# `kilusi-agent enroll <url> <token>` stores them in the data directory's store.",
  ];
  let section = "";
  for (const [key, def] of Object.entries(CONFIG_KEYS) as [ConfigKey, KeyDef][]) {
    const dot = key.indexOf(".");
    const [table, name] = dot < 0 ? ["", key] : [key.slice(0, dot), key.slice(dot + 1)];
    if (table !== section) {
      lines.push("", `[${table}]`);
      section = table;
    }
    lines.push("", `# ${def.doc} (${envName(key)})`);
    if (def.default === undefined) lines.push(`# ${name} = ${tomlValue(def.example ?? "")}`);
    else lines.push(`${name} = ${tomlValue(def.default)}`);
  }
  return `${lines.join("\n")}\n`;
}
