// CSV as spreadsheets write it (RFC 4180): read for the customer import, written for the export.
// Pure: text in, records out. Indonesian Excel separates with ";" (the comma is the decimal
// mark there), so the delimiter is read from the header line.

export type Delimiter = "," | ";";

/** One record: its cells and its row number as a spreadsheet shows it (the header is row 1). */
export interface CsvRecord {
  row: number;
  cells: string[];
}

export type CsvResult =
  | { ok: true; delimiter: Delimiter; records: CsvRecord[] }
  | { ok: false; error: "unterminated_quote"; row: number };

/** The delimiter of the first line with text: the more frequent of ";" and "," outside quotes (a tie is ","). */
export function detectDelimiter(text: string): Delimiter {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  let seen = false;
  for (const ch of text) {
    const lineEnd = ch === "\n" || ch === "\r";
    if (!quoted && lineEnd && seen) break;
    if (!lineEnd) seen = true;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ",") commas++;
    else if (!quoted && ch === ";") semicolons++;
  }
  return semicolons > commas ? ";" : ",";
}

/**
 * Every record of the text with its cells, quotes undone ("" is one "). Line ends may be CRLF,
 * LF or CR; a quoted cell may hold delimiters and line ends; a leading byte-order mark is
 * dropped. A quote inside an unquoted cell is kept as it is, and text after a closing quote
 * joins the cell, as spreadsheets read them. Records may have different lengths: the caller
 * decides what a short or long one means. Only an unterminated quote makes the text unreadable.
 */
export function parseCsv(
  input: string,
  delimiter: Delimiter = detectDelimiter(input.replace(/^\uFEFF/, "")),
): CsvResult {
  const text = input.replace(/^\uFEFF/, "");
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let row = 1;
  let i = 0;
  // Only a quote that opens a cell quotes it.
  let atCellStart = true;
  const endCell = () => {
    cells.push(cell);
    cell = "";
    atCellStart = true;
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"' && atCellStart) {
      const from = row;
      atCellStart = false;
      i++;
      for (;;) {
        if (i >= text.length) return { ok: false, error: "unterminated_quote", row: from };
        const q = text[i] as string;
        if (q === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (q === '"') {
          i++;
          break;
        } else {
          // A line end inside a cell is kept as LF, whichever the file uses.
          if (q === "\r" && text[i + 1] === "\n") i++;
          cell += q === "\r" ? "\n" : q;
          i++;
        }
      }
      continue;
    }
    atCellStart = false;
    if (ch === delimiter) {
      endCell();
      i++;
    } else if (ch === "\n" || ch === "\r") {
      endCell();
      records.push({ row, cells });
      cells = [];
      row++;
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
    } else {
      cell += ch;
      i++;
    }
  }
  // A last line without its line end is still a record; a final line end makes none.
  if (!atCellStart || cells.length > 0) {
    endCell();
    records.push({ row, cells });
  }
  return { ok: true, delimiter, records };
}

/** A record with nothing in it (an empty line, or only delimiters, as spreadsheets leave at the end). */
export const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === "");

// Excel and LibreOffice run a cell that starts with one of these as a formula (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell prefixed with an apostrophe when a spreadsheet would read it as a formula. */
export function guardFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** Undoes guardFormula for a cell read back from our own export. */
export function unguardFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

const quote = (cell: string, delimiter: Delimiter) =>
  cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;

/** Records as CSV text, CRLF line ends, every cell guarded against formulas and quoted when needed. */
export function toCsv(records: readonly (readonly string[])[], delimiter: Delimiter): string {
  const lines = records.map((r) => r.map((c) => quote(guardFormula(c), delimiter)).join(delimiter));
  return lines.map((line) => `${line}\r\n`).join("");
}
