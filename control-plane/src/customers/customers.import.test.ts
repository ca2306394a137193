import { describe, expect, test } from "bun:test";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, normalizeHeader, readImport } from "./customers.import.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const read = (text: string) => readImport(bytes(text));

function issuesOf(text: string) {
  const r = read(text);
  if (!r.ok) throw new Error(`file refused: ${r.error.key}`);
  return r.issues.map((i) => [i.row, i.column, i.key, i.value] as const);
}

describe("readImport: the header", () => {
  test.each([
    ["No. HP", "no_hp"],
    [" E-mail ", "e_mail"],
    ["Nama Pelanggan", "nama_pelanggan"],
    ["Catatan:", "catatan"],
  ])("normalizeHeader(%p) → %p", (header, normalized) => {
    expect(normalizeHeader(header)).toBe(normalized);
  });

  test("columns in any order, Indonesian names, unknown columns ignored and told", () => {
    const r = read(
      "\uFEFFAlamat;No HP;Nama;ID Lama;Catatan;Label\r\n" +
        'Jl. Merdeka 1;0812-3456-7890;Budi Santoso;C-001;"Pasang; lantai 2";vip, RT 03\r\n',
    );
    expect(r).toMatchObject({ ok: true, delimiter: ";", issues: [], badRows: 0, ignoredColumns: ["ID Lama"] });
    if (!r.ok) return;
    expect(r.rows).toEqual([
      {
        row: 2,
        input: {
          name: "Budi Santoso",
          phone: "+6281234567890",
          email: null,
          address: "Jl. Merdeka 1",
          latitude: null,
          longitude: null,
          tags: ["vip", "RT 03"],
          notes: "Pasang; lantai 2",
        },
      },
    ]);
  });

  test.each([
    ["", "customers.import.error.empty"],
    ["\n;;\n;\n", "customers.import.error.empty"],
    ["phone,email\n0812345678,a@b.co\n", "customers.import.error.noName"],
    ["name,nama\nA,B\n", "customers.import.error.duplicateColumn"],
    ["name,phone\n", "customers.import.error.noRows"],
    ['name\n"Budi\n', "customers.import.error.unterminated"],
  ])("%p is refused as a file: %p", (text, key) => {
    expect(read(text)).toMatchObject({ ok: false, error: { key } });
  });

  test("a file that is not UTF-8 (Excel's 'CSV (Comma delimited)' in Windows-1252)", () => {
    expect(readImport(new Uint8Array([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0x4a, 0x6f, 0x73, 0xe9, 0x0a]))).toMatchObject({
      ok: false,
      error: { key: "customers.import.error.notUtf8" },
    });
  });

  test("limits: 5,000 rows and 2 MB", () => {
    const rows = (n: number) => `name\n${Array.from({ length: n }, (_, i) => `Pelanggan ${i}`).join("\n")}\n`;
    expect(read(rows(IMPORT_MAX_ROWS))).toMatchObject({ ok: true, badRows: 0 });
    expect(read(rows(IMPORT_MAX_ROWS + 1))).toMatchObject({
      ok: false,
      error: { key: "customers.import.error.tooManyRows", params: { max: IMPORT_MAX_ROWS, rows: IMPORT_MAX_ROWS + 1 } },
    });
    expect(readImport(new Uint8Array(IMPORT_MAX_BYTES + 1).fill(0x61))).toMatchObject({
      ok: false,
      error: { key: "customers.import.error.tooLarge" },
    });
  });
});

describe("readImport: every bad row, by the form's rules", () => {
  test("each mistake with its row (as in the file), its column (as the file names it) and its value", () => {
    const text = [
      "nama,telepon,email,latitude,longitude,tags",
      "Budi,0812 3456 7890,budi@example.com,-6.2,106.8,vip",
      ",12345,not-an-email,91,106.8,",
      "",
      "Siti,0813 1111 2222,,-6.2,,",
      `Agus,+62 813 1111 2222,,,,${"x".repeat(33)}`,
      "Dewi,,,,,,extra",
    ].join("\r\n");
    expect(issuesOf(text)).toEqual([
      [3, "nama", "customers.error.nameRequired", ""],
      [3, "telepon", "customers.error.phone", "12345"],
      [3, "email", "customers.error.email", "not-an-email"],
      [3, "latitude", "customers.error.latitudeRange", "91"],
      [5, "longitude", "customers.error.pointIncomplete", ""],
      [6, "tags", "customers.error.tagsTooLong", "x".repeat(33)],
      [6, "telepon", "customers.import.issue.duplicatePhone", "+62 813 1111 2222"],
      [7, "", "customers.import.issue.extraCells", "extra"],
    ]);
    const r = read(text);
    expect(r.ok && [r.badRows, r.rows.map((x) => x.row)]).toEqual([4, [2]]);
  });

  test("a duplicate phone names the row it repeats, in any spelling of the number", () => {
    const r = read("name,phone\nA,0812 3456 7890\nB,0813 0000 0000\nC,+6281234567890\nD,62812-3456-7890\n");
    expect(r.ok && r.issues.map((i) => [i.row, i.key, i.params])).toEqual([
      [4, "customers.import.issue.duplicatePhone", { row: 2 }],
      [5, "customers.import.issue.duplicatePhone", { row: 2 }],
    ]);
  });

  test("short rows are padded with empty cells; a lat, lng pair in the latitude column is split", () => {
    const r = read('name,phone,latitude\nBudi\nSiti,,"-6.2, 106.8"\n');
    expect(r.ok && r.rows.map((x) => [x.input.name, x.input.latitude, x.input.longitude])).toEqual([
      ["Budi", null, null],
      ["Siti", -6.2, 106.8],
    ]);
  });

  test("our own export reads back: formula guards are undone", () => {
    const r = read("name,phone,latitude,longitude\n'=Budi,'+6281234567890,'-6.2,106.8\n");
    expect(r.ok && r.rows[0]?.input).toMatchObject({ name: "=Budi", phone: "+6281234567890", latitude: -6.2 });
  });
});
