#!/usr/bin/env bun
// Builds the site agent as standalone Linux executables (DESIGN §7: x64/arm64 under systemd).
//
//   bun deploy/agent/build.ts [--target x64|arm64|x64-musl|arm64-musl|x64-baseline|all] [--out dir]
//
// `--target` may be repeated or comma-separated; default `all` (the four glibc/musl builds;
// `x64-baseline`, for x86 CPUs without AVX2, only when asked). Default out: dist/agent/.
//
// Each target's Bun runtime is what Bun downloads from the npm registry (`@oven/bun-linux-…`,
// the running Bun's version) into its install cache on first use; the pinned Bun is therefore
// required, or the binaries would embed another runtime than the one the tests ran on.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { arch } from "node:os";
import { join, resolve } from "node:path";
import { AGENT_VERSION } from "../../agent/src/version.ts";

const root = join(import.meta.dir, "..", "..");
export const ENTRY = join(root, "agent", "src", "cli.ts");
export const DEFAULT_OUT = join(root, "dist", "agent");

export const TARGETS = {
  x64: "bun-linux-x64",
  arm64: "bun-linux-arm64",
  "x64-musl": "bun-linux-x64-musl",
  "arm64-musl": "bun-linux-arm64-musl",
  "x64-baseline": "bun-linux-x64-baseline",
} as const;
export type Target = keyof typeof TARGETS;
const ALL: Target[] = ["x64", "arm64", "x64-musl", "arm64-musl"];

export const binaryName = (target: Target) => `kilusi-agent-linux-${target}`;

// --minify shrinks the bundle; --sourcemap=linked embeds the map in the executable, so a stack
// trace still names agent/src/<file>:<line>. A compiled Bun reads .env and bunfig.toml from its
// working directory by default (bunfig's `preload` even runs code from there): an agent must not.
const FLAGS = ["--minify", "--sourcemap=linked", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig"];

export interface Built {
  target: Target;
  path: string;
  bytes: number;
  ms: number;
}

export function pinnedBun(): string {
  return JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines.bun;
}

/** Compiles one target into `outDir`; throws with Bun's output when the build fails. */
export async function buildTarget(target: Target, outDir: string): Promise<Built> {
  if (Bun.version !== pinnedBun()) {
    throw new Error(
      `this is Bun ${Bun.version}, package.json pins ${pinnedBun()}: run \`node scripts/kilusi.mjs deploy/agent/build.ts\``,
    );
  }
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, binaryName(target));
  const started = performance.now();
  const proc = Bun.spawn(
    [process.execPath, "build", "--compile", ...FLAGS, `--target=${TARGETS[target]}`, "--outfile", path, ENTRY],
    { cwd: root, stdout: "pipe", stderr: "pipe" },
  );
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`bun build for ${target} failed (exit ${code}):\n${stderr}${stdout}`);
  // The map is inside the executable already; the copy beside it is noise in a release.
  rmSync(`${path}.map`, { force: true });
  return { target, path, bytes: statSync(path).size, ms: Math.round(performance.now() - started) };
}

/** Whether this machine runs `target` natively (then the build checks the binary's version). */
function runsHere(target: Target): boolean {
  if (process.platform !== "linux") return false;
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return Boolean(report.header?.glibcVersionRuntime) && target === (arch() === "arm64" ? "arm64" : "x64");
}

async function selfCheck(built: Built): Promise<void> {
  const proc = Bun.spawn([built.path, "--version"], { cwd: "/", stdout: "pipe", stderr: "pipe" });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0 || out.trim() !== `kilusi-agent ${AGENT_VERSION}`) {
    throw new Error(`${built.path} --version printed ${JSON.stringify(out)} (exit ${code})`);
  }
}

/** SHA256SUMS over every binary in `outDir` (`sha256sum -c SHA256SUMS` on the site). */
function writeChecksums(outDir: string): void {
  const lines = readdirSync(outDir)
    .filter((f) => f.startsWith("kilusi-agent-linux-") && !f.endsWith(".map"))
    .sort()
    .map(
      (f) =>
        `${createHash("sha256")
          .update(readFileSync(join(outDir, f)))
          .digest("hex")}  ${f}`,
    );
  writeFileSync(join(outDir, "SHA256SUMS"), `${lines.join("\n")}\n`);
}

function parseCli(argv: string[]): { targets: Target[]; outDir: string } {
  const targets = new Set<Target>();
  let outDir = DEFAULT_OUT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg];
    const value = () => {
      const v = inline ?? argv[++i];
      if (!v) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--target") {
      for (const t of value().split(",")) {
        if (t === "all") for (const a of ALL) targets.add(a);
        else if (t in TARGETS) targets.add(t as Target);
        else throw new Error(`unknown target ${t} (one of ${[...Object.keys(TARGETS), "all"].join(", ")})`);
      }
    } else if (flag === "--out") outDir = resolve(value());
    else
      throw new Error(`unknown option ${arg}\nusage: bun deploy/agent/build.ts [--target <t>[,<t>…]|all] [--out dir]`);
  }
  return { targets: targets.size ? [...targets] : ALL, outDir };
}

if (import.meta.main) {
  try {
    const { targets, outDir } = parseCli(Bun.argv.slice(2));
    console.log(`kilusi-agent ${AGENT_VERSION}, Bun ${Bun.version} → ${outDir}`);
    for (const target of targets) {
      const built = await buildTarget(target, outDir);
      if (runsHere(target)) await selfCheck(built);
      console.log(
        `  ${binaryName(target).padEnd(34)} ${(built.bytes / 1048576).toFixed(1).padStart(6)} MiB  ${(built.ms / 1000).toFixed(1)} s`,
      );
    }
    writeChecksums(outDir);
  } catch (error) {
    console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
