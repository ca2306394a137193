// Helpers for tests of the money flow through the use-cases: an ISP signed up through the
// real app, with a plan and customers written directly, and an Actor for its owner. Not
// imported by the application.
import { eq } from "drizzle-orm";
import { signUp } from "../accounts/accounts.testing.ts";
import type { Actor } from "../auth/actor.ts";
import { customers } from "../customers/customers.tables.ts";
import type { Database } from "../db/database.ts";
import { plans } from "../plans/plans.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { sites } from "../sites/sites.tables.ts";
import { tenants } from "../tenants/tenants.tables.ts";
import { type PlanRow, planRow } from "./billing.testing.ts";

export const testMeta = { ip: "127.0.0.1", requestId: "test", userAgent: "bun test" };

export interface TestIsp {
  actor: Actor;
  siteId: string;
  browser: Awaited<ReturnType<typeof signUp>>["browser"];
  addPlan(values?: Partial<PlanRow>): Promise<string>;
  addCustomer(name?: string, phone?: string | null): Promise<string>;
}

/** A new ISP (owner signed in), in a time zone of the test's choice. */
export async function testIsp(cp: AssembledControlPlane, timeZone = "Asia/Jakarta"): Promise<TestIsp> {
  const owner = await signUp(cp);
  const tenantId = owner.tenantId;
  const database: Database = cp.database;
  const siteId = await database.withTenant(tenantId, async (tx) => {
    await tx.update(tenants).set({ timeZone }).where(eq(tenants.id, tenantId));
    const [site] = await tx.select({ id: sites.id }).from(sites).where(eq(sites.tenantId, tenantId));
    return site?.id as string;
  });
  return {
    actor: { userId: owner.user.id, tenantId, role: "owner", timeZone, currency: "IDR", locale: "id" },
    siteId,
    browser: owner.browser,
    async addPlan(values = {}) {
      const row = planRow(tenantId, values);
      await database.withTenant(tenantId, (tx) => tx.insert(plans).values(row));
      return row.id as string;
    },
    async addCustomer(name = "Budi Santoso", phone: string | null = "+6281234567890") {
      const id = crypto.randomUUID();
      await database.withTenant(tenantId, (tx) =>
        tx.insert(customers).values({ tenantId, id, name, phoneE164: phone }),
      );
      return id;
    },
  };
}
