import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

const MOSQUITTO = process.env.TEST_MOSQUITTO_BIN ?? "/usr/sbin/mosquitto";
const DYNSEC_PLUGIN = process.env.TEST_MOSQUITTO_DYNSEC ?? "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so";
const MOSQUITTO_CTRL = Bun.which("mosquitto_ctrl") ?? "/usr/bin/mosquitto_ctrl";

export const dynsecHint =
  "apt-get install mosquitto mosquitto-clients (mosquitto, its dynamic-security plugin and mosquitto_ctrl)";

/** Whether this machine can run a dedicated Mosquitto with the dynamic-security plugin. */
export function dynsecAvailable(): boolean {
  return existsSync(MOSQUITTO) && existsSync(DYNSEC_PLUGIN) && existsSync(MOSQUITTO_CTRL);
}

export interface DynsecMosquitto {
  /** mqtt://127.0.0.1:<port>, no credentials. */
  url: string;
  port: number;
  admin: { username: string; password: string };
  /** url with the admin's credentials (the control plane's identity in tests). */
  adminUrl: string;
  /** Stops and starts again on the same port, keeping the dynsec file (clients, roles, defaults). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Mosquitto's own log so far, to explain a failure. */
  log(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * A Mosquitto of the test's own (not the machine's service on 1883) on a free loopback port,
 * with the dynamic-security plugin initialised with an admin user, anonymous access off, and
 * everything in a temporary directory that stop() removes.
 */
export async function startDynsecMosquitto(): Promise<DynsecMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), "kilusi-mosquitto-"));
  const dynsecFile = join(dir, "dynamic-security.json");
  const admin = { username: "kilusi-admin", password: crypto.randomUUID() };
  const init = Bun.spawnSync([MOSQUITTO_CTRL, "dynsec", "init", dynsecFile, admin.username, admin.password], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (init.exitCode !== 0) throw new Error(`mosquitto_ctrl dynsec init failed: ${init.stderr.toString()}`);
  const port = await freePort();
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous false",
      "persistence false",
      `plugin ${DYNSEC_PLUGIN}`,
      `plugin_opt_config_file ${dynsecFile}`,
      "log_dest stderr",
      "log_type error",
      "log_type warning",
      "log_type notice",
      // As root Mosquitto drops to the `mosquitto` user, which cannot write the dynsec file here.
      ...(process.getuid?.() === 0 ? ["user root"] : []),
      "",
    ].join("\n"),
  );

  let proc: Subprocess<"ignore", "ignore", "pipe"> | undefined;
  let log = "";
  const start = async () => {
    const p = Bun.spawn([MOSQUITTO, "-c", conf], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    proc = p;
    (async () => {
      for await (const chunk of p.stderr.pipeThrough(new TextDecoderStream())) log += chunk;
    })();
    const deadline = Date.now() + 5_000;
    while (!(await accepts(port))) {
      if (p.exitCode !== null || Date.now() > deadline) {
        p.kill("SIGKILL");
        throw new Error(`mosquitto did not start on port ${port}:\n${log}`);
      }
      await Bun.sleep(25);
    }
  };
  const halt = async () => {
    if (!proc || proc.exitCode !== null) return;
    proc.kill("SIGTERM");
    const stopped = await Promise.race([proc.exited.then(() => true), Bun.sleep(3_000).then(() => false)]);
    if (!stopped) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
  };

  await start();
  const url = `mqtt://127.0.0.1:${port}`;
  return {
    url,
    port,
    admin,
    adminUrl: `mqtt://${encodeURIComponent(admin.username)}:${encodeURIComponent(admin.password)}@127.0.0.1:${port}`,
    async restart() {
      await halt();
      await start();
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => log,
  };
}
