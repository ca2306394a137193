import { z } from "zod";

// What the runtime's ICU knows is what we can format with, so it is also what we accept.
export const timeZones: readonly string[] = Intl.supportedValuesOf("timeZone");
const timeZoneSet = new Set(timeZones);
const currencySet = new Set(Intl.supportedValuesOf("currency"));

/**
 * The settings form. `require2fa` arrives as a checkbox ("on" or absent); whether the person
 * may change it is decided by the use-case from their role, never by what the form sent.
 */
export const settingsInput = z.object({
  name: z.string().trim().min(2).max(100),
  timeZone: z.string().refine((v) => timeZoneSet.has(v)),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .refine((v) => /^[A-Z]{3}$/.test(v) && currencySet.has(v)),
  locale: z.enum(["id", "en"]),
  require2fa: z
    .literal("on")
    .optional()
    .transform((v) => v === "on"),
});
export type SettingsInput = z.infer<typeof settingsInput>;
