import { RecentMap } from "../../recent-map.ts";

/**
 * At most one log line per key per interval: a flood of bad datagrams, or a journal that stays
 * full, must not flood the log too. The keys kept are bounded (under a flood the oldest go first),
 * in constant time per call: a flood of forged sources asks once per datagram.
 */
export class Throttle {
  private readonly last: RecentMap<true>;

  constructor(intervalMs: number, maxKeys = 1024) {
    this.last = new RecentMap(intervalMs, maxKeys);
  }

  /** True when a line for `key` may be written now (and counts as written). */
  allow(key: string, now = Date.now()): boolean {
    if (this.last.get(key, now)) return false;
    this.last.set(key, true, now);
    return true;
  }
}
