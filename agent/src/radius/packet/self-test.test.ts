import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AttributeSpec, createDictionary, RADIUS_DICTIONARY } from "../dictionary/dictionary.ts";
import { RFC_ATTRIBUTES } from "../dictionary/rfc.attributes.ts";
import { MICROSOFT, MIKROTIK } from "../dictionary/vendor.attributes.ts";
import { RadiusSelfTestError, radiusSelfTest } from "./self-test.ts";

const replace = (specs: readonly AttributeSpec[], name: string, change: Partial<AttributeSpec>) =>
  specs.map((s) => (s.name === name ? { ...s, ...change } : s));

describe("radiusSelfTest", () => {
  test("passes on the embedded dictionaries", () => {
    expect(() => radiusSelfTest()).not.toThrow();
  });

  test("names a vendor attribute that moved", () => {
    const broken = createDictionary(RFC_ATTRIBUTES, [
      { ...MIKROTIK, attributes: replace(MIKROTIK.attributes, "Mikrotik-Rate-Limit", { code: 31 }) },
      MICROSOFT,
    ]);
    expect(() => radiusSelfTest(broken)).toThrow(RadiusSelfTestError);
    expect(() => radiusSelfTest(broken)).toThrow(/lacks Mikrotik-Rate-Limit \(14988:8\)/);
  });

  test("catches a wrong type through the round trip, as one clear error", () => {
    const broken = createDictionary(RFC_ATTRIBUTES, [
      MIKROTIK,
      {
        ...MICROSOFT,
        attributes: replace(MICROSOFT.attributes, "MS-CHAP2-Response", { type: "string", length: undefined }),
      },
    ]);
    expect(() => radiusSelfTest(broken)).toThrow(
      /^RADIUS self-test failed: Access-Request: MS-CHAP2-Response did not survive/,
    );
    const noMa = createDictionary(
      RFC_ATTRIBUTES.filter((s) => s.name !== "Message-Authenticator"),
      [MIKROTIK, MICROSOFT],
    );
    expect(() => radiusSelfTest(noMa)).toThrow(/lacks Message-Authenticator/);
  });
});

// The agent ships as `bun build --compile` (deploy/agent/build.ts): the dictionaries must be in
// the executable. This compiles a small entry with the same flags and runs it away from the source.
describe("in a compiled executable", () => {
  const work = mkdtempSync(join(tmpdir(), "kilusi-radius-compiled-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("the self-test passes and the whole dictionary is there", async () => {
    const entry = join(work, "entry.ts");
    writeFileSync(
      entry,
      `import { RADIUS_DICTIONARY } from ${JSON.stringify(join(import.meta.dir, "../dictionary/dictionary.ts"))};
import { radiusSelfTest } from ${JSON.stringify(join(import.meta.dir, "self-test.ts"))};
radiusSelfTest();
console.log(JSON.stringify({ ok: true, attributes: RADIUS_DICTIONARY.all().length }));`,
    );
    const bin = join(work, "radius-self-test");
    const build = Bun.spawnSync(
      [
        process.execPath,
        "build",
        "--compile",
        "--minify",
        "--no-compile-autoload-dotenv",
        "--no-compile-autoload-bunfig",
        "--outfile",
        bin,
        entry,
      ],
      { stdout: "pipe", stderr: "pipe" },
    );
    expect(build.stderr.toString()).not.toContain("error");
    expect(build.exitCode).toBe(0);
    const cwd = join(work, "elsewhere");
    Bun.spawnSync(["mkdir", "-p", cwd]);
    rmSync(entry);
    const run = Bun.spawnSync([bin], { cwd, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin" } });
    expect(run.stderr.toString()).toBe("");
    expect(JSON.parse(run.stdout.toString())).toEqual({ ok: true, attributes: RADIUS_DICTIONARY.all().length });
  }, 60_000);
});
