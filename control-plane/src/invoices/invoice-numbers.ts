import { sql } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { rowsOf } from "../db/rows.ts";

/**
 * The next `count` invoice numbers of the year, taken in the caller's transaction: the counter
 * row stays locked until it ends, and a rollback gives the numbers back, so there are no gaps.
 */
export async function takeInvoiceNumbers(tx: Tx, tenantId: string, year: number, count = 1): Promise<number[]> {
  const [row] = rowsOf<{ last: number }>(
    await tx.execute(sql`insert into invoice_counters (tenant_id, year, last_seq) values (${tenantId}, ${year}, ${count})
      on conflict (tenant_id, year) do update set last_seq = invoice_counters.last_seq + ${count}
      returning last_seq as "last"`),
  );
  const last = Number(row?.last);
  return Array.from({ length: count }, (_, i) => last - count + 1 + i);
}

/** As printed: `INV/2026/000123` (six digits at least, more when a year needs them). */
export function invoiceNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}/${year}/${String(seq).padStart(6, "0")}`;
}
