/**
 * At most one log line per key per interval: a flood of bad datagrams, or a journal that stays
 * full, must not flood the log too. The keys kept are bounded (the oldest is forgotten first).
 */
export class Throttle {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 1024,
  ) {}

  /** True when a line for `key` may be written now (and counts as written). */
  allow(key: string, now = Date.now()): boolean {
    const at = this.last.get(key);
    if (at !== undefined && now - at < this.intervalMs) return false;
    this.last.delete(key);
    this.last.set(key, now);
    if (this.last.size > this.maxKeys) this.last.delete(this.last.keys().next().value as string);
    return true;
  }
}
