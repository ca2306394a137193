import { Database } from "bun:sqlite";
import type { StoreDatabase } from "../../store/database.ts";

/** A session a router reported with Start or Interim-Update and has not ended. */
export interface LocalSession {
  nasId: string;
  sessionId: string;
  nasIp: string;
  userName: string | null;
  subscriptionId: string | null;
  voucherCode: string | null;
  framedIp: string | null;
  callingStationId: string | null;
  startedAt: string;
  lastSeenAt: string;
  /** Acct-Interim-Interval the session runs with (seconds); null: the agent's default. */
  interimSeconds: number | null;
  inputOctets: number;
  outputOctets: number;
}

interface Row {
  nas_id: string;
  session_id: string;
  nas_ip: string;
  user_name: string | null;
  subscription_id: string | null;
  voucher_code: string | null;
  framed_ip: string | null;
  calling_station_id: string | null;
  started_at: string;
  last_seen_at: string;
  interim_seconds: number | null;
  input_octets: number;
  output_octets: number;
}

const fromRow = (r: Row): LocalSession => ({
  nasId: r.nas_id,
  sessionId: r.session_id,
  nasIp: r.nas_ip,
  userName: r.user_name,
  subscriptionId: r.subscription_id,
  voucherCode: r.voucher_code,
  framedIp: r.framed_ip,
  callingStationId: r.calling_station_id,
  startedAt: r.started_at,
  lastSeenAt: r.last_seen_at,
  interimSeconds: r.interim_seconds,
  inputOctets: r.input_octets,
  outputOctets: r.output_octets,
});

/**
 * The site's online sessions (table radius_sessions): simultaneous use, CoA/Disconnect targets
 * and the stale sweep read it; accounting writes it. A Stop deletes.
 *
 * Every Access-Request reads it and every Accounting-Request writes it, so reads come from an
 * in-memory index (loaded once; this class is the table's only writer) and writes are gathered
 * and committed together once a second (FLUSH_MS; the last state of each row wins), through a
 * second connection with `synchronous = normal`: in WAL mode such a commit costs no fsync,
 * survives a crash of the process (the OS has it) and is made durable by the journal's next
 * flush of the WAL. A kill -9 can lose the last second's session rows, never a journal record:
 * the table is rebuilt by the router's next interim, the journal could not be. Measured with
 * tests/bench/radius.ts: one commit per accounting request was once the agent's main cost, and
 * a commit per event-loop turn still about a tenth of its CPU per request.
 */
export class SessionTable {
  private readonly byKey = new Map<string, LocalSession>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly bySubscription = new Map<string, Set<string>>();
  private readonly writer: Database;
  private readonly writeStmt;
  private readonly deleteStmt;
  /** Rows to write (a session) or delete (null) at the end of this turn, by key. */
  private readonly pending = new Map<string, LocalSession | null>();
  private flushScheduled = false;

  constructor(s: StoreDatabase) {
    for (const row of s.db.query("select * from radius_sessions").all() as Row[]) {
      this.index(fromRow(row));
    }
    this.writer = new Database(s.path, { strict: true });
    this.writer.exec("pragma synchronous = normal");
    this.writer.exec("pragma busy_timeout = 5000");
    this.writeStmt = this.writer.query(`
      insert or replace into radius_sessions (nas_id, session_id, nas_ip, user_name, subscription_id, voucher_code,
        framed_ip, calling_station_id, started_at, last_seen_at, interim_seconds, input_octets, output_octets)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.deleteStmt = this.writer.query("delete from radius_sessions where nas_id = ? and session_id = ?");
  }

  /** Start or Interim-Update: insert, or refresh an existing row (counters never go back). */
  upsert(session: LocalSession): void {
    const key = keyOf(session.nasId, session.sessionId);
    const old = this.byKey.get(key);
    const merged: LocalSession = old
      ? {
          ...old,
          nasIp: session.nasIp,
          userName: session.userName ?? old.userName,
          subscriptionId: session.subscriptionId ?? old.subscriptionId,
          voucherCode: session.voucherCode ?? old.voucherCode,
          framedIp: session.framedIp ?? old.framedIp,
          callingStationId: session.callingStationId ?? old.callingStationId,
          lastSeenAt: later(session.lastSeenAt, old.lastSeenAt),
          interimSeconds: session.interimSeconds ?? old.interimSeconds,
          inputOctets: Math.max(old.inputOctets, session.inputOctets),
          outputOctets: Math.max(old.outputOctets, session.outputOctets),
        }
      : { ...session };
    this.index(merged);
    this.queue(key, merged);
  }

  /** Stop (or a kick that was acknowledged): the session is gone. True when it was known. */
  remove(nasId: string, sessionId: string): boolean {
    const key = keyOf(nasId, sessionId);
    this.queue(key, null);
    return this.unindex(key);
  }

  /** Every session of one NAS ended (Accounting-On/Off): returns what was removed. */
  removeForNas(nasId: string): LocalSession[] {
    return this.removeWhere((s) => s.nasId === nasId);
  }

  forUser(userName: string): LocalSession[] {
    return this.pick(this.byUser.get(userName));
  }

  forSubscription(subscriptionId: string): LocalSession[] {
    return this.pick(this.bySubscription.get(subscriptionId));
  }

  get(nasId: string, sessionId: string): LocalSession | null {
    const session = this.byKey.get(keyOf(nasId, sessionId));
    return session ? { ...session } : null;
  }

  all(): LocalSession[] {
    return this.where(() => true);
  }

  count(): number {
    return this.byKey.size;
  }

  /**
   * Sessions with no update for 3 interim intervals (RFC 2866 gives no Stop after a NAS crash):
   * removed and returned, for the caller to journal as closed `stale`.
   */
  sweepStale(now: Date, defaultInterimSeconds: number): LocalSession[] {
    const t = now.getTime();
    return this.removeWhere(
      (s) => t - Date.parse(s.lastSeenAt) > 3 * (s.interimSeconds ?? defaultInterimSeconds) * 1000,
    );
  }

  /** Writes what is queued now (close() does; tests that read the table directly may). */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.size === 0) return;
    const rows = [...this.pending];
    this.pending.clear();
    this.writer.transaction(() => {
      for (const [key, row] of rows) {
        if (row) {
          this.writeStmt.run(
            row.nasId,
            row.sessionId,
            row.nasIp,
            row.userName,
            row.subscriptionId,
            row.voucherCode,
            row.framedIp,
            row.callingStationId,
            row.startedAt,
            row.lastSeenAt,
            row.interimSeconds,
            row.inputOctets,
            row.outputOctets,
          );
        } else {
          const [nasId, sessionId] = key.split("\u0000") as [string, string];
          this.deleteStmt.run(nasId, sessionId);
        }
      }
    })();
  }

  close(): void {
    this.flush();
    this.writer.close();
  }

  private queue(key: string, row: LocalSession | null): void {
    this.pending.set(key, row);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  private index(session: LocalSession): void {
    const key = keyOf(session.nasId, session.sessionId);
    const old = this.byKey.get(key);
    if (old && old.userName === session.userName && old.subscriptionId === session.subscriptionId) {
      // An interim of a known session: the by-user and by-subscription sets already hold it.
      this.byKey.set(key, session);
      return;
    }
    this.unindex(key);
    this.byKey.set(key, session);
    if (session.userName !== null) setOf(this.byUser, session.userName).add(key);
    if (session.subscriptionId !== null) setOf(this.bySubscription, session.subscriptionId).add(key);
  }

  private unindex(key: string): boolean {
    const old = this.byKey.get(key);
    if (!old) return false;
    this.byKey.delete(key);
    if (old.userName !== null) dropFrom(this.byUser, old.userName, key);
    if (old.subscriptionId !== null) dropFrom(this.bySubscription, old.subscriptionId, key);
    return true;
  }

  private pick(keys: Set<string> | undefined): LocalSession[] {
    if (!keys) return [];
    return sortByStart([...keys].map((k) => ({ ...(this.byKey.get(k) as LocalSession) })));
  }

  private where(match: (s: LocalSession) => boolean): LocalSession[] {
    const found: LocalSession[] = [];
    for (const s of this.byKey.values()) if (match(s)) found.push({ ...s });
    return sortByStart(found);
  }

  private removeWhere(match: (s: LocalSession) => boolean): LocalSession[] {
    const gone = this.where(match);
    if (gone.length === 0) return gone;
    for (const s of gone) {
      const key = keyOf(s.nasId, s.sessionId);
      this.queue(key, null);
      this.unindex(key);
    }
    return gone;
  }
}

/** Rows changed within this time are written in one transaction (the last state of each wins). */
const FLUSH_MS = 1_000;

const keyOf = (nasId: string, sessionId: string) => `${nasId}\u0000${sessionId}`;

const sortByStart = (list: LocalSession[]) =>
  list.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));

function setOf(map: Map<string, Set<string>>, name: string): Set<string> {
  const found = map.get(name);
  if (found) return found;
  const set = new Set<string>();
  map.set(name, set);
  return set;
}

function dropFrom(map: Map<string, Set<string>>, name: string, key: string): void {
  const set = map.get(name);
  if (!set) return;
  set.delete(key);
  if (set.size === 0) map.delete(name);
}

/** The later of two ISO instants (they compare as text). */
const later = (a: string, b: string) => (a > b ? a : b);
