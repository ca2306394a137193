import { z } from "zod";
import { validatePolicy } from "./dunning.models.ts";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const routerName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,64}$/);

/** Empty means "none": the column is null. */
const orNone = (rule: z.ZodType<string, string>) =>
  z
    .string()
    .optional()
    .default("")
    .transform((v) => v.trim())
    .pipe(z.union([z.literal("").transform(() => null), rule]));

/**
 * A MikroTik rate limit as RouterOS reads Mikrotik-Rate-Limit: rx[/tx] whole rates with an
 * optional k/M/G, then optionally burst rates, burst thresholds, burst times (seconds), a priority 1–8 and
 * minimum rates, e.g. "256k/256k", "1M/2M", "1M/2M 2M/4M 768k/1536k 16/16 8 512k/1M".
 */
const RATE = "\\d{1,10}[kKMG]?";
const PAIR = `${RATE}(?:/${RATE})?`;
const SECONDS = "\\d{1,6}(?:/\\d{1,6})?";
const RATE_LIMIT = new RegExp(`^${PAIR}(?: ${PAIR}(?: ${PAIR}(?: ${SECONDS}(?: [1-8](?: ${PAIR})?)?)?)?)?$`);

/** "-3, 0, 1" (or "-3 0 +1"): days relative to the due date. */
const offsets = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const parts = v === "" ? [] : v.split(/[\s,;]+/).filter(Boolean);
    const numbers = parts.map((p) => Number(p.replace(/^\+/, "")));
    if (!numbers.every((n) => Number.isInteger(n))) {
      ctx.addIssue({ code: "custom", message: "offsets" });
      return z.NEVER;
    }
    return numbers;
  });

/** Percent with up to two decimals ("11", "11,5") to basis points. */
const percentBp = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const text = v.replace(",", ".");
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(text) || Number(text) > 100) {
      ctx.addIssue({ code: "custom", message: "rate" });
      return z.NEVER;
    }
    return Math.round(Number(text) * 100);
  });

/**
 * The billing settings form. The dunning schedule is checked by the model's own rule
 * (validatePolicy), reported on the field it concerns.
 */
export const billingSettingsInput = z
  .object({
    invoiceDueDays: int(0, 90),
    invoicePrefix: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{1,12}$/),
    reminderOffsets: offsets,
    graceDays: int(0, 90),
    isolateAfterDays: z
      .string()
      .trim()
      .transform((v, ctx) => {
        if (v === "") return null;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 90) {
          ctx.addIssue({ code: "custom", message: "days" });
          return z.NEVER;
        }
        return n;
      }),
    isolationProfile: routerName,
    isolationAddressList: routerName,
    isolationRateLimit: orNone(z.string().max(100).regex(RATE_LIMIT)),
    isolationPool: orNone(routerName),
    defaultTaxRate: percentBp,
    defaultTaxInclusive: z
      .string()
      .optional()
      .transform((v) => v === "on"),
    hotspotLoginUrl: z
      .string()
      .trim()
      .max(500)
      .refine((v) => {
        try {
          const url = new URL(v.replaceAll("{code}", "CODE"));
          return url.protocol === "http:" || url.protocol === "https:";
        } catch {
          return false;
        }
      }),
    invoiceFooter: z
      .string()
      .trim()
      .max(1000)
      .transform((v) => (v === "" ? null : v.replaceAll("\r\n", "\n"))),
  })
  .transform((v, ctx) => {
    const checked = validatePolicy({
      reminderOffsets: v.reminderOffsets,
      graceDays: v.graceDays,
      isolateAfterDays: v.isolateAfterDays,
    });
    if (!checked.ok) {
      const path = {
        "dunning.reminder-offsets": "reminderOffsets",
        "dunning.grace-days": "graceDays",
        "dunning.isolate-after-days": "isolateAfterDays",
        "dunning.isolate-within-grace": "isolateAfterDays",
      }[checked.code];
      ctx.addIssue({ code: "custom", path: [path], message: checked.code });
      return z.NEVER;
    }
    return { ...v, reminderOffsets: checked.policy.reminderOffsets };
  });
export type BillingSettingsInput = z.infer<typeof billingSettingsInput>;
