import type { BadgeTone } from "../../components/status-badge.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import type { Translate } from "../../i18n/i18n.ts";

export const subscriptionStatuses = ["pending", "active", "isolated", "suspended", "terminated"] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];
export type AccessKind = "pppoe" | "static" | "mac";

const TONES: Record<SubscriptionStatus, BadgeTone> = {
  pending: "info",
  active: "ok",
  isolated: "danger",
  suspended: "warn",
  terminated: "muted",
};

export function SubscriptionStatusBadge(props: { t: Translate; status: SubscriptionStatus }) {
  return <StatusBadge tone={TONES[props.status]}>{props.t(`subscriptions.status.${props.status}`)}</StatusBadge>;
}

/** "PPPoE budi", "IP statis 10.0.0.7", "MAC aa:bb:…". */
export function accessText(
  t: Translate,
  s: { access: AccessKind; pppoeUsername: string | null; staticIp: string | null; mac: string | null },
): string {
  if (s.access === "pppoe") return t("subscriptions.access.pppoe", { username: s.pppoeUsername ?? "" });
  if (s.access === "static") return t("subscriptions.access.static", { ip: s.staticIp ?? "" });
  return t("subscriptions.access.mac", { mac: s.mac ?? "" });
}
