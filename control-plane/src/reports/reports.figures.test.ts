import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatMoney } from "@kilusi/web/format.ts";
import type { MonthFigures } from "@kilusi/web/pages/reports/report-data.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { manualClock } from "../accounts/accounts.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { signIn } from "../team/team.testing.ts";
import { buildHistory, FORMULA_NAME, type History } from "./reports.testing.ts";
import { reportsOverview } from "./reports.usecases.ts";
import { download } from "./reports-read.testing.ts";

// Every figure of the reports, asserted exactly against a history written through the real
// use-cases (reports.testing.ts), and the CSV files carrying the same numbers. Tenant A is in
// New York, where a month starts four or five hours after it does in UTC; tenant B in Jakarta,
// seven hours before.

const rp = (minor: number) => formatMoney(minor, "IDR", "id");
const quiet = (month: string): MonthFigures => ({
  month,
  invoicedMinor: 0,
  invoicedCount: 0,
  paidOfInvoicedMinor: 0,
  collectionRateBp: null,
  collectedMinor: 0,
  newCount: 0,
  churnedCount: 0,
});

describe("report figures", () => {
  const clock = manualClock(new Date("2025-11-30T00:00:00Z").getTime());
  let cp: AssembledControlPlane;
  let h: History;
  let owner: TestClient;
  const deps = () => ({ database: cp.database, clock });

  beforeAll(async () => {
    cp = await assembleTestControlPlane({}, clock);
    h = await buildHistory(cp, clock);
    owner = (await signIn(cp, await h.emailOf(h.a))).browser;
  });
  afterAll(() => cp.close());

  test("tenant A: every figure, in its own months", async () => {
    const o = await reportsOverview(deps(), h.a.actor, 12);
    expect(o).toEqual({
      currency: "IDR",
      timeZone: "America/New_York",
      today: "2026-04-20",
      // Home 20 ×2 (150 000 incl. 11 % → 135 135), Home 50 − 25 000 (225 000 → 202 703), Biz 200 000 excl.;
      // not the prepaid hotspot, not Dewi or Fajar (terminated), not Hadi (never activated).
      mrrMinor: 135_135 * 2 + 202_703 + 200_000,
      // 277 000 against 697 000: −60.26 %.
      collectedChangeBp: -6_026,
      activeCount: 5,
      isolatedCount: 0,
      // Andi 5 × 150 000, Budi's April 225 000 (its payment reversed), Fajar 150 000 − 50 000,
      // Citra 150 000 − her 32 258 credit.
      unpaid: { amountMinor: 1_192_742, count: 8 },
      overdue: { amountMinor: 1_075_000, count: 7 },
      aging: [
        { bucket: "not_due", amountMinor: 117_742, count: 1 }, // Citra, due 22 Apr
        { bucket: "d1_30", amountMinor: 375_000, count: 2 }, // due 8 Apr: Andi, Budi
        { bucket: "d31_60", amountMinor: 250_000, count: 2 }, // due 8 Mar: Andi, Fajar (part paid)
        { bucket: "d61_90", amountMinor: 150_000, count: 1 }, // due 8 Feb
        { bucket: "d90_plus", amountMinor: 300_000, count: 2 }, // due 8 Jan and 8 Dec
      ],
      months: [
        ...["2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11"].map(quiet),
        { ...quiet("2025-12"), invoicedMinor: 150_000, invoicedCount: 1, collectionRateBp: 0, newCount: 1 },
        { ...quiet("2026-01"), invoicedMinor: 150_000, invoicedCount: 1, collectionRateBp: 0 },
        { ...quiet("2026-02"), invoicedMinor: 150_000, invoicedCount: 1, collectionRateBp: 0 },
        {
          month: "2026-03",
          // Andi 150 000, Budi 225 000, Citra 250 000, Dewi 222 000, Fajar 150 000.
          invoicedMinor: 997_000,
          invoicedCount: 5,
          // All but Andi's and 100 000 of Fajar's: 747 000 / 997 000 = 74.92 %.
          paidOfInvoicedMinor: 747_000,
          collectionRateBp: 7_492,
          // Dewi 222 000, Budi 100 000 + 125 000 (at 23:30 EDT on 31 March: 1 April in UTC), Citra 250 000.
          collectedMinor: 697_000,
          newCount: 4,
          churnedCount: 1,
        },
        {
          month: "2026-04",
          // Andi 150 000, Budi 225 000, Gita 222 000, Eko 5 000, Citra 150 000; not Dewi's voided
          // April, not Citra's −32 258 credit note.
          invoicedMinor: 752_000,
          invoicedCount: 5,
          // Gita, Eko, and 32 258 of Citra's: 259 258 / 752 000 = 34.48 %.
          paidOfInvoicedMinor: 259_258,
          collectionRateBp: 3_448,
          // Gita 222 000, Eko 5 000, Budi 225 000 − its reversal 225 000, Fajar 50 000.
          collectedMinor: 277_000,
          newCount: 2,
          churnedCount: 1,
        },
      ],
    });
  });

  test("tenant B in Jakarta: a payment at 00:30 on 1 April is April's, and A's money never counts", async () => {
    const o = await reportsOverview(deps(), h.b.actor, 2);
    expect(o).toMatchObject({
      timeZone: "Asia/Jakarta",
      today: "2026-04-20",
      mrrMinor: 100_000,
      activeCount: 1,
      unpaid: { amountMinor: 100_000, count: 1 },
      overdue: { amountMinor: 100_000, count: 1 },
      collectedChangeBp: null,
      months: [
        {
          month: "2026-03",
          invoicedMinor: 100_000,
          invoicedCount: 1,
          paidOfInvoicedMinor: 100_000,
          collectionRateBp: 10_000,
          collectedMinor: 0,
          newCount: 1,
          churnedCount: 0,
        },
        {
          month: "2026-04",
          invoicedMinor: 100_000,
          invoicedCount: 1,
          paidOfInvoicedMinor: 0,
          collectionRateBp: 0,
          collectedMinor: 100_000,
          newCount: 0,
          churnedCount: 0,
        },
      ],
    });
    expect(o.aging.map((a) => a.amountMinor)).toEqual([0, 100_000, 0, 0, 0]);
  });

  test("the summary CSV: a download with a byte-order mark, plain amounts and formatted ones", async () => {
    const csv = await download(await owner.get("/reports/summary.csv"));
    expect(csv).toMatchObject({
      status: 200,
      type: "text/csv; charset=utf-8",
      disposition: 'attachment; filename="kilusi-summary-2026-04-20.csv"',
      bom: true,
    });
    expect(csv.raw).toContain("\r\n");
    expect(csv.rows).toEqual([
      ["Angka", "Jumlah (IDR, satuan terkecil)", "Jumlah (tertulis)", "Banyaknya", "Persen"],
      ["MRR (pendapatan bulanan berulang)", "672973", rp(672_973), "", ""],
      ["Diterima — April 2026", "277000", rp(277_000), "", ""],
      ["Diterima — Maret 2026", "697000", rp(697_000), "", ""],
      ["Ditagih — April 2026", "752000", rp(752_000), "5", ""],
      ["Ditagih — Maret 2026", "997000", rp(997_000), "5", ""],
      ["Belum dibayar", "1192742", rp(1_192_742), "8", ""],
      ["Lewat jatuh tempo", "1075000", rp(1_075_000), "7", ""],
      ["Tingkat penagihan — April 2026", "", "", "", "34.48"],
      ["Tingkat penagihan — Maret 2026", "", "", "", "74.92"],
      ["Pelanggan aktif", "", "", "5", ""],
      ["Baru — April 2026", "", "", "2", ""],
      ["Baru — Maret 2026", "", "", "4", ""],
      ["Berhenti — April 2026", "", "", "1", ""],
      ["Berhenti — Maret 2026", "", "", "1", ""],
    ]);
  });

  test("the monthly CSVs carry the page's numbers for all twelve months", async () => {
    const revenue = await download(await owner.get("/reports/revenue.csv"));
    expect(revenue.disposition).toBe('attachment; filename="kilusi-revenue-2026-04-20.csv"');
    expect(revenue.rows[0]).toEqual([
      "Bulan",
      "Tagihan",
      "Ditagih (IDR, satuan terkecil)",
      "Ditagih (tertulis)",
      "Diterima (IDR, satuan terkecil)",
      "Diterima (tertulis)",
    ]);
    expect(revenue.rows).toHaveLength(13);
    expect(revenue.rows[1]).toEqual(["2025-05", "0", "0", rp(0), "0", rp(0)]);
    expect(revenue.rows.slice(-2)).toEqual([
      ["2026-03", "5", "997000", rp(997_000), "697000", rp(697_000)],
      ["2026-04", "5", "752000", rp(752_000), "277000", rp(277_000)],
    ]);

    const collection = await download(await owner.get("/reports/collection.csv"));
    expect(collection.rows.at(1)).toEqual(["2025-05", "0", "0", rp(0), "0", rp(0), "", "—"]);
    expect(collection.rows.slice(-3)).toEqual([
      ["2026-02", "1", "150000", rp(150_000), "0", rp(0), "0.00", "0%"],
      ["2026-03", "5", "997000", rp(997_000), "747000", rp(747_000), "74.92", "74,9%"],
      ["2026-04", "5", "752000", rp(752_000), "259258", rp(259_258), "34.48", "34,5%"],
    ]);

    const subscribers = await download(await owner.get("/reports/subscribers.csv"));
    expect(subscribers.rows[0]).toEqual(["Bulan", "Baru", "Berhenti", "Selisih"]);
    expect(subscribers.rows.slice(-5)).toEqual([
      ["2025-12", "1", "0", "1"],
      ["2026-01", "0", "0", "0"],
      ["2026-02", "0", "0", "0"],
      ["2026-03", "4", "1", "3"],
      ["2026-04", "2", "1", "1"],
    ]);
  });

  test("the aging CSV and the unpaid invoices behind it; a formula in a name stays text", async () => {
    const aging = await download(await owner.get("/reports/aging.csv"));
    expect(aging.rows).toEqual([
      ["Umur", "Banyak tagihan", "Sisa tagihan (IDR, satuan terkecil)", "Sisa tagihan (tertulis)"],
      ["Belum jatuh tempo", "1", "117742", rp(117_742)],
      ["1–30 hari", "2", "375000", rp(375_000)],
      ["31–60 hari", "2", "250000", rp(250_000)],
      ["61–90 hari", "1", "150000", rp(150_000)],
      ["Lebih dari 90 hari", "2", "300000", rp(300_000)],
      ["Semua yang belum dibayar", "8", "1192742", rp(1_192_742)],
    ]);

    const unpaid = await download(await owner.get("/reports/unpaid.csv"));
    expect(unpaid.disposition).toBe('attachment; filename="kilusi-unpaid-2026-04-20.csv"');
    const rows = unpaid.rows.slice(1).map((r) => [r[1], r[3], r[4], r[5], r[10]]);
    const andi = `'${FORMULA_NAME}`;
    expect(rows).toEqual([
      [andi, "2025-12-08", "133", "Lebih dari 90 hari", "150000"],
      [andi, "2026-01-08", "102", "Lebih dari 90 hari", "150000"],
      [andi, "2026-02-08", "71", "61–90 hari", "150000"],
      [andi, "2026-03-08", "43", "31–60 hari", "150000"],
      ["Fajar", "2026-03-08", "43", "31–60 hari", "100000"],
      [andi, "2026-04-08", "12", "1–30 hari", "150000"],
      ["Budi Santoso", "2026-04-08", "12", "1–30 hari", "225000"],
      ["Citra", "2026-04-22", "0", "Belum jatuh tempo", "117742"],
    ]);
    expect(unpaid.rows[8]?.slice(6)).toEqual(["150000", rp(150_000), "32258", rp(32_258), "117742", rp(117_742)]);
    // No line of the file starts a formula, and B's customer is not in A's file.
    expect(unpaid.raw.split("\r\n").some((line) => /^[=+\-@]/.test(line))).toBe(false);
    expect(unpaid.raw).toContain(`"'=HYPERLINK(""http://evil.test"",""klik"")"`);
    expect(unpaid.raw).not.toContain("Rina");
  });

  test("English: the same numbers under English headers", async () => {
    const csv = await download(await owner.get("/reports/aging.csv", { "accept-language": "en" }));
    expect(csv.rows[0]).toEqual(["Age", "Invoices", "Open amount (IDR, minor units)", "Open amount (formatted)"]);
    expect(csv.rows[5]).toEqual(["Over 90 days", "2", "300000", formatMoney(300_000, "IDR", "en")]);
  });
});
