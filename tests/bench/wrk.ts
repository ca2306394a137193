// Runs wrk against one URL and returns requests/s and latency percentiles (see percentiles.lua).
import { join } from "node:path";

export interface WrkResult {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export function requireWrk(): void {
  if (!Bun.which("wrk")) {
    console.error("wrk is needed: apt-get install wrk");
    process.exit(1);
  }
}

/** `script` is a Lua file beside this one whose settings are merged with the reporter. */
export async function wrk(
  url: string,
  opts: { seconds: number; connections: number; script?: string; env?: Record<string, string> },
): Promise<WrkResult> {
  const reporter = await Bun.file(join(import.meta.dir, "percentiles.lua")).text();
  const setup = opts.script ? await Bun.file(join(import.meta.dir, opts.script)).text() : "";
  const combined = join(import.meta.dir, "..", "artifacts", `wrk-${process.pid}-${Date.now()}.lua`);
  await Bun.write(combined, `${setup}\n${reporter}`);
  const proc = Bun.spawn(
    ["wrk", "-t1", `-c${opts.connections}`, `-d${opts.seconds}s`, "--timeout", "10s", "-s", combined, url],
    { stdout: "pipe", stderr: "pipe", env: { ...process.env, ...opts.env } },
  );
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  const line = out.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`wrk printed no result for ${url}:\n${out}`);
  return JSON.parse(line) as WrkResult;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

export const ms = (us: number) => (us / 1000).toFixed(2);
