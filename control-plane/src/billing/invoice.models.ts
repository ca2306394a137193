/**
 * Invoice lines and totals.
 *
 * ROUNDING RULE (the one the property tests hold us to; printed invoices, the ledger and the
 * reports all follow it):
 * 1. A line's amount is quantity × unit price − discount, exact in minor units.
 * 2. Tax is computed per line, rounded to the minor unit with halves away from zero
 *    (half-up for charges, so a credit line mirrors its charge exactly):
 *    - exclusive: net = amount, tax = round(net × rate / 10000), gross = net + tax;
 *    - inclusive: gross = amount, net = round(gross × 10000 / (10000 + rate)), tax = gross − net.
 *    Rates are basis points: PPN 11% = 1100, 12% = 1200.
 * 3. Invoice net, tax and total are exact sums of the lines' net, tax and gross, so the total
 *    is always Σ line gross and never re-rounded.
 * Tax per line, not on the invoice total, because every line then stands alone: a line can be
 * credited, voided or shown on a receipt without the rest of the invoice changing by a rupiah.
 */
import { isMinorAmount, type MinorAmount, mulDivRound, toSafeAmount } from "@kilusi/shared/money";

export type LineKind = "plan" | "installation" | "proration" | "discount" | "adjustment";

/**
 * Kinds that may carry a negative amount: credits for unused days, discounts, corrections.
 * A plan or installation line is always a charge, a discount line never is.
 */
const MAY_BE_NEGATIVE: ReadonlySet<LineKind> = new Set(["proration", "discount", "adjustment"]);

export const MAX_TAX_RATE_BP = 10_000;

export interface InvoiceLineInput {
  kind: LineKind;
  description: string;
  /** Whole units (months, installations); a positive safe integer. */
  quantity: number;
  unitPriceMinor: MinorAmount;
  /** Taken off quantity × unit price before tax; never more than that, never on a credit. */
  discountMinor: MinorAmount;
  /** Basis points, 0–10000; 0 for a tax-free adjustment. */
  taxRateBp: number;
  /** As the plan says: true when the price already includes the tax. */
  taxInclusive: boolean;
}

export interface InvoiceLine extends InvoiceLineInput {
  netMinor: MinorAmount;
  taxMinor: MinorAmount;
  grossMinor: MinorAmount;
}

export interface InvoiceTotals {
  lines: InvoiceLine[];
  netMinor: MinorAmount;
  taxMinor: MinorAmount;
  totalMinor: MinorAmount;
}

export type LineErrorCode =
  | "line.quantity"
  | "line.unit-price"
  | "line.sign"
  | "line.discount-negative"
  | "line.discount-exceeds"
  | "line.tax-rate"
  | "line.too-large";

export type InvoiceErrorCode = LineErrorCode | "invoice.empty" | "invoice.negative-total" | "invoice.too-large";

export type LineResult = { ok: true; line: InvoiceLine } | { ok: false; code: LineErrorCode };
export type InvoiceResult = { ok: true; invoice: InvoiceTotals } | { ok: false; code: InvoiceErrorCode; line?: number };

/** One line's net, tax and gross under the rule above, or why the line is refused. */
export function computeLine(input: InvoiceLineInput): LineResult {
  const { quantity, unitPriceMinor, discountMinor, taxRateBp } = input;
  if (!Number.isSafeInteger(quantity) || quantity < 1) return { ok: false, code: "line.quantity" };
  if (!isMinorAmount(unitPriceMinor)) return { ok: false, code: "line.unit-price" };
  if (!isMinorAmount(discountMinor) || discountMinor < 0) return { ok: false, code: "line.discount-negative" };
  if (!Number.isInteger(taxRateBp) || taxRateBp < 0 || taxRateBp > MAX_TAX_RATE_BP) {
    return { ok: false, code: "line.tax-rate" };
  }
  const base = BigInt(quantity) * BigInt(unitPriceMinor);
  if ((base < 0n && !MAY_BE_NEGATIVE.has(input.kind)) || (base > 0n && input.kind === "discount")) {
    return { ok: false, code: "line.sign" };
  }
  // A discount reduces a charge towards zero; it never turns a charge into a credit, and a
  // credit has nothing to discount.
  if (discountMinor > 0 && (base <= 0n || BigInt(discountMinor) > base)) {
    return { ok: false, code: "line.discount-exceeds" };
  }
  let amount: MinorAmount;
  try {
    amount = toSafeAmount(base - BigInt(discountMinor));
  } catch {
    return { ok: false, code: "line.too-large" };
  }
  let netMinor: MinorAmount;
  let taxMinor: MinorAmount;
  let grossMinor: MinorAmount;
  try {
    if (!input.taxInclusive) {
      netMinor = amount;
      taxMinor = mulDivRound(amount, taxRateBp, 10_000);
      grossMinor = toSafeAmount(BigInt(netMinor) + BigInt(taxMinor));
    } else {
      grossMinor = amount;
      netMinor = mulDivRound(amount, 10_000, 10_000 + taxRateBp);
      taxMinor = grossMinor - netMinor;
    }
  } catch {
    return { ok: false, code: "line.too-large" };
  }
  return { ok: true, line: { ...input, netMinor, taxMinor, grossMinor } };
}

/**
 * Every line computed and the totals summed. An invoice whose credits outweigh its charges is
 * refused, unless it is a one-off document allowed to be a credit note (`allowCredit`: a plan
 * change whose unused days are worth more than the new plan's): what the customer is owed
 * then goes to their credit in the ledger, where it settles the next invoices.
 */
export function computeInvoice(
  inputs: readonly InvoiceLineInput[],
  options: { allowCredit?: boolean } = {},
): InvoiceResult {
  if (inputs.length === 0) return { ok: false, code: "invoice.empty" };
  const lines: InvoiceLine[] = [];
  let net = 0n;
  let tax = 0n;
  let gross = 0n;
  for (const [index, input] of inputs.entries()) {
    const result = computeLine(input);
    if (!result.ok) return { ok: false, code: result.code, line: index };
    lines.push(result.line);
    net += BigInt(result.line.netMinor);
    tax += BigInt(result.line.taxMinor);
    gross += BigInt(result.line.grossMinor);
  }
  if (gross < 0n && !options.allowCredit) return { ok: false, code: "invoice.negative-total" };
  try {
    return {
      ok: true,
      invoice: { lines, netMinor: toSafeAmount(net), taxMinor: toSafeAmount(tax), totalMinor: toSafeAmount(gross) },
    };
  } catch {
    return { ok: false, code: "invoice.too-large" };
  }
}
