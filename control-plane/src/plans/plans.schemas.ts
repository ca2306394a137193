import { currencyExponent, mulDivRound, parseAmount } from "@kilusi/shared/money";
import type { MessageKey } from "@kilusi/web/i18n/i18n.ts";
import { z } from "zod";
import { type planCycles, planTypes } from "./plans.tables.ts";

// The plan form, as people fill it in, to the plan's columns. Every rule the database checks
// (plans.tables.ts) is checked here first with a message next to its field, so the database
// never has to refuse a form; the name's uniqueness needs a query and is the use-case's.

export type PlanType = (typeof planTypes)[number];
export type PlanCycle = (typeof planCycles)[number];

/** What a plan is, in the table's units: money in minor units, speeds in kbps, quota in bytes. */
export interface PlanInput {
  name: string;
  type: PlanType;
  price: number;
  cycle: PlanCycle;
  validityHours: number | null;
  validityDays: number | null;
  downloadKbps: number;
  uploadKbps: number;
  burstDownloadKbps: number | null;
  burstUploadKbps: number | null;
  burstThresholdDownloadKbps: number | null;
  burstThresholdUploadKbps: number | null;
  burstTimeSeconds: number | null;
  addressPool: string | null;
  profileName: string | null;
  quotaBytes: number | null;
  taxRateBp: number;
  taxInclusive: boolean;
  installationFee: number;
}

export const planFormFields = [
  "name",
  "type",
  "cycle",
  "validity",
  "validityUnit",
  "price",
  "installationFee",
  "taxRate",
  "taxMode",
  "speedUnit",
  "download",
  "upload",
  "burstDownload",
  "burstUpload",
  "burstThresholdDownload",
  "burstThresholdUpload",
  "burstTime",
  "addressPool",
  "profileName",
  "quotaGb",
] as const;
export type PlanFormField = (typeof planFormFields)[number];
/** The form as typed: what a re-rendered form shows again. */
export type PlanFormValues = Record<PlanFormField, string>;

/** 1 Mbps = 1000 kbps throughout Kilusi, as RouterOS counts (web/src/format.ts, shared/src/rate-limit.ts). */
const KBPS_PER_MBPS = 1000;
/** 1 GB = 1024³ bytes, as MikroTik hotspot tools count quotas. */
const BYTES_PER_GB = 1024 ** 3;
export const MAX_KBPS = 100 * 1000 * KBPS_PER_MBPS;
export const MAX_QUOTA_GB = 1_000_000;
export const MAX_VALIDITY = { days: 3660, hours: 8784 } as const;
export const MAX_BURST_SECONDS = 3600;
const ROUTER_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const NAME_MAX = 100;

/** Message keys (web/src/i18n/messages/plans.ts) carried as zod issue messages. */
const E = {
  nameRequired: "plans.error.name.required",
  nameTooLong: "plans.error.name.tooLong",
  type: "plans.error.type",
  cycle: "plans.error.cycle",
  validityRequired: "plans.error.validity.required",
  validityInvalid: "plans.error.validity.invalid",
  validityMonthly: "plans.error.validity.monthly",
  validityUnit: "plans.error.validityUnit",
  priceRequired: "plans.error.price.required",
  amountInvalid: "plans.error.amount.invalid",
  amountNegative: "plans.error.amount.negative",
  amountTooPrecise: "plans.error.amount.tooPrecise",
  amountTooLarge: "plans.error.amount.tooLarge",
  taxRate: "plans.error.taxRate",
  taxMode: "plans.error.taxMode",
  speedUnit: "plans.error.speedUnit",
  speedRequired: "plans.error.speed.required",
  speedInvalid: "plans.error.speed.invalid",
  speedNotWhole: "plans.error.speed.notWhole",
  speedTooLarge: "plans.error.speed.tooLarge",
  burstIncomplete: "plans.error.burst.incomplete",
  burstBelowBase: "plans.error.burst.belowBase",
  thresholdAboveBase: "plans.error.burst.thresholdAboveBase",
  burstTime: "plans.error.burst.time",
  routerName: "plans.error.routerName",
  quota: "plans.error.quota",
} as const satisfies Record<string, MessageKey>;
export type PlanErrorKey = (typeof E)[keyof typeof E];

/** A decimal as typed ("1,5" or "1.5") scaled to an integer with `places` decimals, or null. */
function scaled(text: string, places: number): number | null {
  const m = /^(\d{1,12})(?:[.,](\d+))?$/.exec(text);
  if (!m) return null;
  const fraction = m[2] ?? "";
  if (fraction.length > places) return null;
  const value = Number(m[1]) * 10 ** places + Number(fraction.padEnd(places, "0") || "0");
  return Number.isSafeInteger(value) ? value : null;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: PlanErrorKey };
const fail = (error: PlanErrorKey): { ok: false; error: PlanErrorKey } => ({ ok: false, error });

/** A speed in the chosen unit to kbps; Mbps may have up to three decimals if they make whole kbps. */
export function parseSpeed(text: string, unit: "mbps" | "kbps"): Parsed<number> {
  if (text === "") return fail(E.speedRequired);
  let kbps: number;
  if (unit === "kbps") {
    if (!/^\d{1,12}$/.test(text)) return fail(E.speedNotWhole);
    kbps = Number(text);
  } else {
    const thousandths = scaled(text, 3);
    if (thousandths === null) return fail(E.speedInvalid);
    if ((thousandths * KBPS_PER_MBPS) % 1000 !== 0) return fail(E.speedNotWhole);
    kbps = (thousandths * KBPS_PER_MBPS) / 1000;
  }
  if (kbps <= 0) return fail(E.speedInvalid);
  if (kbps > MAX_KBPS) return fail(E.speedTooLarge);
  return { ok: true, value: kbps };
}

/** "11" or "11,5" percent to basis points (1100, 1150), between 0 and 100 %. */
export function parseTaxRate(text: string): Parsed<number> {
  const bp = scaled(text === "" ? "0" : text, 2);
  if (bp === null || bp > 10_000) return fail(E.taxRate);
  return { ok: true, value: bp };
}

/** Gigabytes (up to two decimals) to bytes; empty is no quota. */
export function parseQuota(text: string): Parsed<number | null> {
  if (text === "") return { ok: true, value: null };
  const hundredths = scaled(text, 2);
  if (hundredths === null || hundredths <= 0 || hundredths > MAX_QUOTA_GB * 100) return fail(E.quota);
  return { ok: true, value: mulDivRound(hundredths, BYTES_PER_GB, 100) };
}

const AMOUNT_ERRORS = {
  "amount.empty": E.priceRequired,
  "amount.invalid": E.amountInvalid,
  "amount.negative": E.amountNegative,
  "amount.too-precise": E.amountTooPrecise,
  "amount.too-large": E.amountTooLarge,
} as const;

export function parseMoney(text: string, currency: string, emptyAs?: number): Parsed<number> {
  if (text === "" && emptyAs !== undefined) return { ok: true, value: emptyAs };
  const parsed = parseAmount(text, currency);
  return parsed.ok ? { ok: true, value: parsed.minor } : fail(AMOUNT_ERRORS[parsed.code]);
}

const field = z
  .string()
  .optional()
  .transform((v) => (v ?? "").trim());

const formShape = Object.fromEntries(planFormFields.map((f) => [f, field])) as Record<PlanFormField, typeof field>;

/**
 * The plan form in the tenant's currency. Unknown keys (a posted tenant_id, archivedAt) are
 * dropped; every bad field gets its own issue, whose message is the key of what to show.
 */
export function planForm(currency: string) {
  return z.object(formShape).transform((v, ctx): PlanInput => {
    let failed = false;
    const issue = (path: PlanFormField, message: PlanErrorKey) => {
      failed = true;
      ctx.addIssue({ code: "custom", path: [path], message });
    };
    function take<T>(path: PlanFormField, parsed: Parsed<T>): T | null {
      if (parsed.ok) return parsed.value;
      issue(path, parsed.error);
      return null;
    }
    const oneOf = <T extends string>(path: PlanFormField, options: readonly T[], message: PlanErrorKey) => {
      if ((options as readonly string[]).includes(v[path])) return v[path] as T;
      issue(path, message);
      return null;
    };

    if (v.name === "") issue("name", E.nameRequired);
    else if (v.name.length > NAME_MAX) issue("name", E.nameTooLong);
    const type = oneOf("type", planTypes, E.type);
    const cycle = oneOf("cycle", ["monthly", "prepaid"] as const, E.cycle);

    let validity: number | null = null;
    let unit: "days" | "hours" | null = null;
    if (cycle === "monthly" && v.validity !== "") issue("validity", E.validityMonthly);
    if (cycle === "prepaid") {
      unit = oneOf("validityUnit", ["days", "hours"] as const, E.validityUnit);
      if (v.validity === "") issue("validity", E.validityRequired);
      else if (!/^\d{1,6}$/.test(v.validity) || Number(v.validity) < 1) issue("validity", E.validityInvalid);
      else if (unit && Number(v.validity) > MAX_VALIDITY[unit]) issue("validity", E.validityInvalid);
      else validity = Number(v.validity);
    }

    const price = take("price", parseMoney(v.price, currency));
    const installationFee = take("installationFee", parseMoney(v.installationFee, currency, 0));
    const taxRateBp = take("taxRate", parseTaxRate(v.taxRate));
    const taxMode = oneOf("taxMode", ["inclusive", "exclusive"] as const, E.taxMode);

    const speedUnit = oneOf("speedUnit", ["mbps", "kbps"] as const, E.speedUnit);
    const speed = (path: PlanFormField) => (speedUnit ? take(path, parseSpeed(v[path], speedUnit)) : null);
    const downloadKbps = speed("download");
    const uploadKbps = speed("upload");

    const burstSpeeds = ["burstDownload", "burstUpload", "burstThresholdDownload", "burstThresholdUpload"] as const;
    const burstFields = [...burstSpeeds, "burstTime"] as const;
    const given = burstFields.filter((f) => v[f] !== "");
    let burst: (number | null)[] = [null, null, null, null, null];
    if (given.length > 0 && given.length < burstFields.length) {
      for (const f of burstFields) if (v[f] === "") issue(f, E.burstIncomplete);
    } else if (given.length === burstFields.length) {
      const [bd, bu, td, tu] = burstSpeeds.map(speed);
      let seconds: number | null = null;
      if (!/^\d{1,5}$/.test(v.burstTime) || Number(v.burstTime) < 1 || Number(v.burstTime) > MAX_BURST_SECONDS) {
        issue("burstTime", E.burstTime);
      } else seconds = Number(v.burstTime);
      // MikroTik bursts above the base rate while the average stays below the threshold.
      if (bd != null && downloadKbps != null && bd < downloadKbps) issue("burstDownload", E.burstBelowBase);
      if (bu != null && uploadKbps != null && bu < uploadKbps) issue("burstUpload", E.burstBelowBase);
      if (td != null && downloadKbps != null && td > downloadKbps)
        issue("burstThresholdDownload", E.thresholdAboveBase);
      if (tu != null && uploadKbps != null && tu > uploadKbps) issue("burstThresholdUpload", E.thresholdAboveBase);
      burst = [bd ?? null, bu ?? null, td ?? null, tu ?? null, seconds];
    }

    const routerName = (path: "addressPool" | "profileName") => {
      if (v[path] === "") return null;
      if (!ROUTER_NAME.test(v[path])) issue(path, E.routerName);
      return v[path];
    };
    const addressPool = routerName("addressPool");
    const profileName = routerName("profileName");
    const quotaBytes = take("quotaGb", parseQuota(v.quotaGb));

    if (failed) return z.NEVER;
    return {
      name: v.name,
      type: type as PlanType,
      price: price as number,
      cycle: cycle as PlanCycle,
      validityHours: cycle === "prepaid" && unit === "hours" ? validity : null,
      validityDays: cycle === "prepaid" && unit === "days" ? validity : null,
      downloadKbps: downloadKbps as number,
      uploadKbps: uploadKbps as number,
      burstDownloadKbps: burst[0] ?? null,
      burstUploadKbps: burst[1] ?? null,
      burstThresholdDownloadKbps: burst[2] ?? null,
      burstThresholdUploadKbps: burst[3] ?? null,
      burstTimeSeconds: burst[4] ?? null,
      addressPool,
      profileName,
      quotaBytes,
      taxRateBp: taxRateBp as number,
      taxInclusive: taxMode === "inclusive",
      installationFee: installationFee as number,
    };
  });
}

/** The posted form as typed, for showing it again with its errors. */
export function typedValues(body: Record<string, string>): PlanFormValues {
  return Object.fromEntries(planFormFields.map((f) => [f, body[f] ?? ""])) as PlanFormValues;
}

/** An amount as an input value that `parseAmount` reads back to the same minor units. */
export function amountInput(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === 0) return String(minor);
  const digits = String(minor).padStart(exponent + 1, "0");
  const text = `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  // "1.500" would read as one thousand five hundred: a fourth decimal zero keeps it a fraction.
  return exponent === 3 ? `${text}0` : text;
}

const decimal = (scaledValue: number, places: number) => {
  const whole = Math.trunc(scaledValue / 10 ** places);
  const fraction = String(scaledValue % 10 ** places)
    .padStart(places, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
};

/** A stored plan as the form shows it for editing. */
export function planFormValues(plan: PlanInput, currency: string): PlanFormValues {
  const speeds = [
    plan.downloadKbps,
    plan.uploadKbps,
    plan.burstDownloadKbps,
    plan.burstUploadKbps,
    plan.burstThresholdDownloadKbps,
    plan.burstThresholdUploadKbps,
  ];
  const inMbps = speeds.every((s) => s === null || s % KBPS_PER_MBPS === 0);
  const speed = (kbps: number | null) => (kbps === null ? "" : inMbps ? String(kbps / KBPS_PER_MBPS) : String(kbps));
  return {
    name: plan.name,
    type: plan.type,
    cycle: plan.cycle,
    validity: String(plan.validityDays ?? plan.validityHours ?? ""),
    validityUnit: plan.validityHours !== null ? "hours" : "days",
    price: amountInput(plan.price, currency),
    installationFee: amountInput(plan.installationFee, currency),
    taxRate: decimal(plan.taxRateBp, 2),
    taxMode: plan.taxInclusive ? "inclusive" : "exclusive",
    speedUnit: inMbps ? "mbps" : "kbps",
    download: speed(plan.downloadKbps),
    upload: speed(plan.uploadKbps),
    burstDownload: speed(plan.burstDownloadKbps),
    burstUpload: speed(plan.burstUploadKbps),
    burstThresholdDownload: speed(plan.burstThresholdDownloadKbps),
    burstThresholdUpload: speed(plan.burstThresholdUploadKbps),
    burstTime: plan.burstTimeSeconds === null ? "" : String(plan.burstTimeSeconds),
    addressPool: plan.addressPool ?? "",
    profileName: plan.profileName ?? "",
    quotaGb: plan.quotaBytes === null ? "" : decimal(mulDivRound(plan.quotaBytes, 100, BYTES_PER_GB), 2),
  };
}

/** A new plan's form: the tenant's tax defaults, a monthly PPPoE plan in Mbps. */
export function newPlanValues(defaults: { taxRateBp: number; taxInclusive: boolean }): PlanFormValues {
  const values = Object.fromEntries(planFormFields.map((f) => [f, ""])) as PlanFormValues;
  return {
    ...values,
    type: "pppoe",
    cycle: "monthly",
    validityUnit: "days",
    speedUnit: "mbps",
    taxRate: decimal(defaults.taxRateBp, 2),
    taxMode: defaults.taxInclusive ? "inclusive" : "exclusive",
  };
}

/** The list's filters from the query string; anything else shows plans in use. */
export const planListQuery = z.object({
  show: z.enum(["active", "archived"]).catch("active").default("active"),
  q: z.string().trim().max(100).catch("").default(""),
});
