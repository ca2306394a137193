import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { integrationBackend } from "../../../tests/support/database.ts";
import { createScratchDatabase } from "../../../tests/support/postgres.ts";
import { signUp } from "../accounts/accounts.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { htmx } from "../team/team.testing.ts";
import { parseCsv, unguardFormula } from "./customers.csv.ts";
import { COUNT_CAP } from "./customers.repository.ts";
import { createVia, listedIds, pagerLink, seedCustomers, subscribe } from "./customers.testing.ts";
import { CUSTOMER_PAGE_SIZE } from "./customers.usecases.ts";

// The search is SQL that leans on the planner and the collation: run it on the real PostgreSQL
// when there is one (PGlite otherwise).
const backend = await integrationBackend();
const t = translator("id");
let cp: AssembledControlPlane;
let drop: (() => Promise<void>) | undefined;
let owner: Awaited<ReturnType<typeof signUp>>;
let other: Awaited<ReturnType<typeof signUp>>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  if (backend === "postgres") {
    const scratch = await createScratchDatabase();
    drop = scratch.drop;
    cp = await assembleTestControlPlane({ DATABASE_URL: scratch.url });
  } else {
    cp = await assembleTestControlPlane();
  }
  owner = await signUp(cp);
  other = await signUp(cp);
  const people = [
    ["budi", "Budi Santoso", "+6281234567890"],
    ["siti", "Siti Nurhaliza", "+6281398765432"],
    ["agus", "AGUS SUSANTO", "+6285712340000"],
    ["dewi", "dewi lestari", null],
    ["made", "I Made Wirawan", "+6287812345678"],
    ["percent", "Toko 50% Jaya", null],
  ] as const;
  for (const [key, name, phone] of people) {
    ids[key] = (await seedCustomers(cp, owner.tenantId, [{ name, phone }]))[0] as string;
  }
  await subscribe(cp, owner.tenantId, ids.dewi as string, "rt03.dewi");
  // Another ISP with look-alikes: none of them may ever show up for the first.
  await seedCustomers(cp, other.tenantId, [
    { name: "Budi Santoso Lain", phone: "+6281234567891" },
    { name: "Santoso Tetangga", phone: "+6281234500000" },
  ]);
  const [theirs] = await seedCustomers(cp, other.tenantId, [{ name: "Pemilik Username" }]);
  await subscribe(cp, other.tenantId, theirs as string, "rt03.tetangga");
}, 60_000);
afterAll(async () => {
  await cp?.close();
  await drop?.();
});

const search = async (q: string, as = owner) => {
  const res = await as.browser.get(`/customers?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return listedIds(await res.text());
};
const names = (list: string[]) => list.map((id) => Object.entries(ids).find(([, v]) => v === id)?.[0] ?? "?");

describe("search as you type", () => {
  test.each([
    // The start of any word, in any case: "santo" is Santoso, "susan" is Susanto (ADR 0006).
    ["santo", ["budi"]],
    ["SANTOSO", ["budi"]],
    ["susan", ["agus"]],
    ["anto", []],
    ["san budi", ["budi"]],
    ["lestari dewi", ["dewi"]],
    ["nurhal", ["siti"]],
    ["50%", ["percent"]],
    ["xylofon", []],
  ])("by the start of any word of the name, any case: %p", async (q, expected) => {
    expect(names(await search(q))).toEqual(expected);
  });

  test.each([
    ["0812 3456", ["budi"]],
    ["0812-3456-7890", ["budi"]],
    ["+62 812 3456", ["budi"]],
    ["+6281234567890", ["budi"]],
    ["62812345", ["budi"]],
    ["812 3456", ["budi"]],
    ["0813 98", ["siti"]],
    ["0857", ["agus"]],
    ["0899", []],
  ])("by phone as people type it, stored as E.164: %p", async (q, expected) => {
    expect(names(await search(q))).toEqual(expected);
  });

  test.each([
    ["rt03.dewi", ["dewi"]],
    ["rt03", ["dewi"]],
    ["rt03.DE", ["dewi"]],
    ["dew", ["dewi"]],
  ])("by PPPoE username: %p", async (q, expected) => {
    expect(names(await search(q))).toEqual(expected);
  });

  test.each([
    ["b", ["budi"]],
    ["DE", ["dewi"]],
    ["ag", ["agus"]],
    ["i ", ["made"]],
  ])("one or two letters find names that start with them: %p", async (q, expected) => {
    expect(names(await search(q))).toEqual(expected);
  });

  test("htmx gets the results alone, for the search box to swap in", async () => {
    const res = await owner.browser.get("/customers?q=santo", htmx);
    expect(res.status).toBe(200);
    expect(res.headers.get("vary")).toContain("HX-Request");
    const html = await res.text();
    expect(html).toStartWith('<div id="customer-results"');
    expect(html).not.toContain("<html");
    expect(names(listedIds(html))).toEqual(["budi"]);
    // The full page has the search box targeting that fragment.
    const page = await (await owner.browser.get("/customers?q=santo")).text();
    expect(page).toContain('hx-target="#customer-results"');
    expect(page).toContain('value="santo"');
  });

  test("nothing found says so, with the way back", async () => {
    const html = await (await owner.browser.get("/customers?q=xylofon")).text();
    expect(html).toContain(t("customers.empty.search", { q: "xylofon" }));
    expect(html).toContain(t("customers.empty.clear"));
  });

  test("another ISP's customers never show, whatever is searched", async () => {
    for (const q of ["", "santoso", "Sa", "0812 3456", "rt03", "tetangga", "lain"]) {
      for (const id of await search(q)) expect(Object.values(ids)).toContain(id);
    }
    expect(await search("tetangga")).toEqual([]);
    expect(await search("rt03.tetangga")).toEqual([]);
  });
});

describe("paging", () => {
  test("keyset pages in name order: each customer once, forward and back, at the same size", async () => {
    const isp = await signUp(cp);
    const seeded = await seedCustomers(
      cp,
      isp.tenantId,
      // Names that tie, so that the id decides between them.
      Array.from({ length: CUSTOMER_PAGE_SIZE * 2 + 7 }, (_, i) => ({
        name: `Pelanggan ${String(i % 40).padStart(2, "0")}`,
      })),
    );
    const pages: string[][] = [];
    let path: string | null = "/customers";
    const backLinks: string[] = [];
    while (path) {
      const html = await (await isp.browser.get(path)).text();
      pages.push(listedIds(html));
      const prev = pagerLink(html, "prev");
      if (prev) backLinks.push(prev);
      path = pagerLink(html, "next");
      if (pages.length === 1) expect(html).toContain(t("customers.list.total", { count: "107" }));
    }
    expect(pages.map((p) => p.length)).toEqual([CUSTOMER_PAGE_SIZE, CUSTOMER_PAGE_SIZE, 7]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(seeded.length);
    expect([...all].sort()).toEqual([...seeded].sort());
    // Back from the last page is the second, back from the second is the first.
    expect(backLinks).toHaveLength(2);
    expect(listedIds(await (await isp.browser.get(backLinks[1] as string)).text())).toEqual(pages[1] as string[]);
    const first = await (await isp.browser.get(backLinks[0] as string)).text();
    expect(listedIds(first)).toEqual(pages[0] as string[]);
    expect(pagerLink(first, "prev")).toBeNull();
  });

  test("the count stops at 10,000: past it the list says “more than”", async () => {
    const isp = await signUp(cp);
    await seedCustomers(
      cp,
      isp.tenantId,
      Array.from({ length: COUNT_CAP + 1 }, (_, i) => ({ name: `Warga ${i}` })),
    );
    const html = await (await isp.browser.get("/customers")).text();
    expect(html).toContain(t("customers.list.totalOver", { count: "10.000" }));
    expect(listedIds(html)).toHaveLength(CUSTOMER_PAGE_SIZE);
  });

  test("a search is paged too, and a cursor that is not ours is the first page", async () => {
    const isp = await signUp(cp);
    await seedCustomers(
      cp,
      isp.tenantId,
      Array.from({ length: CUSTOMER_PAGE_SIZE + 3 }, (_, i) => ({ name: `Warga Santoso ${i}` })),
    );
    await seedCustomers(cp, isp.tenantId, [{ name: "Bukan Dia" }]);
    const html = await (await isp.browser.get("/customers?q=santoso")).text();
    const next = pagerLink(html, "next");
    expect(next).toContain("q=santoso");
    const second = listedIds(await (await isp.browser.get(next as string)).text());
    expect(second).toHaveLength(3);
    expect(listedIds(html)).not.toContain(second[0]);
    for (const junk of ["x", "%%%", Buffer.from('["a","not-a-uuid"]').toString("base64url")]) {
      const res = await isp.browser.get(`/customers?q=santoso&after=${encodeURIComponent(junk)}`);
      expect(res.status).toBe(200);
      expect(listedIds(await res.text())).toEqual(listedIds(html));
    }
  });
});

describe("export", () => {
  async function exported(path: string) {
    const res = await owner.browser.get(path);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { res, bytes, text: new TextDecoder().decode(bytes) };
  }

  test("a UTF-8 attachment with a byte-order mark, of the current search only, formulas guarded", async () => {
    const id = await createVia(owner.browser, { name: '=HYPERLINK("http://evil","klik") Santoso', notes: "@SUM(1)" });
    const { res, bytes, text } = await exported("/customers/export.csv?q=santoso");
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = parseCsv(text);
    if (!csv.ok) throw new Error("unreadable export");
    const [header, ...rows] = csv.records.map((r) => r.cells);
    expect(header).toEqual([
      "name",
      "phone",
      "email",
      "address",
      "latitude",
      "longitude",
      "tags",
      "notes",
      "pppoe_usernames",
    ]);
    const byName = new Map(rows.map((r) => [r[0], r]));
    expect([...byName.keys()].sort()).toEqual(['\'=HYPERLINK("http://evil","klik") Santoso', "Budi Santoso"].sort());
    const evil = byName.get('\'=HYPERLINK("http://evil","klik") Santoso');
    expect(evil?.[1]).toBe("'+6281234567890");
    expect(evil?.[4]).toBe("'-6.2088");
    expect(evil?.[7]).toBe("'@SUM(1)");
    expect(evil?.map(unguardFormula)[6]).toBe("vip, RT 03");
    expect(text).toContain("\r\n");
    expect(text).not.toContain("AGUS SUSANTO");
    expect(id).toBeTruthy();
  });

  test("all customers without a search, usernames included; semicolons when asked", async () => {
    const { text } = await exported("/customers/export.csv?delimiter=semicolon");
    const csv = parseCsv(text);
    expect(csv.ok && csv.delimiter).toBe(";");
    if (!csv.ok) return;
    const dewi = csv.records.find((r) => r.cells[0] === "dewi lestari");
    expect(dewi?.cells[8]).toBe("rt03.dewi");
    expect(csv.records.length - 1).toBeGreaterThanOrEqual(Object.keys(ids).length);
  });

  test("another ISP's customers are never in it", async () => {
    const { text } = await exported("/customers/export.csv?q=santoso");
    expect(text).not.toContain("Lain");
    expect(text).not.toContain("Tetangga");
    const all = await exported("/customers/export.csv");
    expect(all.text).not.toContain("Pemilik Username");
    expect(all.text).not.toContain("+6281234500000");
  });
});
