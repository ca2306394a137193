import { describe, expect, test } from "bun:test";
import { ConfigError, parseConfig } from "./config.ts";

const fails = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return { key: error.key, message: error.message };
    throw error;
  }
  throw new Error("expected a ConfigError");
};

describe("configuration", () => {
  test("an empty environment gives the embedded defaults", () => {
    const c = parseConfig({});
    expect(c.http).toEqual({ host: "127.0.0.1", port: 3000, publicUrl: undefined });
    expect(c.dataDir).toBe("./data");
    expect(c.database).toEqual({ kind: "pglite", dir: "./data/pglite" });
    expect(c.mqtt).toEqual({ kind: "embedded", host: "127.0.0.1", port: 1883, anyPortIfTaken: true });
    expect(parseConfig({ MQTT_EMBEDDED_PORT: "1883" }).mqtt).toMatchObject({ anyPortIfTaken: false });
    expect(c.s3).toBeUndefined();
    expect(c.env).toBe("development");
    expect(c.logLevel).toBe("info");
  });

  test("external services are chosen by their URLs", () => {
    const c = parseConfig({
      DATABASE_URL: "postgres://owner@db:5432/kilusi",
      MQTT_URL: "mqtts://broker:8883",
      S3_BUCKET: "files",
      S3_ENDPOINT: "http://minio:9000",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "secret",
    });
    expect(c.database).toMatchObject({
      kind: "postgres",
      url: "postgres://owner@db:5432/kilusi",
      appRole: "kilusi_app",
    });
    expect(c.mqtt).toEqual({ kind: "external", url: "mqtts://broker:8883" });
    expect(c.s3).toMatchObject({ bucket: "files", endpoint: "http://minio:9000", forcePathStyle: true });
  });

  test.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ PORT: "80.5" }, "PORT"],
    [{ DATABASE_URL: "nonsense" }, "DATABASE_URL"],
    [{ DATABASE_URL: "mysql://x@y/z" }, "DATABASE_URL"],
    [{ MQTT_URL: "http://broker" }, "MQTT_URL"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ NODE_ENV: "staging" }, "NODE_ENV"],
    [{ APP_MASTER_KEY: "short" }, "APP_MASTER_KEY"],
    [{ NODE_ENV: "production" }, "APP_MASTER_KEY"],
    [{ DATABASE_APP_URL: "postgres://app@db/k" }, "DATABASE_APP_URL"],
    [{ DATABASE_APP_ROLE: "Robert'); drop" }, "DATABASE_APP_ROLE"],
    [{ S3_ENDPOINT: "http://minio:9000" }, "S3_BUCKET"],
    [{ S3_BUCKET: "b", S3_ACCESS_KEY_ID: "id" }, "S3_SECRET_ACCESS_KEY"],
    [{ S3_FORCE_PATH_STYLE: "maybe" }, "S3_FORCE_PATH_STYLE"],
    [{ SHUTDOWN_TIMEOUT_MS: "-1" }, "SHUTDOWN_TIMEOUT_MS"],
    [{ TRUSTED_PROXIES: "10.0.0.1,not-an-ip" }, "TRUSTED_PROXIES"],
    [{ CORS_ALLOWED_ORIGINS: "*" }, "CORS_ALLOWED_ORIGINS"],
    [{ SESSION_IDLE_MINUTES: "0" }, "SESSION_IDLE_MINUTES"],
  ] as [Record<string, string>, string][])("%j is refused, naming %s", (env, key) => {
    const e = fails(env);
    expect(e.key).toBe(key);
    expect(e.message).toStartWith(`config: ${key} `);
    expect(e.message).not.toContain("\n");
  });

  test("sessions, proxies and CORS", () => {
    const c = parseConfig({
      SESSION_IDLE_MINUTES: "15",
      TRUSTED_PROXIES: "10.0.0.1, ::1",
      CORS_ALLOWED_ORIGINS: "https://a.example",
    });
    expect(c.auth).toEqual({ idleMs: 15 * 60_000, absoluteMs: 12 * 3_600_000, secureCookies: false });
    expect(c.trustedProxies).toEqual(["10.0.0.1", "::1"]);
    expect(c.corsAllowedOrigins).toEqual(["https://a.example"]);
    expect(parseConfig({ PUBLIC_URL: "https://isp.example" }).auth.secureCookies).toBe(true);
    expect(
      parseConfig({ NODE_ENV: "production", APP_MASTER_KEY: Buffer.alloc(32).toString("base64") }).auth.secureCookies,
    ).toBe(true);
  });

  test("the message shows the bad value so it can be found", () => {
    expect(fails({ PORT: "abc" }).message).toContain('"abc"');
  });

  test("a production start with a master key is accepted", () => {
    const key = Buffer.alloc(32, 7).toString("base64");
    expect(parseConfig({ NODE_ENV: "production", APP_MASTER_KEY: key }).masterKey).toEqual(Buffer.alloc(32, 7));
  });
});
