#!/usr/bin/env node
// Runs a project task with the pinned Bun on a machine that has only Node.js and npm.
//
//   node scripts/kilusi.mjs <bun arguments…>      e.g. `run control-plane/src/main.ts`, `test`
//
// Before handing over it makes sure that (1) the Bun pinned in package.json `engines.bun`
// is present — taken from PATH when the version matches, otherwise installed from the npm
// registry as the platform package `@oven/bun-<os>-<arch>` into `.tools/` (a registry
// package, no download script) and checked by running it — and (2) the workspace's
// dependencies match the committed `bun.lock` (`bun install --frozen-lockfile` otherwise).
// Only Node built-ins are used here, because nothing else exists yet when it runs.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines.bun;
const say = (line) => process.stderr.write(`[kilusi] ${line}\n`);

function versionOf(bin) {
  try {
    return execFileSync(bin, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

function platformPackage() {
  const os = { linux: "linux", darwin: "darwin", win32: "windows" }[process.platform];
  const arch = { x64: "x64", arm64: "aarch64" }[process.arch];
  if (!os || !arch) throw new Error(`no Bun build for ${process.platform}/${process.arch}`);
  let name = `@oven/bun-${os}-${arch}`;
  if (os === "linux" && !process.report?.getReport().header.glibcVersionRuntime) name += "-musl";
  // Bun's default x64 build needs AVX2; older CPUs get the baseline build.
  if (arch === "x64" && os === "linux" && !/\bavx2\b/.test(readFileSync("/proc/cpuinfo", "utf8"))) {
    name += "-baseline";
  }
  return name;
}

function ensureBun() {
  if (process.env.KILUSI_BUN && versionOf(process.env.KILUSI_BUN) === pinned) return process.env.KILUSI_BUN;
  const pkg = platformPackage();
  const exe = process.platform === "win32" ? "bun.exe" : "bun";
  const local = join(root, ".tools", "bun", "node_modules", ...pkg.split("/"), "bin", exe);
  if (versionOf(local) === pinned) return local;
  if (versionOf("bun") === pinned) return "bun";
  say(`installing Bun ${pinned} (${pkg}) from the npm registry into .tools/bun …`);
  const dir = join(root, ".tools", "bun");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), '{ "private": true }\n');
  execFileSync(
    "npm",
    ["install", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error", "--ignore-scripts", `${pkg}@${pinned}`],
    { stdio: "inherit", shell: process.platform === "win32" },
  );
  const got = versionOf(local);
  if (got !== pinned) {
    throw new Error(`Bun binary missing or unusable at ${local} (got ${got ?? "nothing"}, wanted ${pinned})`);
  }
  return local;
}

function ensureDependencies(bun) {
  const stamp = join(root, "node_modules", ".kilusi-lock");
  const files = [
    "bun.lock",
    "package.json",
    "shared/package.json",
    "web/package.json",
    "control-plane/package.json",
    "agent/package.json",
    "tests/package.json",
  ];
  const hash = createHash("sha256");
  for (const f of files) if (existsSync(join(root, f))) hash.update(readFileSync(join(root, f)));
  const digest = hash.digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === digest) return;
  say("installing dependencies (bun install --frozen-lockfile) …");
  execFileSync(bun, ["install", "--frozen-lockfile"], { cwd: root, stdio: "inherit" });
  writeFileSync(stamp, digest);
}

try {
  const bun = ensureBun();
  ensureDependencies(bun);
  const args = process.argv.slice(2);
  if (args.length === 0) process.exit(0);
  const child = spawn(bun, args, { cwd: root, stdio: "inherit", env: { ...process.env, KILUSI_BUN: bun } });
  // npm delivers SIGINT/SIGTERM to this process; the child decides how to shut down.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
} catch (error) {
  say(`error: ${error.message}`);
  process.exit(1);
}
