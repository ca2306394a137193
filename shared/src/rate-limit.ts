/**
 * The `Mikrotik-Rate-Limit` RADIUS attribute (vendor 14988, attribute 8) of a plan, which the
 * control plane shows on the plan page and the site agent puts in its Access-Accept.
 *
 * RouterOS's format (RADIUS client manual, "Access-Accept" attributes):
 *   rx-rate[/tx-rate] [rx-burst-rate[/tx-burst-rate] [rx-burst-threshold[/tx-burst-threshold]
 *   [rx-burst-time[/tx-burst-time] [priority] [rx-rate-min[/tx-rate-min]]]]
 * seen from the router, so for a PPP or hotspot client `rx` is the upload and `tx` the
 * download. We always write both halves of every pair, and either no burst at all or all of
 * rate, threshold and time (RouterOS would otherwise fill the missing ones with defaults the
 * ISP never chose). Priority and minimum rates are not plan attributes and are left out.
 */

/**
 * A plan's speeds in kbps and its burst time in seconds. Units are decimal, as RouterOS reads
 * them (`k` = 1,000 and `M` = 1,000,000 bit/s): 1 Mbps = 1000 kbps throughout Kilusi.
 */
export interface RateLimitPlan {
  downloadKbps: number;
  uploadKbps: number;
  burstDownloadKbps?: number | null;
  burstUploadKbps?: number | null;
  burstThresholdDownloadKbps?: number | null;
  burstThresholdUploadKbps?: number | null;
  burstTimeSeconds?: number | null;
}

function positive(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new RangeError(`rate limit: ${what} must be a positive integer`);
  return value;
}

/** A rate as RouterOS writes it: whole megabits as `M`, anything else in `k`. */
export function routerOsRate(kbps: number): string {
  positive(kbps, "a rate");
  return kbps % 1000 === 0 ? `${kbps / 1000}M` : `${kbps}k`;
}

const pair = (rx: string, tx: string) => `${rx}/${tx}`;

/**
 * The attribute value, e.g. upload 10000 / download 20000 kbps → `10M/20M`; with a burst
 * `5M/10M 10M/20M 4M/8M 16/16`. Throws a RangeError for a plan the database would refuse
 * (a rate that is not a positive integer, a burst given in part).
 */
export function mikrotikRateLimit(plan: RateLimitPlan): string {
  const base = pair(routerOsRate(plan.uploadKbps), routerOsRate(plan.downloadKbps));
  const burst = [
    plan.burstUploadKbps,
    plan.burstDownloadKbps,
    plan.burstThresholdUploadKbps,
    plan.burstThresholdDownloadKbps,
    plan.burstTimeSeconds,
  ];
  const given = burst.filter((v) => v !== null && v !== undefined).length;
  if (given === 0) return base;
  if (given !== burst.length) throw new RangeError("rate limit: a burst needs its rates, thresholds and time");
  const [burstUp, burstDown, thresholdUp, thresholdDown, seconds] = burst as number[];
  const time = String(positive(seconds as number, "the burst time"));
  return [
    base,
    pair(routerOsRate(burstUp as number), routerOsRate(burstDown as number)),
    pair(routerOsRate(thresholdUp as number), routerOsRate(thresholdDown as number)),
    pair(time, time),
  ].join(" ");
}
