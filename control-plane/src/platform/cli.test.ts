import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { TestClient } from "../../../tests/support/http-client.ts";
import { requirePeer } from "../../../tests/support/peers.ts";
import { adminUrl, createScratchDatabase, postgresHint, postgresReachable } from "../../../tests/support/postgres.ts";
import { repoRoot, startControlPlaneProcess } from "../../../tests/support/process.ts";
import type { AssembledControlPlane } from "../runtime.ts";

// Each run is a process that starts Bun, migrates and hashes: beyond bun's 5 s default.
const SLOW = 120_000;
const hasPostgres = requirePeer("PostgreSQL", await postgresReachable(), postgresHint);

// The CLI and the server must agree on the database, its application role and the master key
// (the role's password is derived from it). A role of this file's own keeps other test
// processes, which provision kilusi_app with their own keys, out of the way.
const role = `kilusi_cli_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
const masterKey = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
const dataDir = mkdtempSync(join(tmpdir(), "kilusi-cli-"));

async function runCli(args: string[], stdin: string, env: Record<string, string> = {}) {
  const proc = Bun.spawn([process.execPath, "control-plane/src/cli.ts", ...args], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: "development", DATA_DIR: dataDir, LOG_LEVEL: "silent", ...env },
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  proc.stdin.write(stdin);
  proc.stdin.end();
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  return { code, stdout, stderr };
}

describe("bad usage exits 2 with the usage, before touching any database", () => {
  const cases: [string, string[]][] = [
    ["no command", []],
    ["an unknown command", ["make-admin", "--email", "a@example.test"]],
    ["an unknown flag", ["create-operator", "--email", "a@example.test", "--name", "A", "--admin"]],
    ["a missing --email", ["create-operator", "--name", "A"]],
    ["a missing --name", ["create-operator", "--email", "a@example.test"]],
    ["an --email that is not one", ["create-operator", "--email", "not-an-address", "--name", "A"]],
    ["a flag without its value", ["create-operator", "--email"]],
  ];
  for (const [what, args] of cases) {
    test(
      what,
      async () => {
        // An unreachable database: had the CLI tried to open it, it would exit 1, not 2.
        const run = await runCli(args, "long enough password\n", {
          DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
        });
        expect(run.code).toBe(2);
        expect(run.stderr).toContain("Usage: kilusi <command>");
        expect(run.stdout).toBe("");
      },
      SLOW,
    );
  }
});

test(
  "a bad configuration is named before a password is asked for, and exits 1",
  async () => {
    const run = await runCli(["create-operator", "--email", "a@example.test", "--name", "A"], "", {
      DATABASE_URL: "mysql://db.example/kilusi",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("config: DATABASE_URL");
  },
  SLOW,
);

describe.skipIf(!hasPostgres)("create-operator against PostgreSQL", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let env: Record<string, string>;
  let cp: AssembledControlPlane;
  let owner: ReturnType<typeof postgres>;
  const OPS = { email: "ops@example.test", password: "operator password 12" };
  const create = (email: string, name: string, stdin: string) =>
    runCli(["create-operator", "--email", email, "--name", name], stdin, env);
  const operators = async () =>
    (await owner`select email from users where platform_operator order by email`).map((r) => r.email as string);

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    env = { DATABASE_URL: scratch.url, DATABASE_APP_ROLE: role, APP_MASTER_KEY: masterKey };
    owner = postgres(scratch.url, { max: 1, onnotice: () => {} });
  }, SLOW);

  afterAll(async () => {
    await cp?.close();
    await owner?.end({ timeout: 1 });
    await scratch?.drop();
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop role if exists ${role}`).finally(() => admin.end({ timeout: 1 }));
    rmSync(dataDir, { recursive: true, force: true });
  }, SLOW);

  test(
    "refuses a password under 12 characters and creates no one",
    async () => {
      const run = await create(OPS.email, "Ops", "short pw 11\n");
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("12");
      expect(run.stdout).toBe("");
      // Refused before the database was opened, or at least before anyone was written.
      const [table] = await owner`select to_regclass('public.users')::text as name`;
      if (table?.name) expect(await owner`select id from users`).toHaveLength(0);
    },
    SLOW,
  );

  test(
    "creates the operator from the password on stdin, prints one line and audits it",
    async () => {
      const run = await create("  OPS@Example.TEST ", "Ops Satu", `${OPS.password}\n`);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout.trim().split("\n")).toHaveLength(1);
      expect(run.stdout).toContain(OPS.email);
      expect(await operators()).toEqual([OPS.email]);
      const rows = await owner`select tenant_id, actor_user_id, action, entity_id, after from audit_log
      where action = 'platform.operator_created'`;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ tenant_id: null, actor_user_id: null, after: { email: OPS.email } });
      const [user] = await owner`select id, password_hash from users where email = ${OPS.email}`;
      expect(rows[0]?.entity_id).toBe(user?.id);
      expect(user?.password_hash).toStartWith("$argon2id$");
    },
    SLOW,
  );

  test(
    "the operator signs in at /login and reaches /platform",
    async () => {
      cp = await assembleTestControlPlane(env);
      const browser = new TestClient((r) => cp.app.fetch(r));
      const login = await browser.post("/login?next=%2Fplatform", { email: OPS.email, password: OPS.password });
      expect(login.status).toBe(303);
      expect(login.headers.get("location")).toBe("/platform");
      const page = await browser.get("/platform");
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<h1>Semua ISP</h1>");
    },
    SLOW,
  );

  test(
    "an existing account becomes an operator only with its own password",
    async () => {
      const person = new TestClient((r) => cp.app.fetch(r));
      const signup = await person.post("/signup", {
        ispName: "Net Desa",
        slug: "net-desa",
        ownerName: "Budi",
        email: "budi@example.test",
        phone: "081234567890",
        password: "budi password 123",
      });
      expect(signup.status).toBe(303);
      expect((await person.get("/platform")).status).toBe(404);

      const wrong = await create("budi@example.test", "Budi", "not budi's password\n");
      expect(wrong.code).toBe(1);
      expect(await operators()).toEqual([OPS.email]);
      expect((await person.get("/platform")).status).toBe(404);

      const right = await create("budi@example.test", "Budi", "budi password 123\n");
      expect(right.code).toBe(0);
      expect(await operators()).toEqual(["budi@example.test", OPS.email]);
      // The flag is read at every request: the signed-in session has the area at once.
      expect((await person.get("/platform")).status).toBe(200);
    },
    SLOW,
  );

  test(
    "running it again for an operator changes nothing",
    async () => {
      const run = await create(OPS.email, "Ops Satu", `${OPS.password}\n`);
      expect(run.code).toBe(0);
      const rows = await owner`select id from audit_log where action = 'platform.operator_created'`;
      expect(rows).toHaveLength(2);
    },
    SLOW,
  );
});

describe("create-operator on the embedded default (PGlite)", () => {
  const pglite = { NODE_ENV: "development", DATA_DIR: "" };
  const run = (stdin: string) =>
    runCli(["create-operator", "--email", "ops@example.test", "--name", "Ops"], stdin, pglite);

  beforeAll(() => {
    pglite.DATA_DIR = mkdtempSync(join(tmpdir(), "kilusi-cli-pglite-"));
  });
  afterAll(() => {
    rmSync(pglite.DATA_DIR, { recursive: true, force: true });
  });

  test(
    "refuses while a server has the database open, and touches nothing",
    async () => {
      // What PGlite leaves in its directory while a process has it open.
      mkdirSync(join(pglite.DATA_DIR, "pglite"), { recursive: true });
      writeFileSync(join(pglite.DATA_DIR, "pglite", "postmaster.pid"), "-42\n");
      const refused = await run("operator password 12\n");
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("stop it first");
      expect(existsSync(join(pglite.DATA_DIR, "master.key"))).toBe(false);
      expect(readdirSync(join(pglite.DATA_DIR, "pglite"))).toEqual(["postmaster.pid"]);
      rmSync(join(pglite.DATA_DIR, "pglite"), { recursive: true });
    },
    SLOW,
  );

  test(
    "with the server stopped, the operator is created and can open /platform after the next start",
    async () => {
      const created = await run("operator password 12\n");
      expect(created.stderr).toBe("");
      expect(created.code).toBe(0);
      const cp = await startControlPlaneProcess({ env: { DATA_DIR: pglite.DATA_DIR } });
      try {
        const login = await fetch(`${cp.url}/login?next=%2Fplatform`, {
          method: "POST",
          headers: { origin: cp.url, accept: "text/html", "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ email: "ops@example.test", password: "operator password 12" }).toString(),
          redirect: "manual",
        });
        expect(login.headers.get("location")).toBe("/platform");
        const cookie = login.headers
          .getSetCookie()
          .map((c) => c.split(";")[0])
          .join("; ");
        const page = await fetch(`${cp.url}/platform`, { headers: { cookie, accept: "text/html" } });
        expect(page.status).toBe(200);
        // The demo ISP of the embedded default is there for the operator to see.
        expect(await page.text()).toContain("Demo Net");
      } finally {
        await cp.stop();
      }
    },
    SLOW,
  );
});
