// What the voucher routes share: pagers, and refusals put in the reader's words.
import type { PagerProps } from "@kilusi/web/components/pager.tsx";
import { formatCount } from "@kilusi/web/format.ts";
import type { Locale, MessageKey, Translate } from "@kilusi/web/i18n/i18n.ts";
import type { VoucherEvent, VoucherState } from "../billing/vouchers.models.ts";
import { AppError } from "../http/errors.ts";

export function pagerOf(
  t: Translate,
  locale: Locale,
  args: { page: number; size: number; total: number; label: string; href: (page: number) => string },
): PagerProps | null {
  if (args.total === 0) return null;
  const from = Math.min((args.page - 1) * args.size + 1, args.total);
  const to = Math.min(args.page * args.size, args.total);
  return {
    label: args.label,
    summary: t("vouchers.pager.summary", {
      from: formatCount(from, locale),
      to: formatCount(to, locale),
      total: formatCount(args.total, locale),
    }),
    previous: args.page > 1 ? { href: args.href(args.page - 1), label: t("vouchers.pager.previous") } : null,
    next: to < args.total ? { href: args.href(args.page + 1), label: t("vouchers.pager.next") } : null,
  };
}

const SELL_REFUSED: Partial<Record<VoucherState, MessageKey>> = {
  sold: "vouchers.refused.sold",
  active: "vouchers.refused.used",
  expired: "vouchers.refused.used",
  exhausted: "vouchers.refused.used",
  void: "vouchers.refused.void",
};
const VOID_REFUSED: Partial<Record<VoucherState, MessageKey>> = {
  active: "vouchers.refused.usedNoVoid",
  expired: "vouchers.refused.usedNoVoid",
  exhausted: "vouchers.refused.usedNoVoid",
  void: "vouchers.refused.void",
};

/** Why the state machine refused a change to this voucher; null for any other error. */
export function transitionRefusal(t: Translate, error: unknown, code: string): string | null {
  if (!(error instanceof AppError) || error.code !== "voucher_transition_not_allowed") return null;
  const from = error.details?.from as VoucherState;
  const event = error.details?.event as VoucherEvent;
  const key = (event === "void" ? VOID_REFUSED : SELL_REFUSED)[from];
  return key ? (t as (k: MessageKey, p: Record<string, string>) => string)(key, { code }) : error.message;
}
