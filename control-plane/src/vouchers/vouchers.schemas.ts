import { parseAmount } from "@kilusi/shared/money";
import { z } from "zod";
import { MAX_BATCH, MAX_CODE_LENGTH, MIN_CODE_LENGTH, voucherStates } from "../billing/vouchers.models.ts";
import { isUuid } from "../team/team.schemas.ts";

// Zod objects drop unknown keys: a posted tenant_id, batch id or state never reaches a use-case.

export const DEFAULT_CODE_LENGTH = 6;

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** A whole number as people type it: "1000", "1.000" or "1,000" (grouped by thousands). */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^(\d{1,6}|\d{1,3}([.,]\d{3})+)$/)
    .transform((v) => Number(v.replaceAll(/[.,]/g, "")))
    .pipe(z.number().int().min(min).max(max));

/** An amount in the tenant's currency, or null when left empty. */
const amount = (currency: string) =>
  z
    .string()
    .trim()
    .max(40)
    .transform((v, ctx) => {
      if (v === "") return null;
      const parsed = parseAmount(v, currency);
      if (parsed.ok) return parsed.minor;
      ctx.addIssue({ code: "custom", message: parsed.code });
      return z.NEVER;
    });

/**
 * The new-batch form. The prefix is taken as typed, not upper-cased for the person: what is
 * printed must be what they asked for, so lower case is an error they see, not a silent change.
 */
export const batchInput = (currency: string) =>
  z.object({
    planId: z.string().refine(isUuid),
    siteId: z.preprocess(blank, z.string().refine(isUuid).nullable().default(null)),
    count: wholeNumber(1, MAX_BATCH),
    prefix: z
      .string()
      .trim()
      .regex(/^[A-Z0-9-]{0,12}$/)
      .default(""),
    codeLength: z.preprocess(
      (v) => blank(v) ?? String(DEFAULT_CODE_LENGTH),
      wholeNumber(MIN_CODE_LENGTH, MAX_CODE_LENGTH),
    ),
    price: amount(currency).default(null),
    resellerPrice: amount(currency).default(null),
  });
export type BatchInput = z.infer<ReturnType<typeof batchInput>>;

/** "Sold to": a reseller or a warung, as typed; may be left empty for a sale at the counter. */
const soldTo = z
  .string()
  .trim()
  .max(100)
  .default("")
  .transform((v) => (v === "" ? null : v));

export const sellOneInput = z.object({ soldTo });

/** Selling from a batch: the first `count` new vouchers (in code order), or all of them when empty. */
export const sellManyInput = z.object({
  soldTo,
  count: z.preprocess(blank, wholeNumber(1, MAX_BATCH).nullable().default(null)),
});

/** Voiding always says why (a lost sheet, a refund): the reason goes to the audit log. */
export const voidInput = z.object({ reason: z.string().trim().min(3).max(200) });

export const VOUCHER_PAGE_SIZE = 50;
export const BATCH_PAGE_SIZE = 30;

const page = z.preprocess(blank, z.coerce.number().int().min(1).max(100_000).default(1));

/** Filters of the batch page, from the query string; anything unreadable is just "any". */
export const voucherQuery = z.object({
  state: z.preprocess(blank, z.enum(voucherStates).optional()).catch(undefined),
  // Codes are at most 44 of A–Z, 0–9 and "-": anything else cannot match, so it is dropped
  // (spaces typed between groups, a NUL byte), and a longer search is cut, not refused.
  q: z.preprocess(
    blank,
    z
      .string()
      .transform(
        (v) =>
          v
            .toUpperCase()
            .replaceAll(/[^A-Z0-9-]/g, "")
            .slice(0, 50) || undefined,
      )
      .optional(),
  ),
  page: page.catch(1),
});
export type VoucherQuery = z.infer<typeof voucherQuery>;

export const batchListQuery = z.object({ page: page.catch(1) });

/** The printable sheet: new and sold vouchers only, optionally one of the two; a few sheets at a time. */
export const printQuery = z.object({
  state: z.preprocess(blank, z.enum(["new", "sold"]).optional()).catch(undefined),
  page: page.catch(1),
});
