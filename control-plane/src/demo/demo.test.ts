import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@kilusi/shared/logger";
import { and, count, eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { openTestDatabase } from "../../../tests/support/database.ts";
import { requirePeer } from "../../../tests/support/peers.ts";
import { adminUrl, createScratchDatabase, postgresHint, postgresReachable } from "../../../tests/support/postgres.ts";
import { type StartedProcess, startControlPlaneProcess } from "../../../tests/support/process.ts";
import { users } from "../accounts/accounts.tables.ts";
import { auditLog } from "../audit/audit.tables.ts";
import { systemClock } from "../clock.ts";
import { parseConfig } from "../config/config.ts";
import { createSecretBox } from "../crypto/secret-box.ts";
import { rowsOf } from "../db/rows.ts";
import { memberships, tenants } from "../tenants/tenants.tables.ts";
import { demoWanted, ensureDemoTenant } from "./demo.ts";
import { demoLoginFile } from "./demo-login-file.ts";

const testSecretBox = (purpose: string) => createSecretBox(Buffer.alloc(32, 7), purpose);

// Processes start, migrate and hash passwords: far beyond bun's 5 s default on shared cores.
const SLOW = 120_000;
const hasPostgres = requirePeer("PostgreSQL", await postgresReachable(), postgresHint);
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "kilusi-demo-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The banner main.ts prints once it listens (stderr). */
async function banner(cp: StartedProcess): Promise<string> {
  for (let i = 0; i < 200 && !cp.stderr().includes("Stop with"); i++) await Bun.sleep(50);
  return cp.stderr();
}

function loginsIn(text: string) {
  const owner = /Sign in as (\S+) \/ (\S+)/.exec(text);
  const technician = /Technician: (\S+) \/ (\S+)/.exec(text);
  return {
    owner: owner ? { email: owner[1] as string, password: owner[2] as string } : null,
    technician: technician ? { email: technician[1] as string, password: technician[2] as string } : null,
  };
}

/** Signs in as a browser would (Origin header, form post) and follows the redirect. */
async function signIn(url: string, login: { email: string; password: string }) {
  const res = await fetch(`${url}/login`, {
    method: "POST",
    headers: { origin: url, accept: "text/html", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(login).toString(),
    redirect: "manual",
  });
  const location = res.headers.get("location");
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const landed = location ? await fetch(`${url}${location}`, { headers: { cookie, accept: "text/html" } }) : null;
  return { status: res.status, location, landedStatus: landed?.status, page: (await landed?.text()) ?? "" };
}

describe("the embedded default's demo ISP", () => {
  const dataDir = tempDir();
  let first: ReturnType<typeof loginsIn>;

  test(
    "the first start prints a demo sign-in that works",
    async () => {
      const cp = await startControlPlaneProcess({ env: { DATA_DIR: dataDir } });
      try {
        first = loginsIn(await banner(cp));
        expect(first.owner?.email).toBe("demo@kilusi.local");
        expect(first.owner?.password.length).toBeGreaterThanOrEqual(20);
        expect(first.technician?.email).toBe("teknisi@kilusi.local");
        expect(first.technician?.password).not.toBe(first.owner?.password);

        const owner = await signIn(cp.url, first.owner as { email: string; password: string });
        expect(owner.status).toBe(303);
        expect(owner.location).toBe("/app");
        expect(owner.landedStatus).toBe(200);
        expect(owner.page).toContain("Demo Net");

        const technician = await signIn(cp.url, first.technician as { email: string; password: string });
        expect(technician.location).toBe("/app");
        expect(technician.landedStatus).toBe(200);
        expect(technician.page).toContain("Demo Net");

        // The log says the demo was made, without the password.
        expect(cp.logs.some((l) => l.msg === "demo ISP created")).toBe(true);
        expect(JSON.stringify(cp.logs)).not.toContain(first.owner?.password as string);
      } finally {
        await cp.stop();
      }
      expect(statSync(demoLoginFile(dataDir)).mode & 0o777).toBe(0o600);
    },
    SLOW,
  );

  test(
    "a restart on the same data directory prints the same sign-in and creates nothing new",
    async () => {
      const cp = await startControlPlaneProcess({ env: { DATA_DIR: dataDir } });
      try {
        const again = loginsIn(await banner(cp));
        expect(again).toEqual(first);
        expect(cp.logs.some((l) => l.msg === "demo ISP created")).toBe(false);
        const owner = await signIn(cp.url, again.owner as { email: string; password: string });
        expect(owner.landedStatus).toBe(200);
        expect(owner.page).toContain("Demo Net");
      } finally {
        await cp.stop();
      }
    },
    SLOW,
  );
});

describe("the demo seed itself", () => {
  test(
    "goes through sign-up: the ISP, its two members and their audit rows",
    async () => {
      const dir = tempDir();
      const t = await openTestDatabase("pglite");
      try {
        const config = parseConfig({ DATA_DIR: dir });
        const logger = createLogger({ name: "test", level: "silent" });
        const deps = { config, database: t.database, clock: systemClock, logger, secretBox: testSecretBox };
        const login = await ensureDemoTenant(deps);
        expect(login?.owner.email).toBe("demo@kilusi.local");
        // A working ISP to look at: plans, subscribers billed at activation, some of them paid.
        const demoId = (
          await t.database.withContext({ platform: true }, (tx) =>
            tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, "demo")),
          )
        )[0]?.id as string;
        const counts = await t.database.withTenant(
          demoId,
          async (tx) =>
            rowsOf<Record<string, number>>(
              await tx.execute(sql`select (select count(*)::int from plans) as plans,
              (select count(*)::int from subscriptions where status = 'active') as active,
              (select count(*)::int from invoices) as invoices,
              (select count(*)::int from payments) as payments`),
            )[0],
        );
        expect(counts).toEqual({ plans: 4, active: 6, invoices: 6, payments: 4 });
        const [tenant] = await t.database.withContext({ platform: true }, (tx) =>
          tx.select().from(tenants).where(eq(tenants.slug, "demo")),
        );
        expect(tenant?.name).toBe("Demo Net");
        const tenantId = tenant?.id as string;
        const { members, actions } = await t.database.withTenant(tenantId, async (tx) => ({
          members: await tx
            .select({ email: users.email, role: memberships.role, operator: users.platformOperator })
            .from(memberships)
            .innerJoin(users, eq(users.id, memberships.userId))
            .orderBy(memberships.role),
          actions: await tx
            .select({ action: auditLog.action })
            .from(auditLog)
            .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.requestId, "demo-seed")))
            .orderBy(auditLog.id),
        }));
        expect(members).toEqual([
          { email: "demo@kilusi.local", role: "owner", operator: false },
          { email: "teknisi@kilusi.local", role: "technician", operator: false },
        ]);
        // The ISP and its technician first; then its billing data, audited like anyone's.
        expect(actions.map((a) => a.action).slice(0, 2)).toEqual(["tenant.created", "member.added"]);
        expect(new Set(actions.map((a) => a.action).slice(2))).toEqual(
          new Set([
            "plan.created",
            "customer.created",
            "subscription.created",
            "subscription.activated",
            "payment.recorded",
          ]),
        );

        // The sign-in file lost: the demo is not made twice, and nothing is printed that would not work.
        rmSync(demoLoginFile(dir));
        expect(await ensureDemoTenant(deps)).toBeNull();
        const [all] = await t.database.withContext({ platform: true }, (tx) => tx.select({ n: count() }).from(tenants));
        expect(all?.n).toBe(1);
      } finally {
        await t.close();
      }
    },
    SLOW,
  );
});

describe("no demo outside the embedded default", () => {
  test("only development on PGlite wants one", () => {
    const dir = tempDir();
    const key = Buffer.alloc(32, 7).toString("base64");
    const cases: [Record<string, string>, boolean][] = [
      [{}, true],
      [{ NODE_ENV: "development" }, true],
      [{ NODE_ENV: "production", APP_MASTER_KEY: key }, false],
      [{ NODE_ENV: "test" }, false],
      [{ DATABASE_URL: "postgres://u@db.example/kilusi" }, false],
    ];
    for (const [env, wanted] of cases) expect(demoWanted(parseConfig({ DATA_DIR: dir, ...env }))).toBe(wanted);
  });

  test(
    "in production nothing is created and no login file is written",
    async () => {
      const dir = tempDir();
      const t = await openTestDatabase("pglite");
      try {
        const config = parseConfig({
          DATA_DIR: dir,
          NODE_ENV: "production",
          APP_MASTER_KEY: Buffer.alloc(32).toString("base64"),
        });
        const logger = createLogger({ name: "test", level: "silent" });
        expect(
          await ensureDemoTenant({
            config,
            database: t.database,
            clock: systemClock,
            logger,
            secretBox: testSecretBox,
          }),
        ).toBeNull();
        const [row] = await t.database.withoutTenant((tx) => tx.select({ n: count() }).from(users));
        expect(row?.n).toBe(0);
        expect(existsSync(demoLoginFile(dir))).toBe(false);
      } finally {
        await t.close();
      }
    },
    SLOW,
  );

  test.skipIf(!hasPostgres)(
    "with DATABASE_URL the banner offers sign-up instead, and no one exists",
    async () => {
      const scratch = await createScratchDatabase();
      const dataDir = tempDir();
      // A role of its own: kilusi_app's password is derived from a master key, which other test
      // processes provision with theirs.
      const role = `kilusi_demo_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
      const cp = await startControlPlaneProcess({
        env: { DATA_DIR: dataDir, DATABASE_URL: scratch.url, DATABASE_APP_ROLE: role },
      });
      try {
        const text = await banner(cp);
        expect(text).not.toContain("Sign in as");
        expect(text).toContain("/signup");
        expect(existsSync(demoLoginFile(dataDir))).toBe(false);
        const res = await signIn(cp.url, { email: "demo@kilusi.local", password: "whatever-it-might-be" });
        expect(res.status).toBe(401);
      } finally {
        await cp.stop();
        await scratch.drop();
        const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
        await admin.unsafe(`drop role if exists ${role}`).finally(() => admin.end({ timeout: 1 }));
      }
    },
    SLOW,
  );
});
