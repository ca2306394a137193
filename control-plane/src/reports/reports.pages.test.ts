import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatMoney } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { manualClock, signUp, textOfClass } from "../accounts/accounts.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { expectEscaped, join, signIn, XSS } from "../team/team.testing.ts";
import { buildHistory, type History } from "./reports.testing.ts";
import { download, tableRows, tile } from "./reports-read.testing.ts";

// The dashboard and the reports page as people see them: the same figures the use-case
// computes (reports.figures.test.ts asserts those), for the roles that may see them only.

const id = translator("id");
const en = translator("en");
const rp = (minor: number) => formatMoney(minor, "IDR", "id");
const csvPaths = ["summary", "revenue", "aging", "collection", "subscribers", "unpaid"].map((n) => `/reports/${n}.csv`);

describe("dashboard and reports pages", () => {
  const clock = manualClock(new Date("2025-11-30T00:00:00Z").getTime());
  let cp: AssembledControlPlane;
  let h: History;
  let owner: TestClient;

  beforeAll(async () => {
    cp = await assembleTestControlPlane({}, clock);
    h = await buildHistory(cp, clock);
    owner = (await signIn(cp, await h.emailOf(h.a))).browser;
  });
  afterAll(() => cp.close());

  test("the owner's home: the welcome, then this month's figures as tiles, and a chart", async () => {
    const res = await owner.get("/app");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(textOfClass(html, "home-welcome")).toStartWith(id("dashboard.welcome", { name: "" }).slice(0, -1));
    expect(html).toContain(id("accounts.role.owner"));
    expect(tile(html, "stat-mrr")).toMatchObject({ value: "672973", shown: rp(672_973) });
    const collected = tile(html, "stat-collected");
    expect(collected).toMatchObject({ value: "277000", shown: rp(277_000) });
    expect(collected.text).toContain(id("reports.collected.detail", { amount: rp(697_000) }));
    expect(collected.text).toContain(id("reports.collected.change", { change: "-60,3%" }));
    expect(collected.text).toContain(id("reports.collected.definition"));
    expect(tile(html, "stat-invoiced")).toMatchObject({ value: "752000", shown: rp(752_000) });
    const unpaid = tile(html, "stat-unpaid");
    expect(unpaid).toMatchObject({ value: "1192742", shown: rp(1_192_742) });
    expect(unpaid.text).toContain(id("reports.unpaid.detail", { count: 8 }));
    const overdue = tile(html, "stat-overdue");
    expect(overdue).toMatchObject({ value: "1075000", shown: rp(1_075_000) });
    expect(overdue.text).toContain(id("reports.unpaid.detail", { count: 7 }));
    expect(overdue.text).toContain(id("reports.overdue.definition"));
    expect(html).toMatch(/<li class="stat-tile stat-danger" id="stat-overdue">/);
    const rate = tile(html, "stat-collection-rate");
    expect(rate).toMatchObject({ value: "3448", shown: "34,5%" });
    expect(rate.text).toContain(id("reports.rate.detail", { rate: "74,9%" }));
    expect(tile(html, "stat-active")).toMatchObject({ value: "5", shown: "5" });
    expect(tile(html, "stat-new")).toMatchObject({ value: "2", shown: "2" });
    expect(tile(html, "stat-new").text).toContain(id("reports.new.detail", { count: 4 }));
    expect(tile(html, "stat-churned")).toMatchObject({ value: "1", shown: "1" });
    // The chart is part of the page: an SVG image with its title, bars with their exact figure.
    expect(html).toContain('<svg class="chart" viewBox="0 0 360 190" role="img"');
    expect(html).toContain(`<title id="chart-home-revenue-title">${id("reports.home.chart", { months: 6 })}</title>`);
    expect(html).toContain(`<title>Maret 2026 · Ditagih: ${rp(997_000)}</title>`);
    expect(html).toContain(`<title>April 2026 · Diterima: ${rp(277_000)}</title>`);
    expect(html).toContain('href="/reports"');
    // The CSP forbids inline styles: none, anywhere.
    expect(html).not.toMatch(/\sstyle=/);
  });

  test("/reports: twelve months, the aging, the collection rate and subscribers, each with its CSV", async () => {
    const res = await owner.get("/reports");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).toContain(id("reports.asOf", { date: "20 April 2026", zone: "America/New_York" }));
    expect(tile(html, "stat-unpaid").value).toBe("1192742");
    for (const chart of ["chart-revenue", "chart-aging", "chart-collection", "chart-subscribers"]) {
      expect(html).toMatch(new RegExp(`role="img" aria-labelledby="${chart}-title ${chart}-desc" id="${chart}"`));
    }
    for (const path of csvPaths) expect(html).toContain(`href="${path}"`);

    const revenue = tableRows(html, "table-revenue");
    expect(revenue).toHaveLength(12);
    expect(revenue.slice(-2)).toEqual([
      ["Mar 2026", "5", rp(997_000), rp(697_000)],
      ["Apr 2026", "5", rp(752_000), rp(277_000)],
    ]);
    expect(tableRows(html, "table-aging")).toEqual([
      [id("reports.aging.not_due"), "1", rp(117_742)],
      [id("reports.aging.d1_30"), "2", rp(375_000)],
      [id("reports.aging.d31_60"), "2", rp(250_000)],
      [id("reports.aging.d61_90"), "1", rp(150_000)],
      [id("reports.aging.d90_plus"), "2", rp(300_000)],
      [id("reports.aging.total"), "8", rp(1_192_742)],
    ]);
    // The aging chart: one bar per bucket, its tooltip the exact amount.
    expect(html).toContain(`<title>${id("reports.aging.d31_60")}: ${rp(250_000)} · 2 tagihan</title>`);
    const collection = tableRows(html, "table-collection");
    expect(collection[0]).toEqual(["Mei 2025", rp(0), rp(0), "—"]);
    expect(collection.slice(-2)).toEqual([
      ["Mar 2026", rp(997_000), rp(747_000), "74,9%"],
      ["Apr 2026", rp(752_000), rp(259_258), "34,5%"],
    ]);
    expect(tableRows(html, "table-subscribers").slice(-2)).toEqual([
      ["Mar 2026", "4", "1", "3"],
      ["Apr 2026", "2", "1", "1"],
    ]);
  });

  test("in English the pages say the same in English", async () => {
    const home = await (await owner.get("/app", { "accept-language": "en" })).text();
    expect(home).toContain(en("reports.collected.label"));
    expect(tile(home, "stat-unpaid")).toMatchObject({
      value: "1192742",
      shown: formatMoney(1_192_742, "IDR", "en"),
    });
    expect(tile(home, "stat-collection-rate").shown).toBe("34.5%");
    const html = await (await owner.get("/reports", { "accept-language": "en" })).text();
    expect(html).toContain('<html lang="en"');
    for (const key of [
      "reports.title",
      "reports.aging.title",
      "reports.revenue.title",
      "reports.subscribers.title",
    ] as const) {
      expect(html).toContain(en(key));
    }
    expect(tableRows(html, "table-aging").at(-2)).toEqual(["Over 90 days", "2", formatMoney(300_000, "IDR", "en")]);
    expect(tableRows(html, "table-revenue").at(-1)?.[0]).toBe("Apr 2026");
    expect(html).not.toContain("Ditagih");
  });

  test("technicians and collectors keep their cards: no figures, and /reports answers 404", async () => {
    const tech = await join(cp, owner, h.a.actor.tenantId, "technician");
    const collector = await join(cp, owner, h.a.actor.tenantId, "collector", "Ani Kolektor");
    for (const person of [tech, collector]) {
      const home = await person.browser.get("/app");
      expect(home.status).toBe(200);
      const html = await home.text();
      expect(html).toContain('class="home-intro"');
      expect(html).toContain('class="home-cards"');
      expect(html).not.toContain("stat-tile");
      expect(html).not.toContain('class="chart"');
      expect(html).not.toContain('href="/reports"');
      expect((await person.browser.get("/reports")).status).toBe(404);
      for (const path of csvPaths) expect((await person.browser.get(path)).status, path).toBe(404);
    }
    const collectorHome = await (await collector.browser.get("/app")).text();
    expect(collectorHome).toContain(id("reports.card.payments.link"));
    const techHome = await (await tech.browser.get("/app")).text();
    expect(techHome).not.toContain(id("reports.card.payments.link"));
  });

  test("a viewer sees the figures and the reports", async () => {
    const viewer = await join(cp, owner, h.a.actor.tenantId, "viewer", "Vina Pemantau");
    expect(tile(await (await viewer.browser.get("/app")).text(), "stat-mrr").value).toBe("672973");
    expect((await viewer.browser.get("/reports")).status).toBe(200);
    expect((await download(await viewer.browser.get("/reports/aging.csv"))).rows.at(-1)?.[2]).toBe("1192742");
  });

  test("another ISP sees only its own money", async () => {
    const b = (await signIn(cp, await h.emailOf(h.b))).browser;
    const home = await (await b.get("/app")).text();
    expect(tile(home, "stat-mrr").value).toBe("100000");
    expect(tile(home, "stat-collected").value).toBe("100000");
    expect(tile(home, "stat-unpaid").value).toBe("100000");
    const unpaid = await download(await b.get("/reports/unpaid.csv"));
    expect(unpaid.rows.slice(1).map((r) => r[1])).toEqual(["Rina"]);
  });

  test("a new ISP: an empty state, zeros, a dash for the rate, and names shown escaped", async () => {
    const fresh = await signUp(cp, { ispName: XSS[0], ownerName: XSS[1] });
    const home = await (await fresh.browser.get("/app")).text();
    expectEscaped(home, XSS[0]);
    expectEscaped(home, XSS[1]);
    expect(tile(home, "stat-collection-rate")).toMatchObject({ value: "", shown: "—" });
    const html = await (await fresh.browser.get("/reports")).text();
    expectEscaped(html, XSS[0]);
    expect(html).toContain(id("reports.empty.title"));
    expect(html).toContain(id("reports.aging.empty"));
    expect(html).not.toContain('id="chart-aging"');
    expect(tile(html, "stat-mrr")).toMatchObject({ value: "0", shown: rp(0) });
    const aging = await download(await fresh.browser.get("/reports/aging.csv"));
    expect(aging.rows.at(-1)).toEqual([id("reports.aging.total"), "0", "0", rp(0)]);
    // The history's tenant is not empty.
    expect(await (await owner.get("/reports")).text()).not.toContain(id("reports.empty.title"));
  });
});
