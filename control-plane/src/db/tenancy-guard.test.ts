import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { integrationBackend, openTestDatabase, type TestDatabase } from "../../../tests/support/database.ts";
import { rowsOf } from "./rows.ts";
import {
  type TableTenancy,
  type TenantReference,
  tenancyCatalogQuery,
  tenancyViolations,
  tenantReferencesQuery,
  tenantReferenceViolations,
} from "./tenancy-guard.ts";

// The catalog guard: every table of the migrated schema is under forced row-level security
// with a policy, or is declared global. New tables are covered without anyone listing them.
describe("tenancy catalog guard", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(await integrationBackend());
  });
  afterAll(() => t.close());

  test("every table of the migrated schema passes", async () => {
    const tables = await t.database.withoutTenant(async (tx) =>
      rowsOf<TableTenancy>(await tx.execute(tenancyCatalogQuery("public"))),
    );
    expect(tables.map((r) => r.table)).toContain("tenants");
    expect(tenancyViolations(tables)).toEqual([]);
  });

  test("every foreign key between tenant tables carries tenant_id", async () => {
    const references = await t.database.withoutTenant(async (tx) =>
      rowsOf<TenantReference>(await tx.execute(tenantReferencesQuery("public"))),
    );
    expect(references.map((r) => r.constraint)).toContain("subscriptions_customer_fk");
    expect(tenantReferenceViolations(references)).toEqual([]);
  });
});

describe("the guard catches a table that is not protected", () => {
  // A fixture schema, built step by step; the guard must object until the last step.
  const client = new PGlite();
  const db = drizzle(client);
  const catalog = async () => rowsOf<TableTenancy>(await db.execute(tenancyCatalogQuery("fixture")));
  beforeAll(async () => {
    await client.exec(
      "create schema fixture; create table fixture.things (id int primary key, tenant_id uuid not null)",
    );
  });
  afterAll(() => client.close());

  test("no row-level security at all", async () => {
    expect(tenancyViolations(await catalog())).toEqual([
      "things has tenant_id but row-level security is not enabled",
      "things has tenant_id but row-level security is not forced (hand-written migration)",
      "things has tenant_id but has no policy",
    ]);
  });

  test("enabled but not forced, no policy", async () => {
    await db.execute(sql`alter table fixture.things enable row level security`);
    expect(tenancyViolations(await catalog())).toEqual([
      "things has tenant_id but row-level security is not forced (hand-written migration)",
      "things has tenant_id but has no policy",
    ]);
  });

  test("forced, still no policy", async () => {
    await db.execute(sql`alter table fixture.things force row level security`);
    expect(tenancyViolations(await catalog())).toEqual(["things has tenant_id but has no policy"]);
  });

  test("with the policy it passes", async () => {
    await db.execute(sql`create policy tenant_isolation on fixture.things
      using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`);
    expect(tenancyViolations(await catalog())).toEqual([]);
  });

  test("a table without tenant_id must be declared global", async () => {
    await db.execute(sql`create table fixture.lookup (code text primary key)`);
    expect(tenancyViolations(await catalog())).toEqual([
      "lookup is not declared in GLOBAL_TABLES but row-level security is not enabled",
      "lookup is not declared in GLOBAL_TABLES but row-level security is not forced (hand-written migration)",
      "lookup is not declared in GLOBAL_TABLES but has no policy",
    ]);
    expect(tenancyViolations(await catalog(), { lookup: "reference data, the same for every tenant" })).toEqual([]);
  });

  test("a foreign key between tenant tables without tenant_id is caught", async () => {
    const references = async () =>
      tenantReferenceViolations(rowsOf<TenantReference>(await db.execute(tenantReferencesQuery("fixture"))));
    await db.execute(sql`create table fixture.parts (id int primary key, tenant_id uuid not null,
      thing_id int references fixture.things (id), unique (tenant_id, id))`);
    expect(await references()).toEqual(["parts: foreign key parts_thing_id_fkey to things does not carry tenant_id"]);
    await db.execute(sql`alter table fixture.things add unique (tenant_id, id)`);
    await db.execute(sql`alter table fixture.parts drop constraint parts_thing_id_fkey,
      add foreign key (tenant_id, thing_id) references fixture.things (tenant_id, id)`);
    expect(await references()).toEqual([]);
  });
});
