import type { PlanState } from "@kilusi/shared/sync/site-state";

type PlanRates = Pick<
  PlanState,
  | "downloadKbps"
  | "uploadKbps"
  | "burstDownloadKbps"
  | "burstUploadKbps"
  | "burstThresholdDownloadKbps"
  | "burstThresholdUploadKbps"
  | "burstTimeSeconds"
>;

// RouterOS reads "k" as ×1000 and 0 as "no limit", so a direction the plan leaves open is "0".
const rate = (kbps: number | null) => (kbps === null || kbps === 0 ? "0" : `${kbps}k`);

/**
 * The plan as a Mikrotik-Rate-Limit value: `rx/tx [rx-burst/tx-burst [rx-threshold/tx-threshold
 * [rx-time/tx-time]]]`, seen from the router, so rx is the subscriber's upload and tx its
 * download. The fields are positional: a burst time needs thresholds before it, so a missing
 * threshold is written as the direction's rate (what RouterOS assumes anyway), and a missing
 * burst in one direction as its rate (no burst). Null when the plan limits nothing.
 */
export function mikrotikRateLimit(plan: PlanRates): string | null {
  const up = plan.uploadKbps;
  const down = plan.downloadKbps;
  if (!up && !down) return null;
  const base = `${rate(up)}/${rate(down)}`;
  const burstUp = plan.burstUploadKbps;
  const burstDown = plan.burstDownloadKbps;
  if (!burstUp && !burstDown) return base;
  const burst = `${rate(burstUp || up)}/${rate(burstDown || down)}`;
  const thresholdUp = plan.burstThresholdUploadKbps;
  const thresholdDown = plan.burstThresholdDownloadKbps;
  const time = plan.burstTimeSeconds;
  if (!thresholdUp && !thresholdDown && !time) return `${base} ${burst}`;
  const threshold = `${rate(thresholdUp || up)}/${rate(thresholdDown || down)}`;
  if (!time) return `${base} ${burst} ${threshold}`;
  return `${base} ${burst} ${threshold} ${time}/${time}`;
}
