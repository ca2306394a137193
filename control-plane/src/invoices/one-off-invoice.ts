import { billingSettingsOf } from "../billing/billing-settings.usecases.ts";
import { computeInvoice, type InvoiceLineInput } from "../billing/invoice.models.ts";
import { invoicesIssued } from "../billing/ledger.models.ts";
import type { Tx } from "../db/database.ts";
import { writeLedger } from "../payments/ledger.repository.ts";
import { addDays, type LocalDate } from "../time/zoned.ts";
import { invoiceNumber, takeInvoiceNumbers } from "./invoice-numbers.ts";
import { invoiceLines, invoices } from "./invoices.tables.ts";

export interface OneOffInvoiceInput {
  tenantId: string;
  currency: string;
  customerId: string;
  subscriptionId: string;
  /** Today in the tenant's zone: the issue date. */
  today: LocalDate;
  lines: readonly InvoiceLineInput[];
  /** A plan change may give back more than it charges: then this is a credit note. */
  allowCredit: boolean;
  now: Date;
  createdBy: string | null;
  memo: string;
}

export interface IssuedInvoice {
  id: string;
  number: string;
  totalMinor: number;
}

/**
 * An invoice outside the monthly run (a plan change's proration, a prepaid purchase), in the
 * caller's transaction: lines by the invoice model, the next gap-free number, and its own
 * ledger transaction. It has no period, so the run's idempotency key never meets it.
 */
export async function issueOneOffInvoice(tx: Tx, input: OneOffInvoiceInput): Promise<IssuedInvoice> {
  const computed = computeInvoice(input.lines, { allowCredit: input.allowCredit });
  if (!computed.ok) throw new RangeError(`one-off invoice: ${computed.code}`);
  const totals = computed.invoice;
  const settings = await billingSettingsOf(tx, input.tenantId);
  const year = Number(input.today.slice(0, 4));
  const [seq] = await takeInvoiceNumbers(tx, input.tenantId, year, 1);
  const id = crypto.randomUUID();
  const number = invoiceNumber(settings.invoicePrefix, year, seq as number);
  await tx.insert(invoices).values({
    tenantId: input.tenantId,
    id,
    number,
    year,
    seq: seq as number,
    subscriptionId: input.subscriptionId,
    customerId: input.customerId,
    period: null,
    issuedOn: input.today,
    dueOn: addDays(input.today, totals.totalMinor > 0 ? settings.invoiceDueDays : 0),
    currency: input.currency,
    subtotal: totals.netMinor,
    tax: totals.taxMinor,
    total: totals.totalMinor,
  });
  await tx.insert(invoiceLines).values(
    totals.lines.map((l, i) => ({
      tenantId: input.tenantId,
      invoiceId: id,
      position: i + 1,
      kind: l.kind,
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unitPriceMinor,
      discount: l.discountMinor,
      taxRateBp: l.taxRateBp,
      taxInclusive: l.taxInclusive,
      net: l.netMinor,
      tax: l.taxMinor,
      gross: l.grossMinor,
    })),
  );
  await writeLedger(
    tx,
    input.tenantId,
    { occurredAt: input.now, createdBy: input.createdBy, memo: input.memo },
    invoicesIssued([
      { invoiceId: id, customerId: input.customerId, netMinor: totals.netMinor, taxMinor: totals.taxMinor },
    ]),
  );
  return { id, number, totalMinor: totals.totalMinor };
}
