import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { removeTempDirs, tempDataDir } from "../testing/fixtures.ts";
import { CONFIG_KEYS, ConfigError, configTemplate, envName, loadConfig, parseConfig } from "./config.ts";

afterAll(removeTempDirs);

const cli = join(import.meta.dir, "..", "cli.ts");

function run(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawnSync([process.execPath, cli, ...args], { env: { ...process.env, ...env } });
  return { code: proc.exitCode, stdout: proc.stdout.toString(), stderr: proc.stderr.toString() };
}

describe("agent config", () => {
  test("defaults", () => {
    expect(parseConfig({}, {})).toEqual({
      dataDir: "/var/lib/kilusi-agent",
      logLevel: "info",
      heartbeatSeconds: 30,
      sync: { timeoutSeconds: 15 },
      journal: { maxBytes: 256 * 1024 * 1024, window: 4, batchRecords: 500, ackTimeoutSeconds: 10, groupCommitMs: 0 },
      mqtt: {
        url: undefined,
        keepaliveSeconds: 30,
        protocolVersion: 4,
        reconnectMinSeconds: 1,
        reconnectMaxSeconds: 60,
      },
      radius: { enabled: true, bind: "0.0.0.0", authPort: 1812, acctPort: 1813, interimSeconds: 300 },
      coa: { timeoutMs: 2000, retries: 2 },
    });
  });

  test("the environment overrides the file, which overrides the defaults", () => {
    const file = { heartbeat_seconds: 5, log_level: "debug", journal: { max_bytes: 2048, window: 2 } };
    const c = parseConfig(file, {
      KILUSI_AGENT_DATA_DIR: "/srv/agent",
      KILUSI_AGENT_HEARTBEAT_SECONDS: "1.5",
      KILUSI_AGENT_JOURNAL_MAX_BYTES: "4096",
      KILUSI_AGENT_SYNC_TIMEOUT_SECONDS: "3",
      KILUSI_AGENT_MQTT_URL: "mqtts://broker.example.com:8883",
      KILUSI_AGENT_LOG_LEVEL: "",
    });
    expect(c.dataDir).toBe("/srv/agent");
    expect(c.heartbeatSeconds).toBe(1.5);
    expect(c.logLevel).toBe("debug"); // an empty variable is unset
    expect(c.journal.maxBytes).toBe(4096);
    expect(c.journal.window).toBe(2);
    expect(c.sync.timeoutSeconds).toBe(3);
    expect(c.mqtt.url).toBe("mqtts://broker.example.com:8883");
  });

  test.each([
    ["KILUSI_AGENT_HEARTBEAT_SECONDS", "soon", /^config: KILUSI_AGENT_HEARTBEAT_SECONDS must be a number of seconds/],
    ["KILUSI_AGENT_HEARTBEAT_SECONDS", "0", /^config: KILUSI_AGENT_HEARTBEAT_SECONDS must be .* \(got "0"\)$/],
    ["KILUSI_AGENT_JOURNAL_MAX_BYTES", "1.5", /^config: KILUSI_AGENT_JOURNAL_MAX_BYTES must be a whole number/],
    ["KILUSI_AGENT_LOG_LEVEL", "loud", /^config: KILUSI_AGENT_LOG_LEVEL must be one of fatal, error/],
    ["KILUSI_AGENT_MQTT_URL", "http://x", /^config: KILUSI_AGENT_MQTT_URL must be a URL starting with mqtt:\/\//],
    [
      "KILUSI_AGENT_JOURNAL_WINDOW",
      "100",
      /^config: KILUSI_AGENT_JOURNAL_WINDOW must be a whole number of batches from 1 to 64/,
    ],
  ])("a bad %s=%s is refused, naming the variable", (key, value, message) => {
    expect(() => parseConfig({}, { [key]: value })).toThrow(message);
  });

  test("a bad or unknown key in the file is named with the file", () => {
    expect(() => parseConfig({ journal: { window: "many" } }, {}, "/etc/kilusi/agent.toml")).toThrow(
      /^config: journal\.window in \/etc\/kilusi\/agent\.toml must be a whole number/,
    );
    expect(() => parseConfig({ journal: { windw: 3 } }, {}, "a.toml")).toThrow(
      new ConfigError("journal.windw in a.toml", "is not a known key"),
    );
  });

  test("the template names every key and its variable, and parses back to the defaults", () => {
    const template = configTemplate();
    const parsed = Bun.TOML.parse(template) as Record<string, Record<string, unknown>>;
    for (const [key, def] of Object.entries(CONFIG_KEYS)) {
      expect(template).toContain(envName(key as keyof typeof CONFIG_KEYS));
      const [table, name] = key.includes(".") ? key.split(".") : [undefined, key];
      const value = table ? parsed[table]?.[name as string] : parsed[name as string];
      // Optional keys (no default) are shown commented out.
      expect(value).toBe(def.default as never);
    }
    expect(parseConfig(parsed, {})).toEqual(parseConfig({}, {}));
  });

  test("a config file given with --config is read; one that is missing is an error", async () => {
    const dir = tempDataDir();
    const path = join(dir, "agent.toml");
    await Bun.write(path, `data_dir = "${dir}"\n[journal]\nmax_bytes = 65536\n`);
    const c = loadConfig({ path, env: {} });
    expect(c.dataDir).toBe(dir);
    expect(c.journal.maxBytes).toBe(65_536);
    expect(() => loadConfig({ path: join(dir, "nope.toml"), env: {} })).toThrow(/nope\.toml cannot be read \(ENOENT\)/);
    await Bun.write(path, "data_dir = \n");
    expect(() => loadConfig({ path, env: {} })).toThrow(/is not valid TOML/);
    // Without --config, an absent default file means defaults.
    expect(loadConfig({ env: {}, defaultPath: join(dir, "absent.toml") })).toEqual(parseConfig({}, {}));
  });

  test("the CLI: --print-config prints the template; a bad value exits 1 with one line naming the key", () => {
    const printed = run(["--print-config"], { KILUSI_AGENT_HEARTBEAT_SECONDS: "bad" });
    expect(printed.code).toBe(0);
    expect(parseConfig(Bun.TOML.parse(printed.stdout) as Record<string, unknown>, {})).toEqual(parseConfig({}, {}));

    const bad = run(["status"], { KILUSI_AGENT_HEARTBEAT_SECONDS: "-1" });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/^kilusi-agent: config: KILUSI_AGENT_HEARTBEAT_SECONDS must be [^\n]+\n$/);
  });

  test("the CLI reads --config: status reports the file's journal cap and data directory", async () => {
    const dir = tempDataDir();
    const path = join(dir, "agent.toml");
    await Bun.write(path, `data_dir = "${dir}"\n[journal]\nmax_bytes = 65536\n`);
    const status = run(["--config", path, "status"]);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(parsed.journal.capBytes).toBe(65_536);
    expect(parsed.enrolled).toBe(false);
    expect(await Bun.file(join(dir, "agent.db")).exists()).toBe(true);
    expect(run(["--version"]).stdout).toMatch(/^kilusi-agent \d+\.\d+\.\d+\n$/);
  });
});
