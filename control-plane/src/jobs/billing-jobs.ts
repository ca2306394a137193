import type { Logger } from "@kilusi/shared/logger";
import { and, asc, eq } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Database } from "../db/database.ts";
import { runDunning } from "../dunning/dunning.usecases.ts";
import { jobMeta, runBilling, type TenantRef } from "../invoices/billing-run.usecases.ts";
import type { Sealing } from "../notifications/outbox.ts";
import { pruneRevisionLog } from "../sync/revision-log.ts";
import { tenants } from "../tenants/tenants.tables.ts";
import { expireVouchers, releaseEndedVouchers } from "../vouchers/voucher-expiry.ts";

export interface JobsDeps {
  database: Database;
  clock: Clock;
  logger: Logger;
  secretBox: Sealing["secretBox"];
  /** Site revision log retention (SITE_CHANGE_RETENTION_DAYS). */
  changeRetentionDays: number;
}

/**
 * The tenants the jobs serve: every active one (or one by its address). This is the jobs'
 * one cross-tenant read, through the platform context (tenants' platform_read policy); all
 * they then change is changed inside each tenant's own transaction, and audited there.
 */
async function activeTenants(database: Database, slug?: string): Promise<(TenantRef & { slug: string })[]> {
  return database.withContext({ platform: true }, (tx) =>
    tx
      .select({
        id: tenants.id,
        slug: tenants.slug,
        timeZone: tenants.timeZone,
        currency: tenants.currency,
        locale: tenants.locale,
      })
      .from(tenants)
      .where(slug ? and(eq(tenants.status, "active"), eq(tenants.slug, slug)) : eq(tenants.status, "active"))
      .orderBy(asc(tenants.slug)),
  );
}

export interface TenantJobResult {
  tenant: string;
  invoices: number;
  reminders: number;
  isolated: number;
  restored: number;
  vouchersExpired: number;
  vouchersReleased: number;
  error?: string;
}

/**
 * Billing, dunning and voucher expiry for every active tenant, one after the other. All are
 * idempotent (billing and dunning take a per-tenant advisory lock), so every replica may run this
 * at the same time: the first acts, the others find nothing left. A tenant that fails is logged
 * and the rest go on.
 */
export async function runTenantJobs(deps: JobsDeps, slug?: string): Promise<TenantJobResult[]> {
  const results: TenantJobResult[] = [];
  for (const tenant of await activeTenants(deps.database, slug)) {
    const log = deps.logger.child({ tenantId: tenant.id });
    try {
      const billed = await runBilling(deps, tenant, null, jobMeta("billing"));
      const dunned = await runDunning({ ...deps, sealing: { secretBox: deps.secretBox } }, tenant);
      const [vouchersExpired, vouchersReleased] = await deps.database.withTenant(tenant.id, async (tx) => [
        await expireVouchers(tx, tenant.id, deps.clock.now(), jobMeta("voucher-expiry")),
        await releaseEndedVouchers(tx, tenant.id, deps.clock.now(), jobMeta("voucher-expiry")),
      ]);
      const pruned = await deps.database.withTenant(tenant.id, (tx) =>
        pruneRevisionLog(tx, tenant.id, deps.changeRetentionDays, deps.clock.now()),
      );
      if (pruned > 0) log.info({ pruned }, "site revision log pruned");
      const result = { tenant: tenant.slug, invoices: billed.created, ...dunned, vouchersExpired, vouchersReleased };
      if (
        billed.created + dunned.reminders + dunned.isolated + dunned.restored + vouchersExpired + vouchersReleased >
        0
      ) {
        log.info(result, "billing jobs");
      }
      results.push({
        tenant: tenant.slug,
        invoices: billed.created,
        reminders: dunned.reminders,
        isolated: dunned.isolated,
        restored: dunned.restored,
        vouchersExpired,
        vouchersReleased,
      });
    } catch (error) {
      log.error({ err: error }, "billing jobs failed for a tenant");
      results.push({
        tenant: tenant.slug,
        invoices: 0,
        reminders: 0,
        isolated: 0,
        restored: 0,
        vouchersExpired: 0,
        vouchersReleased: 0,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return results;
}

/**
 * Runs the jobs every `intervalMs` (the first pass soon after start). `stop` cancels the next
 * pass and waits for one in flight, so a shutdown never cuts a billing run in half (it would
 * roll back whole anyway: one transaction per tenant).
 */
export function startJobScheduler(deps: JobsDeps, intervalMs: number, firstDelayMs = 5_000) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = runTenantJobs(deps)
      .catch((error) => deps.logger.error({ err: error }, "billing jobs failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, Math.min(firstDelayMs, intervalMs));
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
