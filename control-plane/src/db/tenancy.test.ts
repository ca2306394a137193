import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import {
  databaseBackends,
  databaseError,
  openTestDatabase,
  type TestDatabase,
} from "../../../tests/support/database.ts";
import { tenants } from "../tenants/tenants.tables.ts";
import { openDatabase } from "./database.ts";
import { rowsOf } from "./rows.ts";

const A = crypto.randomUUID();
const B = crypto.randomUUID();

for (const kind of await databaseBackends()) {
  describe(`row-level security on ${kind}`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await openTestDatabase(kind);
      await t.database.withTenant(A, (tx) => tx.insert(tenants).values({ id: A, slug: "isp-a", name: "ISP A" }));
      await t.database.withTenant(B, (tx) => tx.insert(tenants).values({ id: B, slug: "isp-b", name: "ISP B" }));
    });
    afterAll(() => t.close());

    test("a tenant transaction sees its own rows only", async () => {
      const rows = await t.database.withTenant(A, (tx) => tx.select().from(tenants));
      expect(rows.map((r) => r.slug)).toEqual(["isp-a"]);
    });

    test("a query without a tenant sees 0 rows", async () => {
      const rows = await t.database.withoutTenant((tx) => tx.select().from(tenants));
      expect(rows).toHaveLength(0);
    });

    test("an insert without a tenant is refused", async () => {
      const id = crypto.randomUUID();
      const insert = t.database.withoutTenant((tx) => tx.insert(tenants).values({ id, slug: "stray", name: "Stray" }));
      expect(await databaseError(insert)).toMatch(/row-level security/);
      const all = await t.database.withTenant(id, (tx) => tx.select().from(tenants));
      expect(all).toHaveLength(0);
    });

    test("a tenant cannot write another tenant's rows", async () => {
      const insertForB = t.database.withTenant(A, (tx) =>
        tx.insert(tenants).values({ id: crypto.randomUUID(), slug: "sneaky", name: "Sneaky" }),
      );
      expect(await databaseError(insertForB)).toMatch(/row-level security/);
      const updated = await t.database.withTenant(A, (tx) =>
        tx.update(tenants).set({ name: "taken over" }).where(eq(tenants.id, B)).returning(),
      );
      expect(updated).toHaveLength(0);
      const deleted = await t.database.withTenant(A, (tx) => tx.delete(tenants).where(eq(tenants.id, B)).returning());
      expect(deleted).toHaveLength(0);
      const b = await t.database.withTenant(B, (tx) => tx.select().from(tenants));
      expect(b.map((r) => r.name)).toEqual(["ISP B"]);
    });

    test("the tenant setting does not outlive its transaction", async () => {
      await t.database.withTenant(A, (tx) => tx.select().from(tenants));
      const rows = await t.database.withoutTenant((tx) => tx.select().from(tenants));
      expect(rows).toHaveLength(0);
    });

    test("the application role is not a superuser, has no BYPASSRLS and owns nothing", async () => {
      const [me] = await t.database.withoutTenant(async (tx) =>
        rowsOf<{ user: string; rolsuper: boolean; rolbypassrls: boolean; owned: number }>(
          await tx.execute(sql`select current_user as "user", r.rolsuper, r.rolbypassrls,
            (select count(*)::int from pg_class c where c.relowner = r.oid) as owned
            from pg_roles r where r.rolname = current_user`),
        ),
      );
      expect(me).toEqual({ user: "kilusi_app", rolsuper: false, rolbypassrls: false, owned: 0 });
    });

    test("the application role cannot switch row-level security off", async () => {
      const off = t.database.withTenant(A, async (tx) => {
        await tx.execute(sql`set local row_security = off`);
        return tx.select().from(tenants);
      });
      expect(await databaseError(off)).toMatch(/row-level security/);
      const disable = t.database.withoutTenant((tx) => tx.execute(sql`alter table tenants disable row level security`));
      expect(await databaseError(disable)).toMatch(/must be owner/);
      const noForce = t.database.withoutTenant((tx) =>
        tx.execute(sql`alter table tenants no force row level security`),
      );
      expect(await databaseError(noForce)).toMatch(/must be owner/);
    });

    test("withTenant refuses something that is not a tenant id", async () => {
      await expect(t.database.withTenant("' or 1=1 --", async () => 1)).rejects.toThrow(TypeError);
    });

    if (kind === "postgres") {
      test("the application role cannot become another role", async () => {
        const become = t.database.withoutTenant((tx) => tx.execute(sql`set role postgres`));
        expect(await databaseError(become)).toMatch(/permission denied/);
      });

      test("an application URL that bypasses RLS is refused at start, naming the key", async () => {
        const open = openDatabase(
          { kind: "postgres", url: t.ownerUrl as string, appUrl: t.ownerUrl, appRole: "kilusi_app", poolMax: 1 },
          "",
        );
        await expect(open).rejects.toThrow(/DATABASE_APP_URL.*superuser/);
      });
    }
  });
}
