// Reading what a person sees on the reports pages and in the CSV files, for the tests. Not
// imported by the application.

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/[ \t\r\n]+/g, " ")
    .trim();

/** A headline tile by id: the exact value of its <data>, the value as shown, and all its text. */
export function tile(html: string, id: string): { value: string; shown: string; text: string } {
  const match = new RegExp(`<li[^>]*id="${id}"[^>]*>([\\s\\S]*?)</li>`).exec(html);
  if (!match?.[1]) throw new Error(`no tile ${id}`);
  const data = /<data[^>]*value="([^"]*)"[^>]*>([^<]*)<\/data>/.exec(match[1]);
  return { value: data?.[1] ?? "", shown: data?.[2] ?? "", text: text(match[1]) };
}

/** The body rows of the table with this id, each as its cells' text. */
export function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table[^>]*id="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(html)?.[1];
  if (!table) throw new Error(`no table ${id}`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? "").matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => text(cell[1] ?? "")),
  );
}

/** RFC 4180 rows (quoted cells, doubled quotes, CRLF). */
export function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i];
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else if (ch !== "\r") cell += ch;
  }
  return rows;
}

/** A CSV download: its headers, whether it starts with a byte-order mark, and its rows. */
export async function download(res: Response) {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = new TextDecoder("utf-8", { ignoreBOM: false }).decode(bytes);
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    disposition: res.headers.get("content-disposition"),
    bom,
    raw: body,
    rows: parseCsv(body),
  };
}
