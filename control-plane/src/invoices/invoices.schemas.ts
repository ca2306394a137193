import { z } from "zod";
import { INVOICE_FILTERS } from "./invoices.usecases.ts";

// Zod objects drop unknown keys: a posted tenant_id or invoice id never reaches a use-case.

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/**
 * The list's filters, from the query string. An unknown status or a broken page number is just
 * "all" or the first page (links get mangled); a customer that is not a UUID is kept as typed
 * so that the route can answer 404, as for any id that is not the tenant's.
 */
export const invoiceListQuery = z.object({
  status: z.enum(INVOICE_FILTERS).catch("").default(""),
  q: z
    .string()
    .trim()
    .transform((v) => v.slice(0, 100))
    .catch("")
    .default(""),
  customer: z.preprocess(blank, z.string().max(100).optional()).catch(undefined),
  page: z.preprocess(blank, z.coerce.number().int().min(1).max(100_000).default(1)).catch(1),
});
export type InvoiceListQuery = z.infer<typeof invoiceListQuery>;

/** Voiding always says why (billed twice, wrong plan): the reason is kept on the invoice and audited. */
export const voidInput = z.object({ reason: z.string().trim().min(3).max(200) });

/**
 * What "run billing now" did, carried on the redirect so that a reload does not run it again.
 * Invoice numbers are the tenant's prefix, a year and digits: anything else is dropped.
 */
const invoiceNumber = z
  .string()
  .max(60)
  .regex(/^[\p{L}\p{N}/._-]+$/u)
  .optional()
  .catch(undefined);
export const billedQuery = z.object({
  done: z.enum(["billed", "voided"]).optional().catch(undefined),
  n: z.coerce.number().int().min(0).max(10_000_000).optional().catch(undefined),
  first: invoiceNumber,
  last: invoiceNumber,
  restored: z.coerce.number().int().min(0).max(100_000).optional().catch(undefined),
});
