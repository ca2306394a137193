import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  balanceOf,
  customerBalance,
  invoicesIssued,
  invoiceVoided,
  type LedgerEntry,
  type LedgerTransaction,
  type MoneyAccount,
  type PostResult,
  paymentReceived,
  paymentReversed,
  post,
  settleInvoices,
} from "./ledger.models.ts";

const ok = (result: PostResult): LedgerTransaction => {
  if (!result.ok) throw new Error(result.code);
  return result.transaction;
};
const e = (
  account: LedgerEntry["account"],
  amountMinor: number,
  customerId: string | null = null,
  invoiceId?: string,
): LedgerEntry => (invoiceId ? { account, customerId, invoiceId, amountMinor } : { account, customerId, amountMinor });
const invoiceIssued = (i: { invoiceId?: string; customerId: string; netMinor: number; taxMinor: number }) =>
  invoicesIssued([{ invoiceId: "inv", ...i }]);

describe("post", () => {
  test.each([
    [[], "ledger.too-few-entries"],
    [[e("bank", 100)], "ledger.too-few-entries"],
    [[e("bank", 100), e("revenue", -99)], "ledger.unbalanced"],
    [[e("bank", 0), e("revenue", 0)], "ledger.amount"],
    [[e("bank", 1.5), e("revenue", -1.5)], "ledger.amount"],
    [[e("bank", 100), e("receivable", -100)], "ledger.customer"],
    [[e("bank", 100, "c1"), e("receivable", -100, "c1")], "ledger.customer"],
    // Summed as floats these come to 0 (2^53 + 1 rounds to 2^53); the true sum is 1.
    [
      [e("bank", Number.MAX_SAFE_INTEGER), e("cash", 2), e("revenue", -Number.MAX_SAFE_INTEGER), e("tax", -1)],
      "ledger.unbalanced",
    ],
  ] as const)("%o is refused with %s", (entries, code) => {
    expect(post("adjustment", entries as unknown as LedgerEntry[])).toEqual({ ok: false, code });
  });

  test("a balanced transaction is taken as given", () => {
    const entries = [e("receivable", 166_500, "c1"), e("revenue", -150_000), e("tax", -16_500)];
    expect(post("invoice", entries)).toEqual({ ok: true, transaction: { kind: "invoice", entries } });
  });
});

describe("transactions", () => {
  test("invoice issued and voided", () => {
    expect(ok(invoiceIssued({ customerId: "c1", netMinor: 150_000, taxMinor: 16_500 })).entries).toEqual([
      e("receivable", 166_500, "c1", "inv"),
      e("revenue", -150_000),
      e("tax", -16_500),
    ]);
    expect(ok(invoiceIssued({ customerId: "c1", netMinor: 150_000, taxMinor: 0 })).entries).toHaveLength(2);
    const voided = ok(invoiceVoided({ invoiceId: "inv", customerId: "c1", netMinor: 150_000, taxMinor: 16_500 }));
    expect(voided).toEqual({
      kind: "invoice_void",
      entries: [e("receivable", -166_500, "c1", "inv"), e("revenue", 150_000), e("tax", 16_500)],
    });
  });

  test("a run of invoices is one transaction: a receivable per invoice, revenue and tax summed", () => {
    const run = ok(
      invoicesIssued([
        { invoiceId: "a", customerId: "c1", netMinor: 135_135, taxMinor: 14_865 },
        { invoiceId: "b", customerId: "c2", netMinor: 90_090, taxMinor: 9_910 },
        { invoiceId: "c", customerId: "c1", netMinor: 0, taxMinor: 0 },
      ]),
    );
    expect(run.entries).toEqual([
      e("receivable", 150_000, "c1", "a"),
      e("receivable", 100_000, "c2", "b"),
      e("revenue", -225_225),
      e("tax", -24_775),
    ]);
  });

  test("a credit note posts the mirror of an invoice and, like a payment, settles what is open", () => {
    expect(ok(invoiceIssued({ invoiceId: "cn", customerId: "c1", netMinor: -9_009, taxMinor: -991 })).entries).toEqual([
      e("receivable", -10_000, "c1", "cn"),
      e("revenue", 9_009),
      e("tax", 991),
    ]);
    const settled = settleInvoices(
      [
        { invoiceId: "jan", totalMinor: 150_000, voided: false },
        { invoiceId: "cn", totalMinor: -10_000, voided: false },
      ],
      140_000,
    );
    expect(settled.invoices.map((i) => [i.invoiceId, i.status, i.paidMinor, i.openMinor])).toEqual([
      ["jan", "partially_paid", 10_000, 140_000],
      ["cn", "credit", 0, 0],
    ]);
  });

  test("an invoice id only on a receivable entry", () => {
    expect(post("invoice", [e("receivable", 5, "c1"), e("revenue", -5, null, "inv")])).toEqual({
      ok: false,
      code: "ledger.customer",
    });
  });

  test("payment and its reversal mirror each other", () => {
    expect(ok(paymentReceived({ customerId: "c1", amountMinor: 50_000, into: "cash" }))).toEqual({
      kind: "payment",
      entries: [e("cash", 50_000), e("receivable", -50_000, "c1")],
    });
    expect(ok(paymentReversed({ customerId: "c1", amountMinor: 50_000, from: "cash" }))).toEqual({
      kind: "payment_reversal",
      entries: [e("cash", -50_000), e("receivable", 50_000, "c1")],
    });
  });

  test.each([
    [paymentReceived({ customerId: "c", amountMinor: 0, into: "bank" })],
    [paymentReceived({ customerId: "c", amountMinor: -5, into: "bank" })],
    [paymentReversed({ customerId: "c", amountMinor: 0, from: "bank" })],
    [invoiceIssued({ customerId: "c", netMinor: 0, taxMinor: 0 })],
  ])("nothing to post: %o", (result) => {
    expect(result.ok).toBe(false);
  });

  test("a partial payment, then an overpayment whose credit pays part of the next invoice", () => {
    const ledger: LedgerEntry[] = [];
    const add = (r: PostResult) => ledger.push(...ok(r).entries);
    const invoices = [{ invoiceId: "jan", totalMinor: 166_500, voided: false }];
    add(invoiceIssued({ customerId: "c1", netMinor: 150_000, taxMinor: 16_500 }));
    add(paymentReceived({ customerId: "c1", amountMinor: 100_000, into: "cash" }));
    expect(customerBalance(ledger, "c1")).toBe(66_500);
    expect(settleInvoices(invoices, 66_500).invoices[0]).toMatchObject({
      paidMinor: 100_000,
      status: "partially_paid",
    });

    add(paymentReceived({ customerId: "c1", amountMinor: 100_000, into: "ewallet" }));
    expect(customerBalance(ledger, "c1")).toBe(-33_500);
    expect(settleInvoices(invoices, -33_500)).toMatchObject({ creditMinor: 33_500, invoices: [{ status: "paid" }] });

    add(invoiceIssued({ customerId: "c1", netMinor: 150_000, taxMinor: 16_500 }));
    invoices.push({ invoiceId: "feb", totalMinor: 166_500, voided: false });
    expect(settleInvoices(invoices, customerBalance(ledger, "c1"))).toEqual({
      creditMinor: 0,
      invoices: [
        { invoiceId: "jan", totalMinor: 166_500, paidMinor: 166_500, openMinor: 0, status: "paid" },
        { invoiceId: "feb", totalMinor: 166_500, paidMinor: 33_500, openMinor: 133_000, status: "partially_paid" },
      ],
    });
    expect(balanceOf(ledger, "cash")).toBe(100_000);
    expect(balanceOf(ledger, "revenue")).toBe(-300_000);
  });

  test("a voided invoice settles nothing; what was paid on it moves to the next", () => {
    const invoices = [
      { invoiceId: "a", totalMinor: 100, voided: true },
      { invoiceId: "b", totalMinor: 100, voided: false },
      { invoiceId: "c", totalMinor: 0, voided: false },
    ];
    // Billed 200, voided 100, paid 60: balance 40.
    expect(settleInvoices(invoices, 40).invoices.map((i) => [i.status, i.paidMinor, i.openMinor])).toEqual([
      ["void", 0, 0],
      ["partially_paid", 60, 40],
      ["paid", 0, 0],
    ]);
  });
});

type Op =
  | { op: "invoice"; customer: number; net: number; tax: number }
  | { op: "void"; pick: number }
  | { op: "pay"; customer: number; amount: number; into: MoneyAccount }
  | { op: "reverse"; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant("invoice" as const),
    customer: fc.integer({ min: 0, max: 2 }),
    net: fc.integer({ min: 1, max: 5_000_000 }),
    tax: fc.integer({ min: 0, max: 600_000 }),
  }),
  fc.record({ op: fc.constant("void" as const), pick: fc.nat() }),
  fc.record({
    op: fc.constant("pay" as const),
    customer: fc.integer({ min: 0, max: 2 }),
    amount: fc.integer({ min: 1, max: 8_000_000 }),
    into: fc.constantFrom<MoneyAccount>("cash", "bank", "ewallet", "gateway"),
  }),
  fc.record({ op: fc.constant("reverse" as const), pick: fc.nat() }),
);

describe("property: random invoices, voids, payments and reversals", () => {
  test("every transaction sums to 0; balance = Σ receivable = billed − paid; settlement adds up", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const ledger: LedgerEntry[] = [];
        const invoices: { customer: number; invoiceId: string; net: number; tax: number; voided: boolean }[] = [];
        const payments: { customer: number; amount: number; into: MoneyAccount; reversed: boolean }[] = [];
        const record = (result: PostResult) => {
          const t = ok(result);
          expect(t.entries.reduce((s, x) => s + x.amountMinor, 0)).toBe(0);
          for (const x of t.entries) expect(Number.isSafeInteger(x.amountMinor) && x.amountMinor !== 0).toBe(true);
          ledger.push(...t.entries);
        };
        for (const o of ops) {
          if (o.op === "invoice") {
            record(
              invoiceIssued({
                invoiceId: `i${invoices.length}`,
                customerId: `c${o.customer}`,
                netMinor: o.net,
                taxMinor: o.tax,
              }),
            );
            invoices.push({
              customer: o.customer,
              invoiceId: `i${invoices.length}`,
              net: o.net,
              tax: o.tax,
              voided: false,
            });
          } else if (o.op === "void") {
            const live = invoices.filter((i) => !i.voided);
            const i = live[o.pick % Math.max(live.length, 1)];
            if (!i) continue;
            record(
              invoiceVoided({ invoiceId: i.invoiceId, customerId: `c${i.customer}`, netMinor: i.net, taxMinor: i.tax }),
            );
            i.voided = true;
          } else if (o.op === "pay") {
            record(paymentReceived({ customerId: `c${o.customer}`, amountMinor: o.amount, into: o.into }));
            payments.push({ customer: o.customer, amount: o.amount, into: o.into, reversed: false });
          } else {
            const open = payments.filter((p) => !p.reversed);
            const p = open[o.pick % Math.max(open.length, 1)];
            if (!p) continue;
            record(paymentReversed({ customerId: `c${p.customer}`, amountMinor: p.amount, from: p.into }));
            p.reversed = true;
          }
        }
        expect(ledger.reduce((s, x) => s + x.amountMinor, 0)).toBe(0);
        for (const c of [0, 1, 2]) {
          const id = `c${c}`;
          const balance = customerBalance(ledger, id);
          const receivables = ledger.filter((x) => x.account === "receivable" && x.customerId === id);
          expect(balance).toBe(receivables.reduce((s, x) => s + x.amountMinor, 0));
          const mine = invoices.filter((i) => i.customer === c);
          const billed = mine.filter((i) => !i.voided).reduce((s, i) => s + i.net + i.tax, 0);
          const paid = payments.filter((p) => p.customer === c && !p.reversed).reduce((s, p) => s + p.amount, 0);
          expect(balance).toBe(billed - paid);

          const settled = settleInvoices(
            mine.map((i) => ({ invoiceId: i.invoiceId, totalMinor: i.net + i.tax, voided: i.voided })),
            balance,
          );
          const open = settled.invoices.reduce((s, i) => s + i.openMinor, 0);
          const settledPaid = settled.invoices.reduce((s, i) => s + i.paidMinor, 0);
          expect(settledPaid + settled.creditMinor).toBe(paid);
          expect(open - settled.creditMinor).toBe(balance);
          expect(open === 0 || settled.creditMinor === 0).toBe(true);
          // Oldest first: nothing is paid on an invoice while an older one is still open.
          const live = settled.invoices.filter((i) => i.status !== "void");
          const firstUnpaid = live.findIndex((i) => i.openMinor > 0);
          if (firstUnpaid >= 0) for (const later of live.slice(firstUnpaid + 1)) expect(later.paidMinor).toBe(0);
        }
        for (const into of ["cash", "bank", "ewallet", "gateway"] as const) {
          const kept = payments.filter((p) => p.into === into && !p.reversed).reduce((s, p) => s + p.amount, 0);
          expect(balanceOf(ledger, into)).toBe(kept);
        }
      }),
      { numRuns: 300 },
    );
  });
});
