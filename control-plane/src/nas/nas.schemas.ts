import { isIPv4, isIPv6 } from "node:net";
import type { MessageKey } from "@kilusi/web/i18n/i18n.ts";
import { z } from "zod";
import { DEFAULT_COA_PORT, DEFAULT_OVERLAP, OVERLAPS, type Overlap } from "./nas.models.ts";

// The router form and the rotation form, as people fill them in, to nas_devices' terms. Every
// rule the table checks (nas.tables.ts) is checked here first, next to its field; uniqueness per
// site needs a query and is the use-case's.

export const NAS_NAME_MAX = 64;

/** Message keys (web/src/i18n/messages/nas.ts) carried as zod issue messages. */
const E = {
  nameRequired: "nas.error.name.required",
  nameTooLong: "nas.error.name.tooLong",
  address: "nas.error.address",
  coaPort: "nas.error.coaPort",
  overlap: "nas.error.overlap",
} as const satisfies Record<string, MessageKey>;

/**
 * One host address, IPv4 or IPv6, as the router sends from: no prefix, no zone (PostgreSQL's inet
 * has none), not the unspecified address. IPv6 is stored as PostgreSQL writes it back.
 */
export function routerAddress(text: string): string | null {
  const v = text.trim();
  if (isIPv4(v)) return v === "0.0.0.0" ? null : v;
  if (isIPv6(v) && !v.includes("%")) {
    const lower = v.toLowerCase();
    return /^[0:]+$/.test(lower) ? null : lower;
  }
  return null;
}

const checkbox = z
  .string()
  .optional()
  .transform((v) => v === "on");

export const nasForm = z.object({
  name: z.string().trim().min(1, E.nameRequired).max(NAS_NAME_MAX, E.nameTooLong),
  address: z.string().transform((v, ctx) => {
    const address = routerAddress(v);
    if (address === null) {
      ctx.addIssue({ code: "custom", message: E.address });
      return z.NEVER;
    }
    return address;
  }),
  coaPort: z
    .string()
    .optional()
    .default("")
    .transform((v, ctx) => {
      const text = v.trim();
      if (text === "") return DEFAULT_COA_PORT;
      const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
      if (!(port >= 1 && port <= 65_535)) {
        ctx.addIssue({ code: "custom", message: E.coaPort });
        return z.NEVER;
      }
      return port;
    }),
  requireMessageAuthenticator: checkbox,
  limitProxyState: checkbox,
});

/** What a router is, in the table's terms. */
export type NasInput = z.infer<typeof nasForm>;

/** The rotation form: how long the old secret stays accepted; the default when none is chosen. */
export const rotationForm = z.object({
  overlap: z
    .string()
    .optional()
    .transform((v, ctx): Overlap => {
      if (v === undefined || v === "") return DEFAULT_OVERLAP;
      if (Object.hasOwn(OVERLAPS, v)) return v as Overlap;
      ctx.addIssue({ code: "custom", message: E.overlap });
      return z.NEVER;
    }),
});

/** The form as typed: what a re-rendered form shows again. */
export interface NasFormValues {
  name: string;
  address: string;
  coaPort: string;
  requireMessageAuthenticator: boolean;
  limitProxyState: boolean;
}

export function nasFormValues(body: Record<string, string>): NasFormValues {
  return {
    name: body.name ?? "",
    address: body.address ?? "",
    coaPort: body.coaPort ?? "",
    requireMessageAuthenticator: body.requireMessageAuthenticator === "on",
    limitProxyState: body.limitProxyState === "on",
  };
}

export function nasInputValues(input: NasInput): NasFormValues {
  return { ...input, coaPort: String(input.coaPort) };
}

/** A new router: both BlastRADIUS guards on, MikroTik's CoA port. */
export const emptyNasValues: NasFormValues = {
  name: "",
  address: "",
  coaPort: String(DEFAULT_COA_PORT),
  requireMessageAuthenticator: true,
  limitProxyState: true,
};
