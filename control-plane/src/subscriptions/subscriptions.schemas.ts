import { parseAmount } from "@kilusi/shared/money";
import { z } from "zod";
import { isLocalDate } from "../time/zoned.ts";

// Zod objects drop unknown keys: a posted tenant_id, status or activated_at never reaches a use-case.

const uuid = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/** As RADIUS and RouterOS take it (the table's check). */
export const pppoeUsername = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._@-]{1,64}$/);

/** Printable, no spaces (CPE forms and RouterOS choke on them), 8–64; empty asks for a generated one. */
const pppoePassword = z
  .string()
  .trim()
  .pipe(z.union([z.literal("").transform(() => null), z.string().regex(/^[\x21-\x7e]{8,64}$/)]));

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const staticIp = z
  .string()
  .trim()
  .refine((v) => IPV4.test(v) || (v.includes(":") && /^[0-9a-fA-F:]{2,39}$/.test(v)), "ip");

/** MAC addresses as people write them (aa:bb…, AA-BB…, aabb.ccdd.eeff), stored aa:bb:cc:dd:ee:ff. */
export function normalizeMac(input: string): string | null {
  const hex = input
    .trim()
    .toLowerCase()
    .replace(/[:.\s-]/g, "");
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  return hex.match(/../g)?.join(":") ?? null;
}
const mac = z.string().transform((v, ctx) => {
  const normalized = normalizeMac(v);
  if (normalized) return normalized;
  ctx.addIssue({ code: "custom", message: "mac" });
  return z.NEVER;
});

/** An amount typed as people type it, in the tenant's currency; empty is zero. */
export const amountIn = (currency: string) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === "") return 0;
      const parsed = parseAmount(v, currency);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: parsed.code });
        return z.NEVER;
      }
      return parsed.minor;
    });

const billingDay = z.coerce.number().int().min(1).max(28);
const checkbox = z
  .string()
  .optional()
  .transform((v) => v === "on" || v === "1" || v === "true");

/** The access part of a subscription, shared by create and edit; which fields count depends on `access`. */
function accessFields(currency: string) {
  return {
    access: z.enum(["pppoe", "static", "mac"]),
    pppoeUsername: z.string().optional().default(""),
    pppoePassword: z.string().optional().default(""),
    staticIp: z.string().optional().default(""),
    mac: z.string().optional().default(""),
    monthlyDiscount: amountIn(currency).default(0),
  };
}

export type AccessInput =
  | { access: "pppoe"; pppoeUsername: string; pppoePassword: string | null }
  | { access: "static"; staticIp: string }
  | { access: "mac"; mac: string };

/** Checks the fields of the chosen access kind only; the others are ignored. */
function refineAccess<
  T extends {
    access: "pppoe" | "static" | "mac";
    pppoeUsername: string;
    pppoePassword: string;
    staticIp: string;
    mac: string;
  },
>(value: T, ctx: z.RefinementCtx): AccessInput | typeof z.NEVER {
  const issue = (path: string) => {
    ctx.addIssue({ code: "custom", path: [path], message: path });
    return z.NEVER;
  };
  if (value.access === "pppoe") {
    const username = pppoeUsername.safeParse(value.pppoeUsername);
    if (!username.success) return issue("pppoeUsername");
    const password = pppoePassword.safeParse(value.pppoePassword);
    if (!password.success) return issue("pppoePassword");
    return { access: "pppoe", pppoeUsername: username.data, pppoePassword: password.data };
  }
  if (value.access === "static") {
    const ip = staticIp.safeParse(value.staticIp);
    return ip.success ? { access: "static", staticIp: ip.data } : issue("staticIp");
  }
  const parsed = mac.safeParse(value.mac);
  return parsed.success ? { access: "mac", mac: parsed.data } : issue("mac");
}

export function createSubscriptionInput(currency: string) {
  return z
    .object({
      customerId: uuid,
      planId: uuid,
      siteId: uuid,
      billingDay,
      activate: checkbox,
      ...accessFields(currency),
    })
    .transform((v, ctx) => {
      const access = refineAccess(v, ctx);
      return {
        customerId: v.customerId,
        planId: v.planId,
        siteId: v.siteId,
        billingDay: v.billingDay,
        activate: v.activate,
        monthlyDiscount: v.monthlyDiscount,
        accessInput: access as AccessInput,
      };
    });
}
export type CreateSubscriptionInput = z.infer<ReturnType<typeof createSubscriptionInput>>;

/** Editing: the site, access and discount; the billing day only while pending (see the use-case). */
export function updateSubscriptionInput(currency: string) {
  return z.object({ siteId: uuid, billingDay, ...accessFields(currency) }).transform((v, ctx) => ({
    siteId: v.siteId,
    billingDay: v.billingDay,
    monthlyDiscount: v.monthlyDiscount,
    accessInput: refineAccess(v, ctx) as AccessInput,
  }));
}
export type UpdateSubscriptionInput = z.infer<ReturnType<typeof updateSubscriptionInput>>;

export const changePlanInput = z.object({ planId: uuid });

export const keepActiveInput = z.object({
  /** Empty clears the override. */
  until: z
    .string()
    .trim()
    .refine((v) => v === "" || isLocalDate(v), "date")
    .transform((v) => (v === "" ? null : v)),
  restoreNow: checkbox,
});

const transitionEvents = ["activate", "isolate", "restore", "suspend", "resume", "terminate"] as const;
export const transitionInput = z.object({ event: z.enum(transitionEvents) });

export const listFilters = z.object({
  q: z.string().trim().max(100).optional().default(""),
  status: z.enum(["", "pending", "active", "isolated", "suspended", "terminated"]).optional().default(""),
  page: z.coerce.number().int().min(1).max(100_000).optional().default(1),
});
