// Spreadsheets run a cell that starts with one of these as a formula (CSV injection); a leading
// apostrophe makes it text. Tab and carriage return start formulas in some of them too.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formula starts defused, quoted when it holds a separator, a quote or a newline. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * A CSV file as spreadsheets open it: UTF-8 with a byte-order mark (so Excel reads names with
 * accents right), CRLF line ends (RFC 4180).
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
