import { isIP } from "node:net";
import { z } from "zod";

// Every key the control plane reads from the environment, with its default and meaning.
// `docs` is rendered into the README table by hand; keep the two in step.
const port = (fallback: number) =>
  z.coerce
    .number({ error: "must be a port number" })
    .int("must be a whole number")
    .min(0, "must be 0–65535")
    .max(65535, "must be 0–65535")
    .default(fallback);

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .refine(
      (v) => {
        if (v === undefined) return true;
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` },
    );

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  PORT: port(3000),
  PUBLIC_URL: optionalUrl(["http:", "https:"]),
  DATA_DIR: z.string().trim().min(1).default("./data"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  APP_MASTER_KEY: optionalString.refine((v) => v === undefined || Buffer.from(v, "base64").length === 32, {
    message: "must be 32 bytes, base64-encoded (openssl rand -base64 32)",
  }),
  DATABASE_URL: optionalUrl(["postgres:", "postgresql:"]),
  DATABASE_APP_URL: optionalUrl(["postgres:", "postgresql:"]),
  DATABASE_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
    .default("kilusi_app"),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  MQTT_URL: optionalUrl(["mqtt:", "mqtts:", "ws:", "wss:"]),
  MQTT_EMBEDDED_HOST: z.string().trim().min(1).default("127.0.0.1"),
  MQTT_EMBEDDED_PORT: port(1883),
  MQTT_AGENT_URL: optionalUrl(["mqtt:", "mqtts:", "ws:", "wss:"]),
  MQTT_AGENT_CA_FILE: optionalString,
  MQTT_AGENT_PROVISIONING: z.enum(["dynsec", "none"], { error: "must be dynsec or none" }).default("dynsec"),
  SITE_CHANGE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  S3_BUCKET: optionalString,
  S3_ENDPOINT: optionalUrl(["http:", "https:"]),
  S3_REGION: z.string().trim().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: bool(true),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  JOBS_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  TRUSTED_PROXIES: z
    .string()
    .trim()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((p) => isIP(p) !== 0), { message: "must be a comma-separated list of IP addresses" }),
  CORS_ALLOWED_ORIGINS: z
    .string()
    .trim()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((o) => /^https?:\/\/[^/\s]+$/.test(o)), {
      message: "must be a comma-separated list of origins like https://app.example.com",
    }),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env["NODE_ENV"];
  /**
   * Development helpers that show secrets (the notification log page): only in development
   * and only on a loopback address, so a production box that forgot NODE_ENV does not serve them.
   */
  devTools: boolean;
  http: { host: string; port: number; publicUrl: string | undefined };
  dataDir: string;
  logLevel: Env["LOG_LEVEL"];
  /** undefined means: generate or read `<DATA_DIR>/master.key` (never in production). */
  masterKey: Buffer | undefined;
  database:
    | { kind: "pglite"; dir: string }
    | { kind: "postgres"; url: string; appUrl: string | undefined; appRole: string; poolMax: number };
  appRole: string;
  mqtt:
    | {
        kind: "embedded";
        host: string;
        port: number;
        /** MQTT_EMBEDDED_PORT was not set: when 1883 is taken (a local Mosquitto), take a free port. */
        anyPortIfTaken: boolean;
      }
    | { kind: "external"; url: string };
  agents: {
    /** The broker URL agents are given at enrollment; default: the broker the control plane uses, without credentials. */
    brokerUrl: string | undefined;
    /** A PEM file of the CA agents must trust on mqtts:// (sent at enrollment). */
    caFile: string | undefined;
    /** External broker only: `dynsec` provisions each agent through Mosquitto's dynamic-security plugin; `none` leaves it to the operator. */
    provisioning: "dynsec" | "none";
    /** How long the revision log is kept; an agent further behind gets a snapshot. */
    changeRetentionDays: number;
  };
  s3:
    | {
        bucket: string;
        endpoint: string | undefined;
        region: string;
        accessKeyId: string | undefined;
        secretAccessKey: string | undefined;
        forcePathStyle: boolean;
      }
    | undefined;
  shutdownTimeoutMs: number;
  /** How often billing and dunning run for every tenant; 0 turns the scheduler off. */
  jobsIntervalMs: number;
  auth: {
    idleMs: number;
    absoluteMs: number;
    /** `__Host-` cookies with Secure; off only for plain-HTTP development. */
    secureCookies: boolean;
  };
  /** Requests to /api/* per minute per tenant (per address when not signed in). */
  apiRateLimitPerMinute: number;
  /** Peers whose X-Forwarded-For is believed when deciding the client's address. */
  trustedProxies: string[];
  /** Origins allowed to call the API from a browser; empty means CORS is off. */
  corsAllowedOrigins: string[];
}

/** A configuration error names the key, so the operator knows exactly what to fix. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`config: ${key} ${reason}`);
  }
}

export function parseConfig(source: Record<string, string | undefined>): Config {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue?.path[0] ?? "environment");
    const value = source[key];
    throw new ConfigError(key, `${issue?.message ?? "is invalid"}${value === undefined ? "" : ` (got "${value}")`}`);
  }
  const e = result.data;
  if (e.NODE_ENV === "production" && !e.APP_MASTER_KEY) {
    throw new ConfigError("APP_MASTER_KEY", "is required in production (32 bytes, base64)");
  }
  if (e.DATABASE_APP_URL && !e.DATABASE_URL) {
    throw new ConfigError("DATABASE_APP_URL", "needs DATABASE_URL (the owner connection that runs migrations)");
  }
  const s3Keys = [e.S3_ENDPOINT, e.S3_ACCESS_KEY_ID, e.S3_SECRET_ACCESS_KEY];
  if (!e.S3_BUCKET && s3Keys.some((v) => v !== undefined)) {
    throw new ConfigError("S3_BUCKET", "is required when any other S3_* key is set");
  }
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError(e.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID", "must be set together");
  }
  return {
    env: e.NODE_ENV,
    devTools: e.NODE_ENV === "development" && isLoopback(e.HOST),
    http: { host: e.HOST, port: e.PORT, publicUrl: e.PUBLIC_URL },
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    masterKey: e.APP_MASTER_KEY ? Buffer.from(e.APP_MASTER_KEY, "base64") : undefined,
    database: e.DATABASE_URL
      ? {
          kind: "postgres",
          url: e.DATABASE_URL,
          appUrl: e.DATABASE_APP_URL,
          appRole: e.DATABASE_APP_ROLE,
          poolMax: e.DATABASE_POOL_MAX,
        }
      : { kind: "pglite", dir: `${e.DATA_DIR}/pglite` },
    appRole: e.DATABASE_APP_ROLE,
    mqtt: e.MQTT_URL
      ? { kind: "external", url: e.MQTT_URL }
      : {
          kind: "embedded",
          host: e.MQTT_EMBEDDED_HOST,
          port: e.MQTT_EMBEDDED_PORT,
          anyPortIfTaken: !source.MQTT_EMBEDDED_PORT,
        },
    agents: {
      brokerUrl: e.MQTT_AGENT_URL,
      caFile: e.MQTT_AGENT_CA_FILE,
      provisioning: e.MQTT_AGENT_PROVISIONING,
      changeRetentionDays: e.SITE_CHANGE_RETENTION_DAYS,
    },
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          endpoint: e.S3_ENDPOINT,
          region: e.S3_REGION,
          accessKeyId: e.S3_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY,
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
        }
      : undefined,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    jobsIntervalMs: e.JOBS_INTERVAL_SECONDS * 1000,
    auth: {
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
      secureCookies: e.NODE_ENV === "production" || (e.PUBLIC_URL?.startsWith("https:") ?? false),
    },
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    trustedProxies: e.TRUSTED_PROXIES,
    corsAllowedOrigins: e.CORS_ALLOWED_ORIGINS,
  };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
