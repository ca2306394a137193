/**
 * The FreeRADIUS reference: Debian's FreeRADIUS 3.2 serving PAP, CHAP, MS-CHAP (v1 and v2) and
 * accounting on two loopback ports, from a config generated in a temp dir
 * (freeradius-reference/radiusd.conf, plus a `users` file for the `files` module). The same
 * requests the agent gets go to it, so the two can be compared (tests/bench/radius.ts).
 * It runs in its own process group, which stop() kills; it writes accounting to
 * <dir>/radacct/<NAS address>/detail-<date>, as Debian's default `detail` module does.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeUdpPort } from "./free-port.ts";
import { FREERADIUS, freeradiusInstalled } from "./mock-nas.ts";

export { freeradiusInstalled };

export interface ReferenceUser {
  name: string;
  password: string;
  /** Reply items in users-file syntax, e.g. `Framed-Pool = "pool-10m"`. */
  reply?: string[];
}

export interface FreeRadiusReferenceOptions {
  secret: string;
  users: readonly ReferenceUser[];
  /** The client's require_message_authenticator (default yes, as BlastRADIUS advice has it). */
  requireMessageAuthenticator?: boolean;
  startTimeoutMs?: number;
}

export interface FreeRadiusReference {
  pid: number;
  authPort: number;
  acctPort: number;
  dir: string;
  /** Everything FreeRADIUS printed (start-up, errors). */
  output(): string;
  /** The detail files accounting went to (one per NAS address and day). */
  detailFiles(): string[];
  stop(): Promise<void>;
}

const TEMPLATE = join(import.meta.dir, "freeradius-reference", "radiusd.conf");
// Secrets, names and passwords go into config files between quotes or bare; FreeRADIUS would
// expand ${…} or %{…} and end a string at a quote, so only plain characters are allowed.
const SAFE_SECRET = /^[A-Za-z0-9._~+/=-]{1,128}$/;
const SAFE_TEXT = /^[A-Za-z0-9._@~+/=:-]{1,253}$/;

/** The users file: one entry per user, check item Cleartext-Password, then its reply items. */
export function usersFile(users: readonly ReferenceUser[]): string {
  return users
    .map((u) => {
      if (!SAFE_TEXT.test(u.name) || !SAFE_TEXT.test(u.password)) {
        throw new Error(`FreeRADIUS reference: user ${JSON.stringify(u.name)}: use letters, digits and ._@~+/=:- only`);
      }
      const reply = (u.reply ?? []).map((line) => `\t${line}`).join(",\n");
      return `${u.name} Cleartext-Password := "${u.password}"\n${reply}\n`;
    })
    .join("\n");
}

export async function startFreeRadiusReference(options: FreeRadiusReferenceOptions): Promise<FreeRadiusReference> {
  if (!freeradiusInstalled()) throw new Error(`FreeRADIUS reference: ${FREERADIUS} is not installed`);
  if (!SAFE_SECRET.test(options.secret)) {
    throw new Error("FreeRADIUS reference secret: use letters, digits and ._~+/=- only");
  }
  const users = usersFile(options.users);
  let lastError: unknown;
  // The ports are free when chosen, but another process may take one before FreeRADIUS binds it.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(options, users, await freeUdpPort(), await freeUdpPort());
    } catch (error) {
      lastError = error;
      if (!/bind|address already in use/i.test(String(error))) break;
    }
  }
  throw lastError;
}

async function launch(
  options: FreeRadiusReferenceOptions,
  users: string,
  authPort: number,
  acctPort: number,
): Promise<FreeRadiusReference> {
  const dir = mkdtempSync(join(tmpdir(), "kilusi-freeradius-"));
  const config = readFileSync(TEMPLATE, "utf8")
    .replaceAll("{{DIR}}", dir)
    .replaceAll("{{AUTH_PORT}}", String(authPort))
    .replaceAll("{{ACCT_PORT}}", String(acctPort))
    .replaceAll("{{SECRET}}", options.secret)
    .replaceAll("{{REQUIRE_MA}}", options.requireMessageAuthenticator === false ? "no" : "yes");
  writeFileSync(join(dir, "radiusd.conf"), config, { mode: 0o600 });
  writeFileSync(join(dir, "users"), users, { mode: 0o600 });

  // detached: its own process group, so stop() (and our exit) reach every thread and child.
  const child = spawn(FREERADIUS, ["-f", "-l", "stdout", "-d", dir], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`FreeRADIUS reference: ${FREERADIUS} did not start`);
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  const killOnExit = () => killGroup("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  let out = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onChunk = (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (out.includes("Ready to process requests")) resolve();
    };
    child.stdout.on("data", onChunk);
    child.stderr.on("data", onChunk);
    exited.then(() => reject(new Error(`FreeRADIUS reference exited before it was ready:\n${out}`)));
  });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      killGroup("SIGTERM");
      const killer = setTimeout(() => killGroup("SIGKILL"), 2_000);
      await exited;
      clearTimeout(killer);
      process.off("exit", killOnExit);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const timeoutMs = options.startTimeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`FreeRADIUS reference not ready after ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([ready, timeout]);
    // "Ready" is printed once the sockets are open; an answered Status-Server proves it serves.
    await Promise.race([waitForStatusServer(authPort, options.secret, deadline), timeout]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }

  return {
    pid,
    authPort,
    acctPort,
    dir,
    output: () => out,
    detailFiles: () => {
      const root = join(dir, "radacct");
      try {
        return readdirSync(root, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => join(e.parentPath, e.name));
      } catch {
        return [];
      }
    },
    stop,
  };
}

/**
 * Sends Status-Server (with Message-Authenticator, RFC 5997) to 127.0.0.1:`port` until one is
 * answered with an Access-Accept, or throws once `deadline` (epoch ms) has passed.
 */
export async function waitForStatusServer(port: number, secret: string, deadline: number): Promise<void> {
  let last = "";
  while (Date.now() < deadline) {
    const proc = Bun.spawn(["radclient", "-r", "1", "-t", "0.5", `127.0.0.1:${port}`, "status", secret], {
      stdin: new Blob(["Message-Authenticator = 0x00\n"]),
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    await proc.exited;
    if (stdout.includes("Received Access-Accept")) return;
    last = stdout + stderr;
    await Bun.sleep(50);
  }
  throw new Error(`no answer to Status-Server on 127.0.0.1:${port}:\n${last}`);
}
