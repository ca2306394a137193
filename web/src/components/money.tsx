import { formatMoney } from "../format.ts";
import type { Locale } from "../i18n/i18n.ts";

/** An amount, right-aligned in tables by its class; negative amounts (credits) are marked. */
export function Money(props: { minor: number; currency: string; locale: Locale; strong?: boolean }) {
  const cls = ["money", props.minor < 0 ? "money-credit" : "", props.strong ? "money-strong" : ""]
    .filter(Boolean)
    .join(" ");
  return <span class={cls}>{formatMoney(props.minor, props.currency, props.locale)}</span>;
}
