import { formatSpeed } from "../../format.ts";
import type { Locale, Translate } from "../../i18n/i18n.ts";

export const planTypeNames = ["pppoe", "hotspot", "static"] as const;
export type PlanTypeName = (typeof planTypeNames)[number];
export type PlanCycleName = "monthly" | "prepaid";

/** What every plan view shows about a plan. */
export type PlanSummaryView = {
  id: string;
  name: string;
  type: PlanTypeName;
  cycle: PlanCycleName;
  validityDays: number | null;
  validityHours: number | null;
  price: number;
  taxRateBp: number;
  taxInclusive: boolean;
  downloadKbps: number;
  uploadKbps: number;
  archivedAt: Date | null;
};

/** Basis points as a percentage in the reader's language: 1100 → "11", 1150 → "11,5". */
export function formatPercent(bp: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === "id" ? "id-ID" : "en-GB", { maximumFractionDigits: 2 }).format(bp / 100);
}

/** "Bulanan (pascabayar)" or "Prabayar · 30 hari". */
export function cycleText(t: Translate, plan: Pick<PlanSummaryView, "cycle" | "validityDays" | "validityHours">) {
  if (plan.cycle === "monthly") return t("plans.cycle.monthly");
  if (plan.validityHours !== null) return t("plans.cycle.prepaidHours", { n: plan.validityHours });
  return t("plans.cycle.prepaidDays", { n: plan.validityDays ?? 0 });
}

/** How the price relates to PPN: included, added on top, or none. */
export function taxNote(t: Translate, locale: Locale, plan: Pick<PlanSummaryView, "taxRateBp" | "taxInclusive">) {
  if (plan.taxRateBp === 0) return t("plans.tax.none");
  const rate = formatPercent(plan.taxRateBp, locale);
  return plan.taxInclusive ? t("plans.tax.inclusive", { rate }) : t("plans.tax.exclusive", { rate });
}

/** "↓ 20 Mbps · ↑ 10 Mbps", with the directions spelled out for screen readers by the label. */
export function speedText(t: Translate, plan: Pick<PlanSummaryView, "downloadKbps" | "uploadKbps">) {
  return t("plans.speed.value", { down: formatSpeed(plan.downloadKbps), up: formatSpeed(plan.uploadKbps) });
}
