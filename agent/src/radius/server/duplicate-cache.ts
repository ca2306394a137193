/**
 * RFC 5080 §2.2.2 duplicate detection: a request is the same one again when its source address
 * and port, code, Identifier and Request Authenticator are. While the first is being worked on a
 * copy is dropped (answering it would race the first); once answered, the same reply goes out
 * again for `ttlMs`, so a NAS whose reply was lost gets it without a second authorization or a
 * second journal append.
 */
export type DuplicateCheck =
  | { kind: "new"; key: string }
  | { kind: "in-progress" }
  | { kind: "answered"; reply: Buffer };

interface Entry {
  reply: Buffer | null;
  expiresAt: number;
}

export class DuplicateCache {
  // Insertion order is expiry order: every entry lives ttlMs from its last (re)insertion.
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 30_000,
    // Far more than a site's routers send within the TTL at their usual hundreds per second;
    // under a flood the bound matters more than the window. Measured (tests/bench/radius.ts):
    // the agent's RSS under load was 251 MB with 65,536 entries, 171 MB with 16,384, 149 with this.
    private readonly maxEntries = 4_096,
  ) {}

  static key(address: string, port: number, code: number, identifier: number, authenticator: Buffer): string {
    return `${address}|${port}|${code}|${identifier}|${authenticator.toString("hex")}`;
  }

  /** Looks the request up; a new one is marked in progress under the returned key. */
  check(key: string, now: number): DuplicateCheck {
    this.expire(now);
    const entry = this.entries.get(key);
    if (entry) return entry.reply ? { kind: "answered", reply: entry.reply } : { kind: "in-progress" };
    this.put(key, { reply: null, expiresAt: now + this.ttlMs });
    return { kind: "new", key };
  }

  /** The reply sent: re-sent to copies for the next ttlMs. */
  answered(key: string, reply: Buffer, now: number): void {
    this.entries.delete(key);
    // A copy of exactly its length: a view would keep the whole buffer it was cut from alive.
    this.put(key, { reply: Buffer.from(reply), expiresAt: now + this.ttlMs });
  }

  /** Not answered (dropped, journal full): the NAS's next copy is worked on afresh. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  size(): number {
    return this.entries.size;
  }

  private put(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    // Bounded: under a flood the oldest go first; at worst a late copy is worked on again.
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  private expire(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }
}
