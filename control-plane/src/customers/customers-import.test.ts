import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { signUp } from "../accounts/accounts.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { escaped, expectEscaped, htmx, join } from "../team/team.testing.ts";
import { IMPORT_MAX_BYTES } from "./customers.import.ts";
import { auditOf, customersOf, uploadCsv } from "./customers.testing.ts";

const t = translator("id");
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane();
}, 60_000);
afterAll(() => cp.close());

const row = (n: number) => `${t("customers.import.report.row")} ${n}`;

/** The report's rows: [row, column, problem, value] as the page shows them. */
function reportRows(html: string): string[][] {
  const table = /<table class="data-table" id="import-issues">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? "";
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
    .slice(1)
    .map((m) =>
      [...(m[1] ?? "").matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => (c[1] ?? "").replace(/<[^>]+>/g, "")),
    );
}

const GOOD = [
  "\uFEFFnama;telepon;email;alamat;latitude;longitude;tags;catatan;kode lama",
  'Budi Santoso;0812 3456 7890;Budi@Example.com;"Jl. Merdeka 1; RT 03";-6,2088;106,8456;vip, RT 03;"baris 1',
  'baris 2";C-001',
  "Siti Rahayu;+62 813 1111 2222;;;;;;;C-002",
  "Agus;62857 0000 1111;;;;;;;",
  ";;;;;;;;",
].join("\r\n");

describe("CSV import", () => {
  test("the page explains the columns and offers an example file", async () => {
    const owner = await signUp(cp);
    const page = await (await owner.browser.get("/customers/import")).text();
    expect(page).toContain('<label class="adm-label" for="import-file">');
    expect(page).toContain('name="mode" value="check"');
    expect(page).toContain('name="mode" value="import"');
    const template = await owner.browser.get("/customers/import/template.csv");
    expect(template.headers.get("content-disposition")).toStartWith("attachment");
    // The example file imports as it is.
    const check = await uploadCsv(owner.browser, new Uint8Array(await template.arrayBuffer()), "check");
    expect(check.status).toBe(200);
    expect(await check.text()).toContain(escaped(t("customers.import.report.allGood", { rows: "1" })));
  });

  test("a file that is fine: Check writes nothing, Import writes every row at once, audited once", async () => {
    const owner = await signUp(cp);
    const check = await uploadCsv(owner.browser, GOOD, "check");
    expect(check.status).toBe(200);
    const report = await check.text();
    expect(report).toContain(escaped(t("customers.import.report.allGood", { rows: "3" })));
    expect(report).toContain(escaped(t("customers.import.report.ignored", { columns: "kode lama" })));
    expect(await customersOf(cp, owner.tenantId)).toEqual([]);

    const res = await uploadCsv(owner.browser, GOOD, "import");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/customers?done=imported&count=3");
    const rows = await customersOf(cp, owner.tenantId);
    expect(rows.map((r) => [r.name, r.phoneE164, r.email, r.latitude, r.tags, r.notes]).sort()).toEqual(
      [
        ["Agus", "+6285700001111", null, null, [], null],
        ["Budi Santoso", "+6281234567890", "budi@example.com", -6.2088, ["vip", "RT 03"], "baris 1\nbaris 2"],
        ["Siti Rahayu", "+6281311112222", null, null, [], null],
      ].sort(),
    );
    const audits = await auditOf(cp, owner.tenantId, "customers.imported");
    expect(audits.map((a) => [a.actorUserId, a.after])).toEqual([[owner.user.id, { count: 3, file: "pelanggan.csv" }]]);
    expect(await (await owner.browser.get("/customers?done=imported&count=3")).text()).toContain(
      t("customers.notice.imported", { count: "3" }),
    );
  });

  test("a file with broken rows: every bad row reported, zero customers written, by Check and by Import", async () => {
    const owner = await signUp(cp);
    const text = [
      "name,phone,email,latitude,longitude",
      "Budi,0812 3456 7890,budi@example.com,-6.2,106.8",
      "Siti,12345,,,",
      ",0813 2222 3333,,,",
      "Agus,,agus@,91,106.8",
      "Dewi,0812-3456-7890,,,",
    ].join("\n");
    for (const mode of ["check", "import"] as const) {
      const res = await uploadCsv(owner.browser, text, mode);
      expect(res.status).toBe(422);
      const html = await res.text();
      const key = mode === "import" ? "customers.import.report.refused" : "customers.import.report.bad";
      expect(html).toContain(escaped(t(key, { bad: "4", rows: "5" })));
      expect(reportRows(html)).toEqual([
        [row(3), "phone", t("customers.error.phone"), "12345"],
        [row(4), "name", t("customers.error.nameRequired"), t("customers.import.report.empty")],
        [row(5), "email", t("customers.error.email"), "agus@"],
        [row(5), "latitude", t("customers.error.latitudeRange"), "91"],
        [row(6), "phone", t("customers.import.issue.duplicatePhone", { row: 2 }), "0812-3456-7890"],
      ]);
    }
    expect(await customersOf(cp, owner.tenantId)).toEqual([]);
    expect(await auditOf(cp, owner.tenantId, "customers.imported")).toEqual([]);
  });

  test("htmx gets the report alone, so the chosen file stays for Import; a good import redirects", async () => {
    const owner = await signUp(cp);
    const check = await uploadCsv(owner.browser, "name\nBudi\nSiti\n", "check", htmx);
    expect(check.status).toBe(200);
    const html = await check.text();
    expect(html).toStartWith('<section id="import-result"');
    expect(html).not.toContain("<html");
    const res = await uploadCsv(owner.browser, "name\nBudi\nSiti\n", "import", htmx);
    expect(res.status).toBe(204);
    expect(res.headers.get("hx-redirect")).toBe("/customers?done=imported&count=2");
    expect((await customersOf(cp, owner.tenantId)).length).toBe(2);
  });

  test.each([
    ["no name column", "telepon\n0812 3456 7890\n", 400, "customers.import.error.noName"],
    ["an unterminated quote", 'nama\n"Budi\n', 400, "customers.import.error.unterminated"],
    ["only a header", "nama,hp\r\n", 400, "customers.import.error.noRows"],
    [
      "not UTF-8",
      new Uint8Array([0x6e, 0x61, 0x6d, 0x61, 0x0a, 0x4a, 0x6f, 0x73, 0xe9, 0x0a]),
      400,
      "customers.import.error.notUtf8",
    ],
    ["too many rows", `name\n${"Budi\n".repeat(5001)}`, 400, "customers.import.error.tooManyRows"],
    ["over 2 MB", `name\n${"x".repeat(IMPORT_MAX_BYTES)}\n`, 413, "customers.import.error.tooLarge"],
  ] as const)("%s: the file is refused with why, nothing written", async (_what, text, status, key) => {
    const owner = await signUp(cp);
    const res = await uploadCsv(owner.browser, text, "import");
    expect(res.status).toBe(status);
    const html = await res.text();
    const params = { row: 2, rows: 5001, max: 5000 };
    expect(html).toContain(escaped((t as (k: string, p: object) => string)(key, params)));
    expect(await customersOf(cp, owner.tenantId)).toEqual([]);
  });

  test("no file chosen", async () => {
    const owner = await signUp(cp);
    const body = new FormData();
    body.set("mode", "check");
    const res = await owner.browser.request("/customers/import", { method: "POST", body });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(t("customers.import.error.missing"));
  });

  test("markup in the file, and in its name, is shown as text in the report", async () => {
    const owner = await signUp(cp);
    const script = "<script>alert(1)</script>";
    const img = '"><img src=x onerror=alert(1)>';
    const quoted = `"${img.replaceAll('"', '""')}"`;
    const text = `name,phone,email,${script}\n${script},${quoted},${script},x\n`;
    const res = await uploadCsv(owner.browser, text, "check", {}, `${script}.csv`);
    expect(res.status).toBe(422);
    const html = await res.text();
    expectEscaped(html, script);
    expectEscaped(html, img);
    expect(html).not.toContain("<script>alert");
    expect(await customersOf(cp, owner.tenantId)).toEqual([]);
  });

  test("what the export writes, the import reads back", async () => {
    const owner = await signUp(cp);
    await uploadCsv(owner.browser, GOOD, "import");
    for (const delimiter of ["", "?delimiter=semicolon"]) {
      const exported = new Uint8Array(
        await (await owner.browser.get(`/customers/export.csv${delimiter}`)).arrayBuffer(),
      );
      const isp = await signUp(cp);
      expect((await uploadCsv(isp.browser, exported, "import")).status).toBe(303);
      const project = (rows: Awaited<ReturnType<typeof customersOf>>) =>
        rows.map((r) => [r.name, r.phoneE164, r.email, r.address, r.latitude, r.longitude, r.tags, r.notes]).sort();
      expect(project(await customersOf(cp, isp.tenantId))).toEqual(project(await customersOf(cp, owner.tenantId)));
    }
  });

  test("a technician cannot import (404), nothing written", async () => {
    const owner = await signUp(cp);
    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    expect((await uploadCsv(tech.browser, "name\nBudi\n", "import")).status).toBe(404);
    expect(await customersOf(cp, owner.tenantId)).toEqual([]);
  });
});
