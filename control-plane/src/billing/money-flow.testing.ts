// Helpers for tests of the money flow through the use-cases: an ISP signed up through the
// real app, with a plan and customers written directly, and an Actor for its owner. Not
// imported by the application.
import { eq } from "drizzle-orm";
import { signUp } from "../accounts/accounts.testing.ts";
import type { Actor } from "../auth/actor.ts";
import { type Clock, systemClock } from "../clock.ts";
import { customers } from "../customers/customers.tables.ts";
import type { Database } from "../db/database.ts";
import { plans } from "../plans/plans.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { sites } from "../sites/sites.tables.ts";
import type { AccessInput } from "../subscriptions/subscriptions.schemas.ts";
import { createSubscription } from "../subscriptions/subscriptions.usecases.ts";
import { tenants } from "../tenants/tenants.tables.ts";
import { type PlanRow, planRow } from "./billing.testing.ts";

export const testMeta = { ip: "127.0.0.1", requestId: "test", userAgent: "bun test" };

export interface SubscribeOptions {
  access?: AccessInput;
  /** Activate at once (the first invoice, the site told): the default. */
  activate?: boolean;
  billingDay?: number;
  monthlyDiscount?: number;
}

export interface TestIsp {
  actor: Actor;
  siteId: string;
  browser: Awaited<ReturnType<typeof signUp>>["browser"];
  addPlan(values?: Partial<PlanRow>): Promise<string>;
  addCustomer(name?: string, phone?: string | null): Promise<string>;
  /** A subscription through the real use-case (a PPPoE username of its own unless told). */
  subscribe(customerId: string, planId: string, options?: SubscribeOptions): ReturnType<typeof createSubscription>;
}

let usernames = 0;

/** A new ISP (owner signed in), in a time zone of the test's choice, on the test's clock. */
export async function testIsp(
  cp: AssembledControlPlane,
  timeZone = "Asia/Jakarta",
  clock: Clock = systemClock,
): Promise<TestIsp> {
  const owner = await signUp(cp);
  const tenantId = owner.tenantId;
  const database: Database = cp.database;
  const siteId = await database.withTenant(tenantId, async (tx) => {
    await tx.update(tenants).set({ timeZone }).where(eq(tenants.id, tenantId));
    const [site] = await tx.select({ id: sites.id }).from(sites).where(eq(sites.tenantId, tenantId));
    return site?.id as string;
  });
  const actor: Actor = { userId: owner.user.id, tenantId, role: "owner", timeZone, currency: "IDR", locale: "id" };
  return {
    actor,
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
    subscribe(customerId, planId, options = {}) {
      const username = `u${Date.now().toString(36)}-${++usernames}`;
      return createSubscription(
        { database, clock, secretBox: cp.secretBox },
        actor,
        {
          customerId,
          planId,
          siteId,
          billingDay: options.billingDay ?? 1,
          activate: options.activate ?? true,
          monthlyDiscount: options.monthlyDiscount ?? 0,
          accessInput: options.access ?? { access: "pppoe", pppoeUsername: username, pppoePassword: null },
        },
        testMeta,
      );
    },
  };
}
