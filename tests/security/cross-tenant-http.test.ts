import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import postgres from "postgres";
import type { RouteModule } from "../../control-plane/src/app.ts";
import { requireTenant, tenantAuthOf } from "../../control-plane/src/auth/auth.middleware.ts";
import { notFound } from "../../control-plane/src/http/errors.ts";
import type { AppEnv } from "../../control-plane/src/http/observe.ts";
import type { AssembledControlPlane } from "../../control-plane/src/runtime.ts";
import { invitations } from "../../control-plane/src/tenants/tenants.tables.ts";
import { assembleTestControlPlane } from "../support/app.ts";
import { TestClient } from "../support/http-client.ts";
import { requirePeer } from "../support/peers.ts";
import { createScratchDatabase, postgresHint, postgresReachable } from "../support/postgres.ts";

// Generated from the route table and the catalog, so new routes and tables are covered without
// anyone listing them: signed in as tenant A, every route with a parameter is called with every
// identifier tenant B owns; the answer must be 404 (never 403, never success), and B's rows must
// be exactly as they were.

const XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "{{7*7}}"];

/**
 * A fixture route written the way a careless handler would be: it trusts row-level security
 * alone to keep other tenants' rows out. Mounted like any domain's routes, so the fuzz below
 * finds it in the route table by itself.
 */
const trustsPoliciesAlone: RouteModule = (deps) =>
  new Hono<AppEnv>().get("/fixture/invitations/:invitationId", requireTenant(), async (c) => {
    const id = c.req.param("invitationId");
    if (!/^[0-9a-f-]{36}$/.test(id)) throw notFound();
    const rows = await deps.database.withTenant(tenantAuthOf(c).tenant.id, (tx) =>
      tx.select({ email: invitations.email }).from(invitations).where(eq(invitations.id, id)),
    );
    if (rows.length === 0) throw notFound();
    return c.json(rows);
  });

const havePostgres = requirePeer("PostgreSQL", await postgresReachable(), postgresHint);

async function signUp(client: TestClient, slug: string, name: string, ownerName: string) {
  const res = await client.post("/signup", {
    ispName: name,
    slug,
    ownerName,
    email: `owner@${slug}.example`,
    phone: "081234567890",
    password: "a long enough password",
  });
  if (res.status !== 303) throw new Error(`sign-up of ${slug} answered ${res.status}: ${await res.text()}`);
}

describe.if(havePostgres)("cross-tenant isolation over HTTP", () => {
  let cp: AssembledControlPlane;
  let owner: postgres.Sql;
  let drop: () => Promise<void>;
  const a = new TestClient((r) => cp.app.fetch(r));
  const b = new TestClient((r) => cp.app.fetch(r));
  let tenantB = "";

  /** Every value of every uuid or text id column in B's rows, and of B's people's global rows. */
  async function idsOfB(): Promise<string[]> {
    const columns = await owner<{ table_name: string; column_name: string }[]>`
      select c.table_name, c.column_name from information_schema.columns c
      where c.table_schema = 'public' and (c.data_type = 'uuid' or c.column_name = 'id')`;
    const values = new Set<string>();
    for (const { table_name: table, column_name: column } of columns) {
      const hasTenant = columns.some((c) => c.table_name === table && c.column_name === "tenant_id");
      const rows = hasTenant
        ? await owner.unsafe(`select "${column}"::text as v from "${table}" where tenant_id = $1`, [tenantB])
        : table === "tenants"
          ? await owner.unsafe(`select "${column}"::text as v from tenants where id = $1`, [tenantB])
          : [];
      for (const r of rows) if (r.v) values.add(r.v as string);
    }
    const people = await owner`select user_id::text as v from memberships where tenant_id = ${tenantB}`;
    for (const p of people) values.add(p.v as string);
    const sessions =
      await owner`select id as v from sessions where user_id in (select user_id from memberships where tenant_id = ${tenantB})`;
    for (const s of sessions) values.add(s.v as string);
    return [...values];
  }

  /** B's rows in every table, as the owner sees them, to compare before and after. */
  async function snapshotOfB(): Promise<string> {
    const tables = await owner<{ table_name: string }[]>`
      select distinct table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id'`;
    const out: Record<string, unknown> = {
      tenant: await owner`select * from tenants where id = ${tenantB}`,
      users:
        await owner`select u.* from users u join memberships m on m.user_id = u.id where m.tenant_id = ${tenantB} order by u.id`,
    };
    for (const { table_name: table } of tables) {
      if (table === "audit_log") continue; // A's own audit rows are A's; B's are compared by count below
      out[table] = await owner.unsafe(`select * from "${table}" where tenant_id = $1 order by 1, 2`, [tenantB]);
    }
    out.auditCount = await owner`select count(*)::int from audit_log where tenant_id = ${tenantB}`;
    return JSON.stringify(out);
  }

  beforeAll(async () => {
    const scratch = await createScratchDatabase();
    drop = scratch.drop;
    cp = await assembleTestControlPlane({ DATABASE_URL: scratch.url }, undefined, [trustsPoliciesAlone]);
    owner = postgres(scratch.url, { max: 1, onnotice: () => {} });
    await signUp(a, "isp-a", `ISP A ${XSS[0]}`, `Owner ${XSS[1]}`);
    await signUp(b, "isp-b", "ISP B", "Owner B");
    const [row] = await owner`select id::text from tenants where slug = 'isp-b'`;
    tenantB = row?.id as string;
    // Give B something of every kind the pages create: an invitation, a second session.
    const invited = await b.post("/team/invite", { email: "tech@isp-b.example", role: "technician" });
    if (invited.status >= 400) throw new Error(`inviting into B answered ${invited.status}`);
    // An online agent at B's site and a pending enrollment token: what A's revoke, enroll or
    // delete of B's site would change is there to be changed.
    const [site] = await owner`select id::text from sites where tenant_id = ${tenantB}`;
    await owner`insert into site_agents (tenant_id, id, site_id, secret_hash, enrolled_at, credentials_rotated_at, online)
      values (${tenantB}, ${crypto.randomUUID()}, ${site?.id}, ${"0".repeat(64)}, now(), now(), true)`;
    // A router session online at B's site, a kick sent to it and an enforcement outcome: what A's
    // kick, kick status or enforcement block of B's ids would reach is there to be reached.
    const [bCustomer, bPlan, bSubscription] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await owner`insert into customers (tenant_id, id, name) values (${tenantB}, ${bCustomer}, 'Customer B')`;
    await owner`insert into plans (tenant_id, id, name, type, price, cycle, download_kbps, upload_kbps)
      values (${tenantB}, ${bPlan}, 'Plan B', 'static', 100000, 'monthly', 10000, 10000)`;
    await owner`insert into subscriptions (tenant_id, id, customer_id, plan_id, site_id, access, static_ip, billing_day)
      values (${tenantB}, ${bSubscription}, ${bCustomer}, ${bPlan}, ${site?.id}, 'static', '10.9.9.9', 1)`;
    await owner`insert into radius_sessions (tenant_id, site_id, nas_id, acct_session_id, user_name, status, started_at, last_update_at)
      values (${tenantB}, ${site?.id}, ${crypto.randomUUID()}, 'b-session', 'b-user', 'online', now(), now())`;
    await owner`insert into site_commands (tenant_id, id, site_id, name, args, not_after)
      values (${tenantB}, ${crypto.randomUUID()}, ${site?.id}, 'kick', '{}', now() + interval '1 minute')`;
    await owner`insert into enforcement_events (tenant_id, site_id, subscription_id, revision, reason, action, outcome, requested_at, completed_at)
      values (${tenantB}, ${site?.id}, ${bSubscription}, 1, 'isolated', 'disconnect', 'ack', now(), now())`;
    // And A's own router sent a user name a hostile subscriber chose: the sessions page shows it.
    const [siteOfA] = await owner`select s.id::text, s.tenant_id::text from sites s join tenants t on t.id = s.tenant_id
      where t.slug = 'isp-a'`;
    await owner`insert into radius_sessions (tenant_id, site_id, nas_id, acct_session_id, user_name, status, started_at, last_update_at)
      values (${siteOfA?.tenant_id}, ${siteOfA?.id}, ${crypto.randomUUID()}, 'a-session', ${XSS[0] as string}, 'online', now(), now())`;
    const enrolling = await b.post(`/sites/${site?.id}/enrollment-token`, {});
    if (enrolling.status !== 200) throw new Error(`an enrollment token in B answered ${enrolling.status}`);
    // A router at B's site, with a rotation running: what A's edit, reveal, rotate or delete of
    // it would change is there to be changed.
    const router = await b.post(`/sites/${site?.id}/nas`, { name: "Router B", address: "10.9.9.9", coaPort: "1700" });
    const routerPath = router.headers.get("location")?.split("?")[0];
    if (router.status !== 303 || !routerPath) throw new Error(`a router in B answered ${router.status}`);
    const rotating = await b.post(`${routerPath}/rotate`, { overlap: "1h" });
    if (rotating.status !== 303) throw new Error(`rotating B's router answered ${rotating.status}`);
    await new TestClient((r) => cp.app.fetch(r)).post("/login", {
      email: "owner@isp-b.example",
      password: "a long enough password",
    });
  });
  afterAll(async () => {
    await owner?.end({ timeout: 1 });
    await cp?.close();
    await drop?.();
  });

  /** Every route with a parameter, called as A with each of B's identifiers; what did not answer 404. */
  async function crossTenantAnswers(): Promise<string[]> {
    const ids = await idsOfB();
    expect(ids).toContain(tenantB);
    const routes = cp.app.routes.filter((r) => r.method !== "ALL" && r.path.includes("/:"));
    expect(routes.length).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const route of routes) {
      const params = route.path.match(/:[A-Za-z]+/g) ?? [];
      for (const id of ids) {
        const fills = [params.map(() => id)];
        if (params.length > 1) fills.push(params.map((_, i) => (i === 0 ? tenantB : id)));
        for (const fill of fills) {
          let path = route.path;
          params.forEach((p, i) => {
            path = path.replace(p, encodeURIComponent(fill[i] as string));
          });
          const res =
            route.method === "GET"
              ? await a.get(path)
              : await a.request(path, {
                  method: route.method,
                  body: "",
                  headers: { "content-type": "application/x-www-form-urlencoded" },
                });
          if (res.status !== 404) wrong.push(`${route.method} ${route.path} with ${path} → ${res.status}`);
        }
      }
    }
    return wrong;
  }

  test("every route with a parameter answers 404 to B's identifiers, and B is untouched", async () => {
    const before = await snapshotOfB();
    expect(await crossTenantAnswers()).toEqual([]);
    expect(await snapshotOfB()).toBe(before);
  });

  test("text a tenant typed is shown escaped on every page it can reach", async () => {
    const pages = cp.app.routes.filter((r) => r.method === "GET" && !r.path.includes(":") && !r.path.includes("*"));
    const unescaped: string[] = [];
    for (const route of pages) {
      const res = await a.get(route.path);
      const type = res.headers.get("content-type") ?? "";
      // JSON carries text as typed; it is never HTML (and nosniff keeps browsers from guessing).
      if (type.startsWith("application/json")) continue;
      const html = await res.text();
      for (const payload of XSS.slice(0, 2)) if (html.includes(payload)) unescaped.push(`${route.path}: ${payload}`);
    }
    expect(unescaped).toEqual([]);
    // The payload did reach the pages (escaped), so this test is not vacuous.
    expect(await (await a.get("/app")).text()).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  // Runs last: it breaks B's isolation on purpose.
  test("fixture: with the invitations policy widened, the fuzz reports the leak", async () => {
    await owner`drop policy tenant_isolation on invitations`;
    await owner`create policy tenant_isolation on invitations using (true) with check (true)`;
    const wrong = await crossTenantAnswers();
    expect(wrong.filter((w) => w.startsWith("GET /fixture/invitations/:invitationId "))).not.toEqual([]);
  });
});
