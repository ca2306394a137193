import { describe, expect, test } from "bun:test";
import {
  type Delimiter,
  detectDelimiter,
  guardFormula,
  isBlank,
  parseCsv,
  toCsv,
  unguardFormula,
} from "./customers.csv.ts";

const cells = (text: string) => {
  const result = parseCsv(text);
  if (!result.ok) throw new Error(`unreadable: ${result.error}`);
  return result.records.map((r) => r.cells);
};

describe("parseCsv: RFC 4180 as spreadsheets write it", () => {
  test.each<[string, string, string[][]]>([
    [
      "plain",
      "a,b,c\n1,2,3\n",
      [
        ["a", "b", "c"],
        ["1", "2", "3"],
      ],
    ],
    [
      "CRLF line ends",
      "a,b\r\n1,2\r\n",
      [
        ["a", "b"],
        ["1", "2"],
      ],
    ],
    [
      "old Mac CR line ends",
      "a,b\r1,2\r",
      [
        ["a", "b"],
        ["1", "2"],
      ],
    ],
    [
      "no line end at the end",
      "a,b\n1,2",
      [
        ["a", "b"],
        ["1", "2"],
      ],
    ],
    [
      "byte-order mark",
      "\uFEFFnama,hp\nBudi,0812\n",
      [
        ["nama", "hp"],
        ["Budi", "0812"],
      ],
    ],
    [
      "quoted delimiter",
      'a,b\n"Santoso, Budi",2\n',
      [
        ["a", "b"],
        ["Santoso, Budi", "2"],
      ],
    ],
    ["doubled quote", 'a\n"Toko ""Maju"""\n', [["a"], ['Toko "Maju"']]],
    [
      "embedded LF",
      'a,b\n"Jl. Merdeka\nRT 03",2\n',
      [
        ["a", "b"],
        ["Jl. Merdeka\nRT 03", "2"],
      ],
    ],
    [
      "embedded CRLF becomes LF",
      'a,b\r\n"baris 1\r\nbaris 2",x\r\n',
      [
        ["a", "b"],
        ["baris 1\nbaris 2", "x"],
      ],
    ],
    [
      "empty quoted cell",
      'a,b,c\n"",x,""\n',
      [
        ["a", "b", "c"],
        ["", "x", ""],
      ],
    ],
    [
      "empty cells",
      "a,b,c\n,,\n",
      [
        ["a", "b", "c"],
        ["", "", ""],
      ],
    ],
    ["quote inside an unquoted cell stays", 'a\n5" pipe\n', [["a"], ['5" pipe']]],
    ["text after a closing quote joins the cell", 'a\n"abc"def\n', [["a"], ["abcdef"]]],
    ["spaces are kept (the caller trims)", "a , b\n", [["a ", " b"]]],
    ["ragged rows", "a,b,c\n1\n1,2,3,4\n", [["a", "b", "c"], ["1"], ["1", "2", "3", "4"]]],
    ["blank lines are records", "a\n\nb\n", [["a"], [""], ["b"]]],
    ["empty text", "", []],
  ])("%s", (_name, text, expected) => {
    expect(cells(text)).toEqual(expected);
  });

  test("semicolons, as Indonesian Excel writes, are found from the header", () => {
    const result = parseCsv('nama;hp;alamat\nBudi;0812;"Jl. A; No. 1, RT 3"\n');
    expect(result).toMatchObject({ ok: true, delimiter: ";" });
    if (result.ok) expect(result.records[1]?.cells).toEqual(["Budi", "0812", "Jl. A; No. 1, RT 3"]);
  });

  test("row numbers are the spreadsheet's: one per record, whatever lines a cell spans", () => {
    const result = parseCsv('name,notes\nA,"two\nlines"\n\nB,x\n');
    expect(result.ok && result.records.map((r) => [r.row, r.cells[0]])).toEqual([
      [1, "name"],
      [2, "A"],
      [3, ""],
      [4, "B"],
    ]);
  });

  test("an unterminated quote makes the text unreadable, naming where it opened", () => {
    expect(parseCsv('name\nA\n"B,\nC\n')).toEqual({ ok: false, error: "unterminated_quote", row: 3 });
  });
});

describe("detectDelimiter", () => {
  test.each<[string, Delimiter]>([
    ["a,b,c\n", ","],
    ["a;b;c\n", ";"],
    ["a;b,c;d\n", ";"],
    ['"a;b;c",d\n', ","],
    ["name\n1;2;3;4\n", ","],
    ["\r\n\nnama;hp\n", ";"],
    ["", ","],
  ])("%p → %p", (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });
});

describe("isBlank", () => {
  test("empty lines and lines of only delimiters, as Excel leaves at the end", () => {
    expect(isBlank([""])).toBe(true);
    expect(isBlank(["", " ", ""])).toBe(true);
    expect(isBlank(["", "x"])).toBe(false);
  });
});

describe("writing: formulas guarded, cells quoted when needed", () => {
  test.each<[string, string]>([
    ['=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'],
    ["+6281234567890", "'+6281234567890"],
    ["-6.2", "'-6.2"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    ["\rx", "'\rx"],
    ["Budi", "Budi"],
    ["a=b", "a=b"],
  ])("guardFormula(%p) → %p, and back", (cell, guarded) => {
    expect(guardFormula(cell)).toBe(guarded);
    expect(unguardFormula(guarded)).toBe(cell);
  });

  test("an apostrophe people typed stays", () => {
    expect(unguardFormula("'Budi")).toBe("'Budi");
  });

  test("quotes what needs it, CRLF line ends, and reads back the same", () => {
    const records = [
      ["name", "notes"],
      ["Santoso, Budi", 'Toko "Maju"\nlantai 2'],
      ["=1+1", ""],
    ];
    const text = toCsv(records, ",");
    expect(text).toBe('name,notes\r\n"Santoso, Budi","Toko ""Maju""\nlantai 2"\r\n\'=1+1,\r\n');
    expect(cells(text).map((r) => r.map(unguardFormula))).toEqual(records);
    expect(toCsv([["a;b", "c,d"]], ";")).toBe('"a;b";c,d\r\n');
  });
});
