import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { readJsonLines, readText } from "./json-lines.ts";
import { repoRoot } from "./process.ts";

/** How the agent is run in tests: from source by default, or a compiled binary (AGENT_BINARY). */
export function agentCommand(binary = process.env.KILUSI_AGENT_BINARY): string[] {
  return binary ? [binary] : [process.execPath, join(repoRoot, "agent/src/cli.ts")];
}

export interface AgentDir {
  dataDir: string;
  env: Record<string, string>;
  /** Runs a one-shot CLI command (enroll, status…) to completion. */
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  status(): Promise<AgentStatus>;
  remove(): void;
}

export interface AgentStatus {
  agentId: string;
  appliedRevision: number;
  stateHash: string;
  journal: { backlog: number; bytes: number; capBytes: number };
  [key: string]: unknown;
}

/** A data directory for one agent installation, with the environment tests run it under. */
export function agentDir(env: Record<string, string> = {}): AgentDir {
  const dataDir = mkdtempSync(join(tmpdir(), "kilusi-agent-"));
  const fullEnv = {
    KILUSI_AGENT_DATA_DIR: dataDir,
    KILUSI_AGENT_LOG_LEVEL: "info",
    KILUSI_AGENT_HEARTBEAT_SECONDS: "1",
    // Loopback and free ports: agents started side by side never fight over 1812/1813.
    KILUSI_AGENT_RADIUS_BIND: "127.0.0.1",
    KILUSI_AGENT_RADIUS_AUTH_PORT: "0",
    KILUSI_AGENT_RADIUS_ACCT_PORT: "0",
    ...env,
  };
  const cli = async (args: string[]) => {
    const proc = Bun.spawn([...agentCommand(), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...fullEnv },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, stdout, stderr };
  };
  return {
    dataDir,
    env: fullEnv,
    cli,
    async status() {
      const r = await cli(["status"]);
      if (r.code !== 0) throw new Error(`kilusi-agent status failed (${r.code}): ${r.stderr}`);
      return JSON.parse(r.stdout) as AgentStatus;
    },
    remove: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

export interface RunningAgent {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** JSON lines seen on stdout so far (logs, and load-journal's {"journaled": seq}). */
  lines: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first line matching, or rejects after `timeoutMs`. */
  waitFor(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Starts `kilusi-agent <args>` (run, load-journal …) as a real process in `dir`. */
export function startAgentProcess(
  dir: AgentDir,
  args: string[] = ["run"],
  env: Record<string, string> = {},
): RunningAgent {
  const proc = Bun.spawn([...agentCommand(), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...dir.env, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<{
    match: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }>();
  let err = "";
  readText(proc.stderr, (text) => {
    err += text;
  });
  readJsonLines(proc.stdout, (line) => {
    if (line.unparsed !== undefined) return;
    lines.push(line);
    for (const w of waiters) {
      if (w.match(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
    }
  });
  return {
    proc,
    lines,
    stderr: () => err,
    waitFor(match, timeoutMs = 30_000) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (!waiters.delete(waiter)) return;
          reject(
            new Error(
              `agent: no matching line after ${timeoutMs} ms; stderr:\n${err}\nlast lines:\n${lines
                .slice(-10)
                .map((l) => JSON.stringify(l))
                .join("\n")}`,
            ),
          );
        }, timeoutMs);
      });
    },
    async stop(signal = "SIGTERM") {
      proc.kill(signal);
      return proc.exited;
    },
  };
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    await Bun.sleep(200);
  }
  throw new Error(`${what}: not reached within ${timeoutMs} ms${last ? ` (last error: ${last})` : ""}`);
}
