import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { readJsonLines } from "./json-lines.ts";

export const repoRoot = join(import.meta.dir, "..", "..");

export interface StartedProcess {
  url: string;
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** JSON log lines seen so far on stdout. */
  logs: Record<string, unknown>[];
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/**
 * Starts the control plane as a real process (the command the README gives, or `bun main.ts`)
 * on an ephemeral port, a temporary DATA_DIR and an embedded broker on an ephemeral port,
 * and waits for its "listening" log line (or its banner).
 */
export async function startControlPlaneProcess(
  opts: { command?: string[]; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<StartedProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "kilusi-cp-"));
  const proc = Bun.spawn(opts.command ?? [process.execPath, "control-plane/src/main.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: "development",
      PORT: "0",
      DATA_DIR: dataDir,
      MQTT_EMBEDDED_PORT: "0",
      LOG_LEVEL: "info",
      ...opts.env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const logs: Record<string, unknown>[] = [];
  let err = "";
  const url = new Promise<string>((resolve, reject) => {
    // The banner on stderr says where it listens even when LOG_LEVEL hides the log line.
    (async () => {
      for await (const chunk of proc.stderr.pipeThrough(new TextDecoderStream())) {
        err += chunk;
        const banner = /running: open (http:\/\/\S+)/.exec(err);
        if (banner?.[1]) resolve(banner[1]);
      }
    })();
    // A line that is not JSON (npm's own banner) is not a log line: ignored.
    readJsonLines(proc.stdout, (entry) => {
      if (entry.unparsed !== undefined) return;
      logs.push(entry);
      if (entry.msg === "listening") resolve(entry.url as string);
    }).then(() => reject(new Error(`control plane exited before listening:\n${err}`)));
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`control plane not listening after ${timeoutMs} ms:\n${err}`)),
      timeoutMs,
    );
  });
  const started = await Promise.race([url, timeout])
    .catch((error) => {
      proc.kill("SIGKILL");
      throw error;
    })
    .finally(() => clearTimeout(timer));
  return {
    url: started,
    proc,
    logs,
    stderr: () => err,
    async stop(signal = "SIGTERM") {
      proc.kill(signal);
      const code = await proc.exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
