// Helpers for the invoice page tests: invoices made by the real use-cases on a clock the test
// moves, a fresh sign-in after the clock jumped past the session's life, and what the pages
// show read back. Not imported by the application.
import { and, asc, eq } from "drizzle-orm";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { users } from "../accounts/accounts.tables.ts";
import type { manualClock } from "../accounts/accounts.testing.ts";
import { auditLog } from "../audit/audit.tables.ts";
import { billingSettings } from "../billing/billing-settings.tables.ts";
import type { TestIsp } from "../billing/money-flow.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { signIn } from "../team/team.testing.ts";
import { invoices } from "./invoices.tables.ts";

export type Clock = ReturnType<typeof manualClock>;

/** Moves the clock forward to an instant (never back: sessions and rows were made before). */
export function moveTo(clock: Clock, iso: string): void {
  const by = new Date(iso).getTime() - clock.now().getTime();
  if (by < 0) throw new Error(`the clock cannot go back to ${iso}`);
  clock.advance(by);
}

/** Activates a new subscription of the customer at once; returns its first invoice. */
export async function subscribe(cp: AssembledControlPlane, isp: TestIsp, customerId: string, planId: string) {
  const { id } = await isp.subscribe(customerId, planId);
  const [first] = await invoicesOf(cp, isp.actor.tenantId, id);
  if (!first) throw new Error("activation issued no invoice");
  return { subscriptionId: id, invoice: first };
}

/** The invoices of a tenant (or of one subscription), in number order. */
export function invoicesOf(cp: AssembledControlPlane, tenantId: string, subscriptionId?: string) {
  return cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(invoices)
      .where(
        subscriptionId
          ? and(eq(invoices.tenantId, tenantId), eq(invoices.subscriptionId, subscriptionId))
          : eq(invoices.tenantId, tenantId),
      )
      .orderBy(asc(invoices.year), asc(invoices.seq)),
  );
}

export async function invoiceRow(cp: AssembledControlPlane, tenantId: string, id: string) {
  const [row] = await cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(invoices)
      .where(and(eq(invoices.tenantId, tenantId), eq(invoices.id, id))),
  );
  if (!row) throw new Error(`no invoice ${id}`);
  return row;
}

export function auditOf(cp: AssembledControlPlane, tenantId: string, action: string) {
  return cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action)))
      .orderBy(asc(auditLog.id)),
  );
}

/** The payment instructions printed at the foot of invoices (the billing settings page's field). */
export async function setInvoiceFooter(cp: AssembledControlPlane, tenantId: string, footer: string): Promise<void> {
  await cp.database.withTenant(tenantId, (tx) =>
    tx.update(billingSettings).set({ invoiceFooter: footer }).where(eq(billingSettings.tenantId, tenantId)),
  );
}

/** The owner again, from a fresh browser: the clock has outrun the sign-up's session. */
export async function ownerBrowser(cp: AssembledControlPlane, isp: TestIsp): Promise<TestClient> {
  const [user] = await cp.database.withoutTenant((tx) =>
    tx.select({ email: users.email }).from(users).where(eq(users.id, isp.actor.userId)),
  );
  if (!user) throw new Error("no owner");
  const { browser, res } = await signIn(cp, user.email);
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return browser;
}

/** The ids of the invoices listed on a page, in order. */
export function listedIds(html: string): string[] {
  return [...html.matchAll(/<tr id="invoice-([0-9a-f-]{36})"/g)].map((m) => m[1] as string);
}

/** The text inside the element with this id, tags stripped. */
export function textOfId(html: string, id: string): string | undefined {
  const match = new RegExp(`<(\\w+)[^>]*id="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return match?.[2]?.replace(/<[^>]+>/g, "").trim();
}
