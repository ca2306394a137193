import type { StoreDatabase } from "../../store/database.ts";
import type { LocalSession, SessionTable } from "./session-table.ts";

/**
 * What each hotspot voucher used at this site, in octets both ways (the unit of a plan's
 * `quotaBytes` and of MikroTik's Total-Limit): the sessions that ended (table
 * voucher_session_usage, one row per session) plus the online ones' latest counters.
 *
 * One row per session, not a running total: a Stop the router sends again — after an agent
 * restart the duplicate cache is empty and the request is new to it — rewrites its own row and
 * never adds its octets twice. Rows of codes the site no longer holds (expired, voided) are
 * dropped by `prune`.
 */
export class VoucherUsage {
  private readonly endStmt;
  private readonly sumStmt;
  private readonly pruneStmt;

  constructor(private readonly s: StoreDatabase) {
    this.endStmt = s.db.query(`
      insert into voucher_session_usage (nas_id, session_id, code, octets) values (?, ?, ?, ?)
      on conflict (nas_id, session_id) do update set octets = max(octets, excluded.octets)`);
    this.sumStmt = s.db.query("select coalesce(sum(octets), 0) as octets from voucher_session_usage where code = ?");
    this.pruneStmt = s.db.query(`
      delete from voucher_session_usage
      where code not in (select key from desired_state where kind = 'voucher')`);
  }

  /** Sessions that ended (Stop, NAS restart, stale), with their final counters; others are ignored. */
  ended(
    sessions: readonly Pick<LocalSession, "nasId" | "sessionId" | "voucherCode" | "inputOctets" | "outputOctets">[],
  ): void {
    const voucherSessions = sessions.filter((s) => s.voucherCode !== null);
    if (voucherSessions.length === 0) return;
    this.s.db.transaction(() => {
      for (const s of voucherSessions) {
        this.endStmt.run(s.nasId, s.sessionId, s.voucherCode, s.inputOctets + s.outputOctets);
      }
    })();
  }

  /** Octets used by `code`: its ended sessions, and its online ones under any of `userNames`. */
  usedOctets(code: string, sessions: SessionTable, userNames: readonly string[]): number {
    const { octets } = this.sumStmt.get(code) as { octets: number };
    let live = 0;
    for (const name of new Set(userNames)) {
      for (const s of sessions.forUser(name)) if (s.voucherCode === code) live += s.inputOctets + s.outputOctets;
    }
    return octets + live;
  }

  /** Drops the rows of codes no longer in the desired state; returns how many went. */
  prune(): number {
    return this.pruneStmt.run().changes;
  }
}
