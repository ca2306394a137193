// Reading a customer import: bytes of a CSV in, either a reason the file cannot be read or every
// row checked by the customer form's own rules. Pure; the use-case writes what this accepts.
import { toE164 } from "@kilusi/shared/phone";
import type { MessageKey } from "@kilusi/web/i18n/i18n.ts";
import { type CsvRecord, type Delimiter, isBlank, parseCsv, unguardFormula } from "./customers.csv.ts";
import {
  type CustomerErrorKey,
  type CustomerField,
  type CustomerInput,
  customerFields,
  parseCustomer,
} from "./customers.schemas.ts";

export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 5000;

/** Header names people use, after normalizeHeader; Indonesian first. */
const ALIASES: Readonly<Record<string, CustomerField>> = {
  name: "name",
  nama: "name",
  nama_pelanggan: "name",
  nama_lengkap: "name",
  pelanggan: "name",
  customer: "name",
  customer_name: "name",
  phone: "phone",
  phone_number: "phone",
  mobile: "phone",
  telepon: "phone",
  telp: "phone",
  no_telp: "phone",
  no_telepon: "phone",
  nomor_telepon: "phone",
  hp: "phone",
  no_hp: "phone",
  nomor_hp: "phone",
  wa: "phone",
  no_wa: "phone",
  whatsapp: "phone",
  email: "email",
  e_mail: "email",
  surel: "email",
  address: "address",
  alamat: "address",
  latitude: "latitude",
  lat: "latitude",
  lintang: "latitude",
  longitude: "longitude",
  lng: "longitude",
  lon: "longitude",
  long: "longitude",
  bujur: "longitude",
  tags: "tags",
  tag: "tags",
  label: "tags",
  notes: "notes",
  note: "notes",
  catatan: "notes",
  keterangan: "notes",
};

/** "No. HP" → "no_hp", " E-mail " → "e_mail". */
export function normalizeHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s.\-/]+/g, "_")
    .replace(/[^a-z0-9_]/g, "")
    .replace(/^_+|_+$/g, "");
}

export type ImportFileErrorKey = Extract<MessageKey, `customers.import.error.${string}`>;
export type ImportFileError = { key: ImportFileErrorKey; params?: Record<string, string | number> };

export type RowIssueKey =
  | CustomerErrorKey
  | "customers.import.issue.extraCells"
  | "customers.import.issue.duplicatePhone";

/** One bad cell (or row): where it is in the file, what is wrong, and what it says. */
export interface ImportIssue {
  row: number;
  /** The column's header as the file writes it; empty for the row as a whole. */
  column: string;
  key: RowIssueKey;
  params?: Record<string, string | number>;
  value: string;
}

export type ImportReading =
  | { ok: false; error: ImportFileError }
  | {
      ok: true;
      delimiter: Delimiter;
      /** Rows that passed, with their row number; all of them are written, or none. */
      rows: { row: number; input: CustomerInput }[];
      issues: ImportIssue[];
      /** Rows with at least one issue. */
      badRows: number;
      /** Header cells that name no customer field, as the file writes them. */
      ignoredColumns: string[];
    };

const fileError = (key: ImportFileErrorKey, params?: ImportFileError["params"]) =>
  ({ ok: false, error: { key, ...(params ? { params } : {}) } }) as const;

/** The text of an upload: UTF-8 only (with or without a byte-order mark). */
export function decodeUpload(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

export function readImport(bytes: Uint8Array): ImportReading {
  if (bytes.byteLength > IMPORT_MAX_BYTES) return fileError("customers.import.error.tooLarge");
  const text = decodeUpload(bytes);
  if (text === null) return fileError("customers.import.error.notUtf8");
  const csv = parseCsv(text);
  if (!csv.ok) return fileError("customers.import.error.unterminated", { row: csv.row });
  const [header, ...rest] = csv.records.filter((r) => !isBlank(r.cells));
  if (!header) return fileError("customers.import.error.empty");

  const columnOf = new Map<CustomerField, number>();
  const ignoredColumns: string[] = [];
  for (const [i, cell] of header.cells.entries()) {
    const field = ALIASES[normalizeHeader(cell)];
    if (!field) {
      if (cell.trim() !== "") ignoredColumns.push(cell.trim());
      continue;
    }
    if (columnOf.has(field)) return fileError("customers.import.error.duplicateColumn", { column: cell.trim() });
    columnOf.set(field, i);
  }
  if (!columnOf.has("name")) return fileError("customers.import.error.noName");
  if (rest.length === 0) return fileError("customers.import.error.noRows");
  if (rest.length > IMPORT_MAX_ROWS) {
    return fileError("customers.import.error.tooManyRows", { max: IMPORT_MAX_ROWS, rows: rest.length });
  }

  const headerText = (field: CustomerField) => header.cells[columnOf.get(field) ?? -1]?.trim() ?? field;
  const rows: { row: number; input: CustomerInput }[] = [];
  const issues: ImportIssue[] = [];
  const firstRowOfPhone = new Map<string, number>();
  let badRows = 0;
  for (const record of rest) {
    const rowIssues = checkRow(record, header.cells.length, columnOf, headerText, firstRowOfPhone);
    if (rowIssues.issues.length > 0) {
      badRows++;
      issues.push(...rowIssues.issues);
    } else if (rowIssues.input) {
      rows.push({ row: record.row, input: rowIssues.input });
    }
  }
  return { ok: true, delimiter: csv.delimiter, rows, issues, badRows, ignoredColumns };
}

function checkRow(
  record: CsvRecord,
  width: number,
  columnOf: ReadonlyMap<CustomerField, number>,
  headerText: (field: CustomerField) => string,
  firstRowOfPhone: Map<string, number>,
): { issues: ImportIssue[]; input?: CustomerInput } {
  // What our own export guarded against formulas comes back as it was.
  const cell = (field: CustomerField) => unguardFormula(record.cells[columnOf.get(field) ?? -1] ?? "");
  const raw = Object.fromEntries(customerFields.map((f) => [f, cell(f)]));
  const issues: ImportIssue[] = [];
  const extra = record.cells.slice(width).filter((c) => c.trim() !== "");
  if (extra.length > 0) {
    issues.push({ row: record.row, column: "", key: "customers.import.issue.extraCells", value: extra.join(" | ") });
  }
  const parsed = parseCustomer(raw);
  if (!parsed.ok) {
    for (const issue of parsed.issues) {
      issues.push({ row: record.row, column: headerText(issue.field), key: issue.key, value: raw[issue.field] ?? "" });
    }
  }
  // Duplicates are told even on a row with other mistakes, so one check finds them all.
  const phone = raw.phone?.trim() ? toE164(raw.phone.trim()) : null;
  if (phone) {
    const first = firstRowOfPhone.get(phone);
    if (first === undefined) firstRowOfPhone.set(phone, record.row);
    else {
      issues.push({
        row: record.row,
        column: headerText("phone"),
        key: "customers.import.issue.duplicatePhone",
        params: { row: first },
        value: raw.phone ?? "",
      });
    }
  }
  return issues.length === 0 && parsed.ok ? { issues, input: parsed.value } : { issues };
}
