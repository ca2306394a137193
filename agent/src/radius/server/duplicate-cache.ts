import { RecentMap } from "../../recent-map.ts";

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

export class DuplicateCache {
  /** An entry is the reply sent, or null while the first copy is being worked on. */
  private readonly entries: RecentMap<Buffer | null>;

  constructor(
    ttlMs = 30_000,
    // Far more than a site's routers send within the TTL at their usual hundreds per second;
    // under a flood the bound matters more than the window. Measured (tests/bench/radius.ts):
    // the agent's RSS under load was 251 MB with 65,536 entries, 171 MB with 16,384, 149 with this.
    maxEntries = 4_096,
  ) {
    this.entries = new RecentMap(ttlMs, maxEntries);
  }

  static key(address: string, port: number, code: number, identifier: number, authenticator: Buffer): string {
    // latin1: one character per octet, half the length of hex and cheaper to make.
    return `${address}|${port}|${code}|${identifier}|${authenticator.toString("latin1")}`;
  }

  /** Looks the request up; a new one is marked in progress under the returned key. */
  check(key: string, now: number): DuplicateCheck {
    const reply = this.entries.get(key, now);
    if (reply !== undefined) return reply ? { kind: "answered", reply } : { kind: "in-progress" };
    this.entries.set(key, null, now);
    return { kind: "new", key };
  }

  /** The reply sent: re-sent to copies for the next ttlMs. */
  answered(key: string, reply: Buffer, now: number): void {
    // A copy of exactly its length: a view would keep the whole buffer it was cut from alive.
    this.entries.set(key, Buffer.from(reply), now);
  }

  /** Not answered (dropped, journal full): the NAS's next copy is worked on afresh. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  size(): number {
    return this.entries.size();
  }
}
