import { and, eq, sql } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Actor } from "../auth/actor.ts";
import { type MoneyAccount, paymentReceived, paymentReversed } from "../billing/ledger.models.ts";
import type { Clock } from "../clock.ts";
import type { Database } from "../db/database.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { rowsOf } from "../db/rows.ts";
import { restoreSettled } from "../dunning/dunning.usecases.ts";
import { AppError, notFound } from "../http/errors.ts";
import { invoices } from "../invoices/invoices.tables.ts";
import { enqueueNotification, type Sealing } from "../notifications/outbox.ts";
import { customerOf } from "../subscriptions/subscriptions.repository.ts";
import { tenantOf } from "../subscriptions/subscriptions.usecases.ts";
import { nextDay, startOfDayIn } from "../time/zoned.ts";
import { customerBalanceOf, writeLedger } from "./ledger.repository.ts";
import { payments } from "./payments.tables.ts";

export interface PaymentsDeps {
  database: Database;
  clock: Clock;
  secretBox: Sealing["secretBox"];
}

/** Where the money of each payment method lands in the ledger. */
const METHOD_ACCOUNT: Record<(typeof payments.$inferSelect)["method"], MoneyAccount> = {
  cash: "cash",
  bank_transfer: "bank",
  ewallet: "ewallet",
  gateway: "gateway",
};

export interface RecordPaymentInput {
  customerId: string;
  /** The invoice the customer means to pay; money still settles the oldest first. */
  invoiceId: string | null;
  amountMinor: number;
  method: "cash" | "bank_transfer" | "ewallet";
  reference: string | null;
  /** When the money was received; defaults to now. Never in the future. */
  receivedAt: Date | null;
}

const field = (code: string, name: string, message: string) => new AppError(code, 422, message, { field: name });

/**
 * A payment taken by a collector or an admin, in one transaction: the payment, its ledger
 * transaction, the audit row, a WhatsApp receipt to the customer, and — if it leaves nothing
 * overdue — the restoration of what dunning isolated, with its site change. Any amount is
 * accepted: short of the invoice it is a partial payment, above it a credit for the next ones.
 */
export async function recordPayment(deps: PaymentsDeps, actor: Actor, input: RecordPaymentInput, meta: RequestMeta) {
  return recordPaymentWithId(deps, actor, crypto.randomUUID(), input, meta);
}

/**
 * `recordPayment` under an id the caller chose: the payment form's one-time token, so the same
 * form posted twice (a retry on a bad link) meets the payments primary key and records once.
 */
export async function recordPaymentWithId(
  deps: PaymentsDeps,
  actor: Actor,
  id: string,
  input: RecordPaymentInput,
  meta: RequestMeta,
) {
  const now = deps.clock.now();
  const receivedAt = input.receivedAt ?? now;
  if (receivedAt.getTime() > now.getTime() + 60_000) {
    throw field("received_in_future", "receivedAt", "A payment cannot be received in the future.");
  }
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
    throw field("amount_not_positive", "amount", "The amount must be more than zero.");
  }
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const customer = await customerOf(tx, actor.tenantId, input.customerId);
    if (!customer) throw notFound("customer");
    if (input.invoiceId) {
      const [invoice] = await tx
        .select({ id: invoices.id })
        .from(invoices)
        .where(
          and(
            eq(invoices.tenantId, actor.tenantId),
            eq(invoices.id, input.invoiceId),
            eq(invoices.customerId, input.customerId),
          ),
        );
      if (!invoice) throw field("unknown_invoice", "invoiceId", "Choose one of this customer's invoices.");
    }
    await tx.insert(payments).values({
      tenantId: actor.tenantId,
      id,
      customerId: input.customerId,
      invoiceId: input.invoiceId,
      method: input.method,
      reference: input.reference,
      amount: input.amountMinor,
      receivedAt,
      collectorUserId: actor.userId,
    });
    await writeLedger(
      tx,
      actor.tenantId,
      { occurredAt: receivedAt, createdBy: actor.userId, paymentId: id },
      paymentReceived({
        customerId: input.customerId,
        amountMinor: input.amountMinor,
        into: METHOD_ACCOUNT[input.method],
      }),
    );
    const balance = await customerBalanceOf(tx, actor.tenantId, input.customerId);
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "payment.recorded",
      entityType: "payment",
      entityId: id,
      after: {
        customerId: input.customerId,
        invoiceId: input.invoiceId,
        amount: input.amountMinor,
        method: input.method,
        reference: input.reference,
        receivedAt,
        balanceAfter: balance,
      },
    });
    if (customer.phoneE164) {
      await enqueueNotification(
        tx,
        { secretBox: deps.secretBox },
        {
          tenantId: actor.tenantId,
          recipient: customer.phoneE164,
          template: "payment_received",
          params: {
            customer: customer.name,
            amount: String(input.amountMinor),
            currency: actor.currency,
            balance: String(balance),
          },
        },
      );
    }
    const restored = await restoreSettled(
      tx,
      { database: deps.database, clock: deps.clock, sealing: { secretBox: deps.secretBox } },
      tenantOf(actor),
      input.customerId,
      now,
      meta,
    );
    return { id, balanceMinor: balance, restored };
  });
}

/**
 * A payment undone by its mirror: a reversal row (the database checks it mirrors, and allows
 * one) and the ledger's reversing transaction. The original is never changed or deleted.
 */
export async function reversePayment(
  deps: PaymentsDeps,
  actor: Actor,
  paymentId: string,
  reason: string,
  meta: RequestMeta,
): Promise<{ id: string }> {
  return reverse(deps, actor, paymentId, reason, meta).catch((error) => {
    if (isUniqueViolation(error, "payments_reversal_unique")) throw alreadyReversed();
    throw error;
  });
}

const alreadyReversed = () => new AppError("already_reversed", 409, "This payment was already reversed.");

function reverse(deps: PaymentsDeps, actor: Actor, paymentId: string, reason: string, meta: RequestMeta) {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    // No row lock: payments are append-only (no UPDATE grant, so no FOR UPDATE); two reversals
    // racing meet the unique key on reversal_of instead.
    const [original] = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.tenantId, actor.tenantId), eq(payments.id, paymentId)));
    if (!original) throw notFound("payment");
    if (original.reversalOf) throw new AppError("reversal_of_reversal", 409, "A reversal cannot be reversed.");
    const [already] = await tx
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.tenantId, actor.tenantId), eq(payments.reversalOf, paymentId)));
    if (already) throw alreadyReversed();
    const id = crypto.randomUUID();
    const now = deps.clock.now();
    await tx.insert(payments).values({
      tenantId: actor.tenantId,
      id,
      customerId: original.customerId,
      invoiceId: original.invoiceId,
      method: original.method,
      reference: original.reference,
      amount: original.amount,
      receivedAt: now,
      collectorUserId: actor.userId,
      reversalOf: original.id,
      reversalReason: reason,
    });
    await writeLedger(
      tx,
      actor.tenantId,
      { occurredAt: now, createdBy: actor.userId, paymentId: id, memo: reason },
      paymentReversed({
        customerId: original.customerId,
        amountMinor: original.amount,
        from: METHOD_ACCOUNT[original.method],
      }),
    );
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "payment.reversed",
      entityType: "payment",
      entityId: original.id,
      before: { amount: original.amount, method: original.method },
      after: { reversal: id, reason },
    });
    return { id };
  });
}

/**
 * What a collector took in on one local day of the tenant, per method: the payments they
 * received that day and how much of it was reversed since, for the evening hand-over of cash.
 */
export async function collectorDay(deps: Pick<PaymentsDeps, "database">, actor: Actor, userId: string, day: string) {
  const from = startOfDayIn(day, actor.timeZone);
  const to = startOfDayIn(nextDay(day), actor.timeZone);
  if (!from || !to) throw field("bad_day", "day", "Not a day.");
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const rows = rowsOf<{
      method: RecordPaymentInput["method"] | "gateway";
      count: number;
      total: string;
      reversed: string;
    }>(
      await tx.execute(sql`
        select p.method, count(*)::int as count, sum(p.amount) as total,
               coalesce(sum(p.amount) filter (where r.id is not null), 0) as reversed
        from payments p
        left join payments r on r.tenant_id = p.tenant_id and r.reversal_of = p.id
        where p.tenant_id = ${actor.tenantId}::uuid and p.collector_user_id = ${userId}::uuid
          and p.reversal_of is null and p.received_at >= ${from.toISOString()}::timestamptz
          and p.received_at < ${to.toISOString()}::timestamptz
        group by p.method order by p.method`),
    );
    return rows.map((r) => ({
      method: r.method,
      count: r.count,
      totalMinor: Number(r.total),
      reversedMinor: Number(r.reversed),
    }));
  });
}
