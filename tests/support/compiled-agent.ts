import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { readJsonLines, readText } from "./json-lines.ts";
import { repoRoot } from "./process.ts";

/**
 * Runs compiled agent binaries the way a site does: from a directory of their own, with a HOME of
 * their own and none of the test's environment, and (where a mount namespace can be made, i.e. as
 * root) with the checkout and the builder's Bun cache hidden behind empty tmpfs mounts, so a
 * binary that still reads anything from the build machine fails here.
 */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Running {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** stdout lines parsed as JSON (the agent logs JSON lines). */
  lines: Record<string, unknown>[];
  stderr(): string;
  stop(): Promise<number>;
}

export interface Isolation {
  work: string;
  hidesRepo: boolean;
  freshDir(name: string): string;
  run(argv: string[], opts?: { env?: Record<string, string>; cwd?: string }): Promise<Ran>;
  start(argv: string[], opts?: { env?: Record<string, string> }): Running;
  remove(): void;
}

const HIDE = 'for d in $KILUSI_HIDE; do mount -t tmpfs kilusi-hidden "$d" || exit 97; done; exec "$@"';
const PATH = "/usr/local/bin:/usr/bin:/bin";

export function isolation(prefix = "kilusi-agent-bin-"): Isolation {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const hidden = [repoRoot, join(homedir(), ".bun")].filter(existsSync).join(" ");
  const wrap = ["unshare", "-m", "--propagation", "private", "sh", "-c", HIDE, "sh"];
  const hidesRepo =
    !work.startsWith(repoRoot) &&
    Bun.spawnSync([...wrap, "sh", "-c", `! test -e "${join(repoRoot, "package.json")}"`], {
      env: { PATH, KILUSI_HIDE: hidden },
    }).exitCode === 0;
  if (!hidesRepo) {
    console.warn(
      "\n\u001b[33m⚠ the checkout could not be hidden from the agent binary (a mount namespace needs root): it runs with only its cwd and HOME elsewhere\u001b[0m\n",
    );
  }
  let dirs = 0;
  const freshDir = (name: string) => {
    const dir = join(work, `${name}-${++dirs}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const spawn = (argv: string[], opts: { env?: Record<string, string>; cwd?: string }) =>
    Bun.spawn(hidesRepo ? [...wrap, ...argv] : argv, {
      cwd: opts.cwd ?? freshDir("cwd"),
      env: { PATH, HOME: freshDir("home"), KILUSI_HIDE: hidden, ...opts.env },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
  return {
    work,
    hidesRepo,
    freshDir,
    async run(argv, opts = {}) {
      const proc = spawn(argv, opts);
      const [stdout, stderr, code] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      return { code, stdout, stderr };
    },
    start(argv, opts = {}) {
      // exec all the way down: the pid is the agent's, so a signal reaches it.
      const proc = spawn(argv, opts);
      const lines: Record<string, unknown>[] = [];
      let err = "";
      const reading = readJsonLines(proc.stdout, (line) => lines.push(line));
      const readingErr = readText(proc.stderr, (text) => {
        err += text;
      });
      return {
        proc,
        lines,
        stderr: () => err,
        async stop() {
          proc.kill("SIGTERM");
          const code = await proc.exited;
          await Promise.all([reading, readingErr]);
          return code;
        },
      };
    },
    remove: () => rmSync(work, { recursive: true, force: true }),
  };
}
