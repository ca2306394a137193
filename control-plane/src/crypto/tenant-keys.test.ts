import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { databaseBackends, openTestDatabase, type TestDatabase } from "../../../tests/support/database.ts";
import { seedBillingTenant } from "../billing/billing.testing.ts";
import { createSecretBox } from "./secret-box.ts";
import { tenantDataKeys } from "./tenant-keys.tables.ts";
import { tenantSecretBox } from "./tenant-keys.ts";

// Secrets at rest under a per-tenant data key wrapped by the master key (DESIGN §5): a
// tenant's key is made once, on first use, and only ever opens that tenant's secrets.

for (const kind of await databaseBackends()) {
  describe(`tenant data keys on ${kind}`, () => {
    let t: TestDatabase;
    const master = randomBytes(32);
    const sealing = { secretBox: (purpose: string) => createSecretBox(master, purpose) };
    beforeAll(async () => {
      t = await openTestDatabase(kind);
    });
    afterAll(() => t.close());

    test("one key per tenant, made on first use, stored only wrapped", async () => {
      const a = await seedBillingTenant(t.database);
      const sealed = await t.database.withTenant(a.tenantId, async (tx) =>
        (await tenantSecretBox(tx, sealing, a.tenantId, "subscriptions/pppoe")).seal("rahasia-1234", "row-1"),
      );
      const opened = await t.database.withTenant(a.tenantId, async (tx) =>
        (await tenantSecretBox(tx, sealing, a.tenantId, "subscriptions/pppoe")).open(sealed, "row-1"),
      );
      expect(opened).toBe("rahasia-1234");
      const keys = await t.database.withTenant(a.tenantId, (tx) => tx.select().from(tenantDataKeys));
      expect(keys).toHaveLength(1);
      expect(keys[0]?.wrappedKey).toMatch(/^v1\./);
    });

    test("another tenant's key, another purpose, another row or another master key does not open it", async () => {
      const a = await seedBillingTenant(t.database);
      const b = await seedBillingTenant(t.database);
      const sealed = await t.database.withTenant(a.tenantId, async (tx) =>
        (await tenantSecretBox(tx, sealing, a.tenantId, "subscriptions/pppoe")).seal("rahasia-1234", "row-1"),
      );
      const attempts = [
        () =>
          t.database.withTenant(b.tenantId, async (tx) =>
            (await tenantSecretBox(tx, sealing, b.tenantId, "subscriptions/pppoe")).open(sealed, "row-1"),
          ),
        () =>
          t.database.withTenant(a.tenantId, async (tx) =>
            (await tenantSecretBox(tx, sealing, a.tenantId, "routers/password")).open(sealed, "row-1"),
          ),
        () =>
          t.database.withTenant(a.tenantId, async (tx) =>
            (await tenantSecretBox(tx, sealing, a.tenantId, "subscriptions/pppoe")).open(sealed, "row-2"),
          ),
        () =>
          t.database.withTenant(a.tenantId, async (tx) =>
            (
              await tenantSecretBox(
                tx,
                { secretBox: (p) => createSecretBox(randomBytes(32), p) },
                a.tenantId,
                "subscriptions/pppoe",
              )
            ).open(sealed, "row-1"),
          ),
      ];
      for (const attempt of attempts) await expect(attempt()).rejects.toThrow();
    });
  });
}
