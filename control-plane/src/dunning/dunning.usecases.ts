import { sql } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import { billingSettingsOf } from "../billing/billing-settings.usecases.ts";
import { type DunningAction, type DunningInvoice, dunningActions } from "../billing/dunning.models.ts";
import type { Clock } from "../clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";
import { jobMeta, type TenantRef } from "../invoices/billing-run.usecases.ts";
import { invoiceReminders } from "../invoices/invoices.tables.ts";
import { localDateOfColumn, settledInvoices } from "../invoices/settlement.sql.ts";
import { enqueueNotification, type Sealing } from "../notifications/outbox.ts";
import { applyTransition } from "../subscriptions/subscription-lifecycle.ts";
import { lockSubscription } from "../subscriptions/subscriptions.repository.ts";
import { type LocalDate, localDateOf } from "../time/zoned.ts";

interface Candidate {
  subscriptionId: string;
  status: "active" | "isolated";
  isolatedBy: "dunning" | "staff" | null;
  keepActiveUntil: string | null;
  customerName: string;
  phone: string | null;
  invoices: (DunningInvoice & { number: string })[];
}

/**
 * The subscriptions dunning has something to look at: those on the network with an invoice
 * still open, and those dunning isolated (to restore). Open amounts come from the ledger
 * (settledInvoices), reminders already sent from invoice_reminders.
 */
async function candidates(tx: Tx, tenantId: string, customerId?: string): Promise<Candidate[]> {
  const ofCustomer = customerId ? sql`and s.customer_id = ${customerId}::uuid` : sql``;
  const rows = rowsOf<{
    subscription_id: string;
    status: "active" | "isolated";
    isolated_by: "dunning" | "staff" | null;
    keep_active_until: string | Date | null;
    customer_name: string;
    phone: string | null;
    invoices: { invoiceId: string; number: string; dueOn: string; open: string | number; sent: number[] | null }[];
  }>(
    await tx.execute(sql`
      -- Settled once (materialized): joined as a plain subquery the planner may rescan it per
      -- subscription when the statistics are stale, as right after an import.
      with si as materialized (
        select * from (${settledInvoices(tenantId, { owingOnly: true, ...(customerId ? { customerId } : {}) })}) x
        where x.open > 0
      )
      select s.id as subscription_id, s.status, s.isolated_by, s.keep_active_until,
             c.name as customer_name, c.phone_e164 as phone,
             coalesce(json_agg(json_build_object(
               'invoiceId', si.id, 'number', si.number, 'dueOn', si.due_on, 'open', si.open,
               'sent', (select array_agg(r.offset_days) from invoice_reminders r
                        where r.tenant_id = s.tenant_id and r.invoice_id = si.id))
               order by si.due_on, si.seq) filter (where si.id is not null), '[]') as invoices
      from subscriptions s
      join customers c on c.tenant_id = s.tenant_id and c.id = s.customer_id
      left join si on si.subscription_id = s.id
      where s.tenant_id = ${tenantId}::uuid and s.status in ('active', 'isolated') ${ofCustomer}
      group by s.tenant_id, s.id, c.name, c.phone_e164
      having count(si.id) > 0 or (s.status = 'isolated' and s.isolated_by = 'dunning')`),
  );
  return rows.map((r) => ({
    subscriptionId: r.subscription_id,
    status: r.status,
    isolatedBy: r.isolated_by,
    keepActiveUntil: r.keep_active_until === null ? null : localDateOfColumn(r.keep_active_until),
    customerName: r.customer_name,
    phone: r.phone,
    invoices: r.invoices.map((i) => ({
      invoiceId: i.invoiceId,
      number: i.number,
      dueDate: i.dueOn.slice(0, 10),
      amountOpenMinor: Number(i.open),
      remindersSent: i.sent ?? [],
    })),
  }));
}

export interface DunningDeps {
  database: Database;
  clock: Clock;
  sealing: Sealing;
}

export interface DunningSummary {
  today: LocalDate;
  reminders: number;
  isolated: number;
  restored: number;
}

/**
 * Applies what the dunning model decides for each candidate, in the caller's transaction.
 * `only: "restore"` is the path a payment or a void takes: it may give internet back at once,
 * but never sends reminders or isolates.
 */
async function applyDunning(
  tx: Tx,
  deps: DunningDeps,
  tenant: TenantRef,
  now: Date,
  meta: RequestMeta,
  scope: { customerId?: string; only?: "restore" },
): Promise<DunningSummary> {
  const settings = await billingSettingsOf(tx, tenant.id);
  const today = localDateOf(now, tenant.timeZone);
  const summary: DunningSummary = { today, reminders: 0, isolated: 0, restored: 0 };
  for (const c of await candidates(tx, tenant.id, scope.customerId)) {
    const actions: DunningAction[] = dunningActions({
      policy: settings.policy,
      today,
      state: c.status,
      isolatedByDunning: c.isolatedBy === "dunning",
      keepActiveUntil: c.keepActiveUntil,
      invoices: c.invoices,
    });
    for (const action of actions) {
      if (scope.only && action.kind !== scope.only) continue;
      if (action.kind === "remind") {
        const [sent] = await tx
          .insert(invoiceReminders)
          .values({ tenantId: tenant.id, invoiceId: action.invoiceId, offsetDays: action.offset, sentOn: today })
          .onConflictDoNothing()
          .returning();
        const invoice = c.invoices.find((i) => i.invoiceId === action.invoiceId);
        if (sent && invoice && c.phone) {
          await enqueueNotification(tx, deps.sealing, {
            tenantId: tenant.id,
            recipient: c.phone,
            template: "invoice_reminder",
            params: {
              customer: c.customerName,
              invoice: invoice.number,
              amount: String(invoice.amountOpenMinor),
              currency: tenant.currency,
              dueOn: invoice.dueDate,
              offset: String(action.offset),
            },
          });
        }
        if (sent) summary.reminders++;
        continue;
      }
      const locked = await lockSubscription(tx, tenant.id, c.subscriptionId);
      if (!locked || locked.sub.status !== c.status) continue;
      await applyTransition(tx, deps, tenant, locked, action.kind, { by: "dunning" }, now, meta);
      if (action.kind === "isolate") summary.isolated++;
      else summary.restored++;
    }
  }
  return summary;
}

/** Serializes dunning of one tenant across replicas and with payments' restores. */
async function lockTenantDunning(tx: Tx, tenantId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`kilusi:dunning:${tenantId}`}, 0))`);
}

/**
 * The daily dunning pass of one tenant (the job runs it every few minutes; it is idempotent: a
 * reminder is sent once per invoice and offset, a state changes once). Audited when it acted.
 */
export async function runDunning(deps: DunningDeps, tenant: TenantRef): Promise<DunningSummary> {
  const meta = jobMeta("dunning");
  return deps.database.withTenant(tenant.id, async (tx) => {
    await lockTenantDunning(tx, tenant.id);
    const summary = await applyDunning(tx, deps, tenant, deps.clock.now(), meta, {});
    if (summary.reminders + summary.isolated + summary.restored > 0) {
      await audit(tx, meta, {
        tenantId: tenant.id,
        actorUserId: null,
        action: "dunning.run",
        entityType: "tenant",
        entityId: tenant.id,
        after: { ...summary },
      });
    }
    return summary;
  });
}

/**
 * After money came in (a payment) or a debt went away (a void): restore, in the same
 * transaction, what dunning isolated and no longer has an overdue invoice to hold on to.
 * Payment to restored internet is this transaction, not the next job run.
 */
export async function restoreSettled(
  tx: Tx,
  deps: DunningDeps,
  tenant: TenantRef,
  customerId: string,
  now: Date,
  meta: RequestMeta,
): Promise<number> {
  await lockTenantDunning(tx, tenant.id);
  return (await applyDunning(tx, deps, tenant, now, meta, { customerId, only: "restore" })).restored;
}
