// What the dashboard and the reports pages are given to render: figures already computed by
// the control plane (reports.models.ts holds the definitions), amounts in minor units.

/** Open amounts by days past due, in the order the aging table and chart show them. */
export const agingBuckets = ["not_due", "d1_30", "d31_60", "d61_90", "d90_plus"] as const;
export type AgingBucket = (typeof agingBuckets)[number];

export type Figure = { amountMinor: number; count: number };

/** One local month of the tenant (`YYYY-MM`). */
export type MonthFigures = {
  month: string;
  /** Σ totals of live invoices (not void, not credit notes) issued in the month, and how many. */
  invoicedMinor: number;
  invoicedCount: number;
  /** What the ledger has settled of those invoices so far. */
  paidOfInvoicedMinor: number;
  /** paid ÷ invoiced in basis points; null when nothing was invoiced. */
  collectionRateBp: number | null;
  /** Payments received in the month minus reversals made in it. */
  collectedMinor: number;
  newCount: number;
  churnedCount: number;
};

export type ReportsOverview = {
  currency: string;
  timeZone: string;
  /** The tenant's local date the figures are for. */
  today: string;
  mrrMinor: number;
  /** Collected this month against last month, in basis points; null when last month had nothing. */
  collectedChangeBp: number | null;
  /** Active or isolated now (isolated subscribers are still customers, still billed). */
  activeCount: number;
  isolatedCount: number;
  unpaid: Figure;
  overdue: Figure;
  aging: readonly ({ bucket: AgingBucket } & Figure)[];
  /** Oldest first; the last one is this month, the one before it last month. */
  months: readonly MonthFigures[];
};

/** An invoice with something left to pay, for the unpaid-invoices export. */
export type UnpaidInvoice = {
  number: string;
  customerName: string;
  issuedOn: string;
  dueOn: string;
  totalMinor: number;
  paidMinor: number;
  openMinor: number;
  daysPastDue: number;
  bucket: AgingBucket;
};

const empty: MonthFigures = {
  month: "",
  invoicedMinor: 0,
  invoicedCount: 0,
  paidOfInvoicedMinor: 0,
  collectionRateBp: null,
  collectedMinor: 0,
  newCount: 0,
  churnedCount: 0,
};

/** This month's figures (the last of `months`). */
export function thisMonthOf(overview: ReportsOverview): MonthFigures {
  return overview.months.at(-1) ?? empty;
}

/** Last month's figures (the one before the last). */
export function lastMonthOf(overview: ReportsOverview): MonthFigures {
  return overview.months.at(-2) ?? empty;
}
