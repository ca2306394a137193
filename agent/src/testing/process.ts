import { join } from "node:path";
import type { Subprocess } from "bun";
import { TEST_RADIUS_ENV } from "./fixtures.ts";

export const CLI = join(import.meta.dir, "..", "cli.ts");

export interface AgentProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Every stdout line parsed as JSON (log lines and the load generator's lines). */
  lines: Record<string, unknown>[];
  stderr(): string;
  exited: Promise<number>;
}

/** `bun agent/src/cli.ts <args>` as a real process, its stdout read line by line. */
export function spawnAgent(args: string[], env: Record<string, string>): AgentProcess {
  const proc = Bun.spawn([process.execPath, CLI, ...args], {
    env: { ...process.env, ...TEST_RADIUS_ENV, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: Record<string, unknown>[] = [];
  let err = "";
  const reading = (async () => {
    let buffer = "";
    for await (const chunk of proc.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          lines.push({ unparsed: line });
        }
      }
    }
  })();
  const readingErr = (async () => {
    for await (const chunk of proc.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
  })();
  const exited = (async () => {
    const code = await proc.exited;
    await Promise.all([reading, readingErr]);
    return code;
  })();
  return { proc, lines, stderr: () => err, exited };
}

/** Runs a command to its end (asynchronously: the test may be serving the process's requests). */
export async function runCli(args: string[], env: Record<string, string>) {
  const p = Bun.spawn([process.execPath, CLI, ...args], {
    env: { ...process.env, ...TEST_RADIUS_ENV, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr };
}
