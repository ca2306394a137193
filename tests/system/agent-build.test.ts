// Issue 5 item 9: the agent as sites get it — compiled by deploy/agent/build.ts, run away from
// the checkout (tests/support/compiled-agent.ts), natively on x64 and under qemu-user on the
// CPUs of small site boxes — and the systemd unit that runs it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_KEYS, parseConfig } from "../../agent/src/config/config.ts";
import { AGENT_VERSION } from "../../agent/src/version.ts";
import { buildTarget, type Target } from "../../deploy/agent/build.ts";
import { isolation, type Ran } from "../support/compiled-agent.ts";
import { EM_AARCH64, EM_X86_64, elfOf, probeElf } from "../support/elf.ts";
import { freePort } from "../support/free-port.ts";
import { requirePeer } from "../support/peers.ts";
import { repoRoot } from "../support/process.ts";

const loud = (line: string) => console.warn(`\n\u001b[33m⚠ ${line}\u001b[0m\n`);
const box = isolation("kilusi-agent-build-");
const { run, freshDir } = box;
const bin = {} as Record<Target, string>;
const VERSION_LINE = `kilusi-agent ${AGENT_VERSION}\n`;

beforeAll(async () => {
  // One after the other: two shared cores, and each build writes ~100 MB.
  for (const target of ["x64", "arm64", "x64-musl", "arm64-musl"] as const) {
    bin[target] = (await buildTarget(target, join(box.work, "bin"))).path;
  }
}, 300_000);
afterAll(() => box.remove());

const emptyDataDir = () => join(freshDir("data"), "agent");
const inData = (dataDir = emptyDataDir()) => ({ env: { KILUSI_AGENT_DATA_DIR: dataDir } });
const noStack = (r: Ran) => expect(r.stderr).not.toMatch(/\n\s+at /);

describe.skipIf(process.platform !== "linux" || process.arch !== "x64")("the x64 glibc binary", () => {
  test("--version prints the source's version", async () => {
    expect(await run([bin.x64, "--version"])).toEqual({ code: 0, stdout: VERSION_LINE, stderr: "" });
  });

  test("--print-config is TOML with every key at its default", async () => {
    const r = await run([bin.x64, "--print-config"]);
    expect(r.code).toBe(0);
    const parsed = Bun.TOML.parse(r.stdout) as Record<string, Record<string, unknown>>;
    for (const [key, def] of Object.entries(CONFIG_KEYS)) {
      const [table, name] = key.includes(".") ? key.split(".") : [undefined, key];
      const value = table ? parsed[table]?.[name as string] : parsed[key];
      expect({ key, value }).toEqual({ key, value: def.default });
    }
    expect(parseConfig(parsed, {})).toEqual(parseConfig({}, {}));
  });

  test("status on an empty data dir creates the store (0600) and reports an unenrolled agent", async () => {
    const dataDir = emptyDataDir();
    const first = await run([bin.x64, "status"], inData(dataDir));
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const status = JSON.parse(first.stdout);
    expect(status).toMatchObject({ enrolled: false, appliedRevision: 0, siteId: null, journal: { backlog: 0 } });
    expect(status.agentId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(statSync(join(dataDir, "agent.db")).mode & 0o777).toBe(0o600);
    const again = JSON.parse((await run([bin.x64, "status"], inData(dataDir))).stdout);
    expect(again.agentId).toBe(status.agentId);
  });

  test("the unit's command, with a --print-config file, refuses to run before enroll and says how", async () => {
    const config = join(freshDir("etc"), "agent.toml");
    writeFileSync(config, (await run([bin.x64, "--print-config"])).stdout);
    const r = await run([bin.x64, "run", "--config", config], inData());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("not enrolled");
    expect(r.stderr).toContain("kilusi-agent enroll <url> <token>");
    noStack(r);
  });

  test("enroll against a port nobody listens on fails with one clear line, exit 1", async () => {
    const port = await freePort();
    const r = await run([bin.x64, "enroll", `http://127.0.0.1:${port}`, "t.x.y"], inData());
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith(`kilusi-agent: enrollment failed: cannot reach http://127.0.0.1:${port}`);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });

  test("a .env or bunfig.toml in the working directory is ignored (no config, no preloaded code)", async () => {
    const cwd = freshDir("hostile-cwd");
    writeFileSync(join(cwd, ".env"), "KILUSI_AGENT_LOG_LEVEL=loud\nKILUSI_AGENT_DATA_DIR=/nonexistent\n");
    writeFileSync(join(cwd, "bunfig.toml"), 'preload = ["./preload.js"]\n');
    writeFileSync(join(cwd, "preload.js"), `require("node:fs").writeFileSync(${JSON.stringify(join(cwd, "ran"))}, "")`);
    const dataDir = emptyDataDir();
    const r = await run([bin.x64, "status"], { cwd, ...inData(dataDir) });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(existsSync(join(cwd, "ran"))).toBe(false);
    expect(existsSync(join(dataDir, "agent.db"))).toBe(true);
  });

  test("an unexpected error's stack names the agent's source file and line (embedded source map)", async () => {
    const file = join(freshDir("file"), "not-a-dir");
    writeFileSync(file, "");
    const r = await run([bin.x64, "status"], inData(join(file, "data")));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ENOTDIR");
    expect(r.stderr).toMatch(/agent\/src\/[\w/.-]+\.ts:\d+/);
  });
});

// sub sp, sp, #16; ldadd w0, w0, [sp]: an ARMv8.1 LSE atomic, absent on ARMv8.0 (Cortex-A53, A72).
const LSE = [0xff, 0x43, 0x00, 0xd1, 0xe0, 0x03, 0x20, 0xb8];
// vpaddd ymm0, ymm0, ymm0: AVX2, absent before Haswell.
const AVX2 = [0xc5, 0xfd, 0xfe, 0xc0];
const SIGILL = 128 + 4;

// What --version does not reach in the runtime: JIT tier-up, Atomics, MD4/DES (MS-CHAP), SQLite.
const WORKOUT = `const c = require("node:crypto");
let s = 0; for (let i = 0; i < 3e6; i++) s = (s + i * 31) % 1000003;
const a = new Float64Array(1e5); for (let k = 0; k < 30; k++) for (let i = 0; i < a.length; i++) a[i] = Math.sqrt(i + k);
const ia = new Int32Array(new SharedArrayBuffer(8)); for (let i = 0; i < 1e5; i++) Atomics.add(ia, 0, 1);
const db = new (require("bun:sqlite").Database)(":memory:"); db.exec("create table t(x)"); db.query("insert into t values (1)").run();
console.log(JSON.stringify([s, a[5], Atomics.load(ia, 0), c.createHash("md4").update("x").digest("hex"),
  c.createCipheriv("des-ecb", Buffer.alloc(8, 1), null).update(Buffer.alloc(8)).toString("hex"), db.query("select count(*) n from t").get()]));`;

const arm = (cpu: string) => ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu", "-cpu", cpu];
const x86 = (cpu: string) => ["qemu-x86_64", "-cpu", cpu];
const qemu = Boolean(Bun.which("qemu-aarch64") && Bun.which("qemu-x86_64"));
const arm64Libc = existsSync("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1");

if (
  requirePeer("qemu-user and the arm64 C library", qemu && arm64Libc, "apt-get install qemu-user libc6-arm64-cross")
) {
  describe.skipIf(process.arch !== "x64")("under qemu-user, on the CPUs of small site boxes", () => {
    let workout: string;
    let reference: string;
    beforeAll(async () => {
      workout = join(freshDir("workout"), "workout.js");
      writeFileSync(workout, WORKOUT);
      // BUN_BE_BUN=1 makes a compiled executable act as the Bun it embeds.
      reference = (await run([bin.x64, workout], { env: { BUN_BE_BUN: "1" } })).stdout;
      expect(reference).toStartWith("[1395,");
    });

    test("the emulator enforces the CPU model: LSE faults on cortex-a53 and cortex-a72, runs on cortex-a76", async () => {
      const probe = probeElf(freshDir("probe"), EM_AARCH64, LSE);
      expect((await run([...arm("cortex-a53"), probe])).code).toBe(SIGILL);
      expect((await run([...arm("cortex-a72"), probe])).code).toBe(SIGILL);
      expect((await run([...arm("cortex-a76"), probe])).code).toBe(0);
    });

    test("the arm64 binary runs --version and status on a Cortex-A53 (ARMv8.0, no LSE)", async () => {
      expect(await run([...arm("cortex-a53"), bin.arm64, "--version"])).toEqual({
        code: 0,
        stdout: VERSION_LINE,
        stderr: "",
      });
      const status = await run([...arm("cortex-a53"), bin.arm64, "status"], inData());
      expect(status.stderr).toBe("");
      expect(JSON.parse(status.stdout)).toMatchObject({ enrolled: false, appliedRevision: 0 });
    });

    test("the arm64 runtime's JIT, atomics, MD4/DES and SQLite give the x64 answers on a Cortex-A53", async () => {
      const r = await run([...arm("cortex-a53"), bin.arm64, workout], { env: { BUN_BE_BUN: "1" } });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(reference);
    });

    test("the x64 binary runs on a CPU without AVX or AVX2 (Nehalem), which the emulator enforces", async () => {
      expect((await run([...x86("Nehalem"), probeElf(freshDir("probe"), EM_X86_64, AVX2)])).code).toBe(SIGILL);
      expect((await run([...x86("Nehalem"), bin.x64, "--version"])).stdout).toBe(VERSION_LINE);
      const r = await run([...x86("Nehalem"), bin.x64, workout], { env: { BUN_BE_BUN: "1" } });
      expect(r.stdout).toBe(reference);
    });
  });
}

describe("the musl builds (Alpine and other musl systems)", () => {
  test("each binary is for its CPU and asks for its C library's loader", () => {
    expect(elfOf(bin.x64)).toEqual({ machine: EM_X86_64, interpreter: "/lib64/ld-linux-x86-64.so.2" });
    expect(elfOf(bin.arm64)).toEqual({ machine: EM_AARCH64, interpreter: "/lib/ld-linux-aarch64.so.1" });
    expect(elfOf(bin["x64-musl"])).toEqual({ machine: EM_X86_64, interpreter: "/lib/ld-musl-x86_64.so.1" });
    expect(elfOf(bin["arm64-musl"])).toEqual({ machine: EM_AARCH64, interpreter: "/lib/ld-musl-aarch64.so.1" });
  });

  // Debian has no musl libstdc++, which the binary needs besides musl's loader: the run is a test
  // only where both are (an Alpine-like machine); elsewhere a loud line says it was not run.
  const muslRuns =
    process.arch === "x64" && existsSync("/lib/ld-musl-x86_64.so.1") && existsSync("/usr/lib/libstdc++.so.6");
  if (muslRuns) {
    test("the x64 musl binary runs", async () => {
      expect(await run([bin["x64-musl"], "--version"])).toEqual({ code: 0, stdout: VERSION_LINE, stderr: "" });
    });
  } else
    loud(
      "NOT RUN: the x64 musl binary needs musl and its libstdc++ (Alpine: apk add libstdc++); ELF header checked only",
    );
});

const UNIT = join(repoRoot, "deploy/systemd/kilusi-agent.service");
if (requirePeer("systemd-analyze", Boolean(Bun.which("systemd-analyze")), "apt-get install systemd")) {
  describe("deploy/systemd/kilusi-agent.service", () => {
    // verify checks that ExecStart's program exists: point it at the binary built above.
    const unitFile = () => {
      const path = join(freshDir("unit"), "kilusi-agent.service");
      writeFileSync(path, readFileSync(UNIT, "utf8").replace("/usr/local/bin/kilusi-agent", bin.x64));
      return path;
    };
    const systemd = Number(
      /systemd (\d+)/.exec(Bun.spawnSync(["systemd-analyze", "--version"]).stdout.toString())?.[1],
    );

    test("systemd-analyze verify accepts it", () => {
      const r = Bun.spawnSync(["systemd-analyze", "verify", unitFile()]);
      const complaints = r.stderr
        .toString()
        .split("\n")
        .filter((l) => l.trim())
        // verify loads the units ours orders itself after (network-online.target's wants): the
        // machine's own units may warn (Debian's freeradius.service uses MemoryLimit=). Only
        // what it says about ours counts.
        .filter((l) => !/^\/(lib|usr\/lib|etc)\/systemd\/system\//.test(l))
        // The backoff keys came in systemd 254; older ones ignore them, as the unit's comment says.
        .filter((l) => !(systemd < 254 && /Unknown key '(RestartSteps|RestartMaxDelaySec)'/.test(l)));
      expect(complaints).toEqual([]);
      expect(r.exitCode).toBe(0);
    });

    test("its sandbox rates OK (exposure at most 2.0 of 10) in systemd-analyze security", () => {
      const r = Bun.spawnSync(["systemd-analyze", "security", "--offline=true", "--no-pager", unitFile()]);
      const level = /Overall exposure level for [^:]+: ([\d.]+)/.exec(r.stdout.toString())?.[1];
      expect(Number(level)).toBeLessThanOrEqual(2.0);
    });

    test("it runs the agent as its own user, in the agent's default data dir, with no capability", () => {
      const lines = readFileSync(UNIT, "utf8").split("\n");
      for (const line of [
        "User=kilusi-agent",
        "StateDirectory=kilusi-agent",
        "ExecStart=/usr/local/bin/kilusi-agent run --config /etc/kilusi/agent.toml",
        "Restart=always",
        "CapabilityBoundingSet=",
        "AmbientCapabilities=",
      ]) {
        expect(lines).toContain(line);
      }
      // StateDirectory= makes /var/lib/kilusi-agent: the store needs no KILUSI_AGENT_DATA_DIR.
      expect(CONFIG_KEYS.data_dir.default).toBe("/var/lib/kilusi-agent");
    });
  });
}
