import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@kilusi/shared/logger";
import { and, eq, inArray } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { TestClient } from "../../../tests/support/http-client.ts";
import { auditLog } from "../audit/audit.tables.ts";
import { systemClock } from "../clock.ts";
import { parseConfig } from "../config/config.ts";
import { createSecretBox } from "../crypto/secret-box.ts";
import { ensureDemoTenant } from "../demo/demo.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { createOperator } from "./platform.usecases.ts";

const testSecretBox = (purpose: string) => createSecretBox(Buffer.alloc(32, 7), purpose);

const PASSWORD = "platform test password 1";
let cp: AssembledControlPlane;
let operator: TestClient;
let operatorId: string;
let demoDir: string;
// Two ISPs signed up through the real form; their owners stay signed in across the tests.
const isps = {
  a: {
    name: "Net Desa Sukamaju",
    slug: "sukamaju",
    email: "owner-a@example.test",
    client: null as unknown as TestClient,
  },
  b: {
    name: "Kampung WiFi",
    slug: "kampung-wifi",
    email: "owner-b@example.test",
    client: null as unknown as TestClient,
  },
};
const ids: Record<"a" | "b", string> = { a: "", b: "" };

const client = () => new TestClient((r) => cp.app.fetch(r));

async function signUp(isp: (typeof isps)["a"]) {
  const c = client();
  const res = await c.post("/signup", {
    ispName: isp.name,
    slug: isp.slug,
    ownerName: "Pemilik",
    email: isp.email,
    phone: "0812 3456 7890",
    password: PASSWORD,
  });
  expect(res.status).toBe(303);
  return c;
}

async function signIn(c: TestClient, email: string, next?: string) {
  return c.post(next ? `/login?next=${encodeURIComponent(next)}` : "/login", { email, password: PASSWORD });
}

/** The row of one tenant on /platform, by the slug it shows. */
function rowOf(html: string, id: string): string {
  return new RegExp(`<tr id="tenant-${id}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? "";
}

function idOfSlug(html: string, slug: string): string {
  const rows = html.match(/<tr id="tenant-[^"]+"[\s\S]*?<\/tr>/g) ?? [];
  const row = rows.find((r) => r.includes(`<code>${slug}</code>`)) ?? "";
  return /tenant-([0-9a-f-]{36})/.exec(row)?.[1] ?? "";
}

const auditOf = (tenantId: string) =>
  cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), inArray(auditLog.action, ["tenant.suspended", "tenant.resumed"])))
      .orderBy(auditLog.id),
  );

beforeAll(async () => {
  cp = await assembleTestControlPlane();
  isps.a.client = await signUp(isps.a);
  isps.b.client = await signUp(isps.b);
  // The demo ISP has an owner and a technician: a member count above one.
  demoDir = mkdtempSync(join(tmpdir(), "kilusi-platform-demo-"));
  const config = parseConfig({ DATA_DIR: demoDir, NODE_ENV: "development" });
  const logger = createLogger({ name: "test", level: "silent" });
  expect(
    await ensureDemoTenant({ config, database: cp.database, clock: systemClock, logger, secretBox: testSecretBox }),
  ).not.toBeNull();
  const made = await createOperator(
    { database: cp.database, clock: systemClock },
    { email: "ops@example.test", name: "Operator Satu", password: PASSWORD },
    { ip: null, requestId: "test", userAgent: null },
  );
  operatorId = made.userId;
  operator = client();
  const res = await signIn(operator, "ops@example.test", "/platform");
  expect(res.headers.get("location")).toBe("/platform");
  const page = await (await operator.get("/platform")).text();
  ids.a = idOfSlug(page, isps.a.slug);
  ids.b = idOfSlug(page, isps.b.slug);
  // Two sign-ups, a demo seed and an operator: argon2 and PGlite are slow on shared cores.
}, 120_000);

afterAll(async () => {
  await cp?.close();
  if (demoDir) rmSync(demoDir, { recursive: true, force: true });
});

describe("who may enter /platform", () => {
  test("an ISP owner gets 404 on every /platform URL, and the action does nothing", async () => {
    const owner = isps.a.client;
    expect((await owner.get("/platform")).status).toBe(404);
    expect((await owner.get("/platform/anything")).status).toBe(404);
    expect((await owner.post(`/platform/tenants/${ids.b}/suspend`, {})).status).toBe(404);
    expect((await owner.post(`/platform/tenants/${ids.a}/suspend`, {}, { "hx-request": "true" })).status).toBe(404);
    expect(rowOf(await (await operator.get("/platform")).text(), ids.b)).toContain("Aktif");
    expect((await isps.b.client.get("/app")).status).toBe(200);
  });

  test("a visitor who is not signed in is sent to sign in, and back to /platform after", async () => {
    const res = await client().get("/platform");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fplatform");
  });
});

describe("the tenant overview", () => {
  test("lists every ISP with its address, status, creation date and member count", async () => {
    const res = await operator.get("/platform");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain("<h1>Semua ISP</h1>");
    expect(html).toContain("Operator Satu");
    for (const key of ["a", "b"] as const) {
      const row = rowOf(html, ids[key]);
      expect(row).toContain(isps[key].name);
      expect(row).toContain(`<code>${isps[key].slug}</code>`);
      expect(row).toContain("Aktif");
      expect(row).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[^"]+">[^<]+<\/time>/);
      expect(row).toMatch(/class="num">1<\/td>/);
    }
    const demo = rowOf(html, idOfSlug(html, "demo"));
    expect(demo).toContain("Demo Net");
    expect(demo).toMatch(/class="num">2<\/td>/);
    // Newest first: the demo was created last.
    expect(html.indexOf("Demo Net")).toBeLessThan(html.indexOf(isps.b.name));
    expect(html.indexOf(isps.b.name)).toBeLessThan(html.indexOf(isps.a.name));
  });

  test("speaks English when asked", async () => {
    const html = await (await operator.get("/platform", { "accept-language": "en" })).text();
    expect(html).toContain("<h1>All ISPs</h1>");
    expect(rowOf(html, ids.a)).toContain("Suspend");
  });
});

describe("suspend and resume", () => {
  test("suspending keeps the owner out: the signed-in session loses the ISP, and sign-in no longer offers it", async () => {
    const owner = isps.a.client;
    expect((await owner.get("/app")).status).toBe(200);

    const res = await operator.post(`/platform/tenants/${ids.a}/suspend`, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/platform?done=suspended&tenant=${ids.a}`);
    const after = await (await operator.get(res.headers.get("location") as string)).text();
    expect(after).toContain(`${isps.a.name} ditangguhkan.`);
    expect(rowOf(after, ids.a)).toContain("Ditangguhkan");
    expect(rowOf(after, ids.a)).toContain("Pulihkan");

    const next = await owner.get("/app");
    expect(next.status).toBe(303);
    expect(next.headers.get("location")).toBe("/tenants");
    const picker = await (await owner.get("/tenants")).text();
    expect(picker).not.toContain(isps.a.name);
    expect((await owner.post(`/tenants/${ids.a}/choose`, {})).status).toBe(404);

    const again = client();
    const login = await signIn(again, isps.a.email);
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).not.toBe("/app");
    expect((await again.get("/app")).status).toBe(303);

    // The other ISP is untouched.
    expect((await isps.b.client.get("/app")).status).toBe(200);
  });

  test("suspending twice changes nothing and writes one audit row", async () => {
    expect((await operator.post(`/platform/tenants/${ids.a}/suspend`, {})).status).toBe(303);
    const rows = await auditOf(ids.a);
    expect(rows.map((r) => r.action)).toEqual(["tenant.suspended"]);
    expect(rows[0]).toMatchObject({
      tenantId: ids.a,
      actorUserId: operatorId,
      entityType: "tenant",
      entityId: ids.a,
      before: { status: "active" },
      after: { status: "suspended" },
    });
    expect(rows[0]?.requestId).toBeTruthy();
  });

  test("resuming over htmx swaps the row and lets the owner back in with the same session", async () => {
    const res = await operator.post(`/platform/tenants/${ids.a}/resume`, {}, { "hx-request": "true" });
    expect(res.status).toBe(200);
    const fragment = await res.text();
    expect(fragment).not.toContain("<html");
    expect(fragment).toStartWith(`<tr id="tenant-${ids.a}"`);
    expect(fragment).toContain("Aktif");
    expect(fragment).toContain('hx-swap-oob="true"');
    expect(fragment).toContain(`${isps.a.name} dipulihkan.`);

    expect((await isps.a.client.get("/app")).status).toBe(200);
    const login = await signIn(client(), isps.a.email);
    expect(login.headers.get("location")).toBe("/app");

    const rows = await auditOf(ids.a);
    expect(rows.map((r) => r.action)).toEqual(["tenant.suspended", "tenant.resumed"]);
    expect(rows[1]).toMatchObject({ tenantId: ids.a, actorUserId: operatorId, after: { status: "active" } });
  });

  test("the audit rows belong to the suspended tenant only", async () => {
    expect(await auditOf(ids.b)).toEqual([]);
  });

  test("an unknown or malformed tenant id is 404 and changes nothing", async () => {
    expect((await operator.post(`/platform/tenants/${crypto.randomUUID()}/suspend`, {})).status).toBe(404);
    expect((await operator.post("/platform/tenants/not-a-uuid/suspend", {})).status).toBe(404);
    expect((await operator.post(`/platform/tenants/${ids.b}/delete`, {})).status).toBe(404);
    expect((await isps.b.client.get("/app")).status).toBe(200);
  });

  test("a cross-site form cannot suspend a tenant", async () => {
    const res = await operator.post(`/platform/tenants/${ids.b}/suspend`, {}, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect((await isps.b.client.get("/app")).status).toBe(200);
  });
});
