import type { BadgeTone } from "../../components/status-badge.tsx";
import type { Translate } from "../../i18n/i18n.ts";

export const voucherStateNames = ["new", "sold", "active", "expired", "exhausted", "void"] as const;
export type VoucherStateName = (typeof voucherStateNames)[number];

/** Exactly one of the two, as the plan's. */
export type ValidityView = { days: number | null; hours: number | null };

export const stateTone: Readonly<Record<VoucherStateName, BadgeTone>> = {
  new: "muted",
  sold: "info",
  active: "ok",
  expired: "warn",
  exhausted: "warn",
  void: "danger",
};

/** "1 hari", "24 jam": how long a voucher lasts once activated. */
export function validityText(t: Translate, v: ValidityView): string {
  if (v.days !== null) return t(v.days === 1 ? "vouchers.validity.day" : "vouchers.validity.days", { n: v.days });
  const n = v.hours ?? 0;
  return t(n === 1 ? "vouchers.validity.hour" : "vouchers.validity.hours", { n });
}

export type StateCountsView = Readonly<Record<VoucherStateName, number>>;

/** The batch page's URL with its filters, for the pager and the links that keep them. */
export function batchHref(batchId: string, params: { state?: string; q?: string; page?: number }): string {
  const search = new URLSearchParams();
  if (params.state) search.set("state", params.state);
  if (params.q) search.set("q", params.q);
  if (params.page && params.page > 1) search.set("page", String(params.page));
  const s = search.toString();
  return `/vouchers/batches/${batchId}${s ? `?${s}` : ""}`;
}
