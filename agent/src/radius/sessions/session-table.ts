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
 * The site's online sessions in the agent's store (table radius_sessions): simultaneous use,
 * CoA/Disconnect targets and the stale sweep read it; accounting writes it. A Stop deletes.
 */
export class SessionTable {
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly byUserStmt;
  private readonly bySubscriptionStmt;

  constructor(private readonly s: StoreDatabase) {
    this.upsertStmt = s.db.query(`
      insert into radius_sessions (nas_id, session_id, nas_ip, user_name, subscription_id, voucher_code, framed_ip,
        calling_station_id, started_at, last_seen_at, interim_seconds, input_octets, output_octets)
      values ($nasId, $sessionId, $nasIp, $userName, $subscriptionId, $voucherCode, $framedIp,
        $callingStationId, $startedAt, $lastSeenAt, $interimSeconds, $inputOctets, $outputOctets)
      on conflict (nas_id, session_id) do update set
        nas_ip = excluded.nas_ip,
        user_name = coalesce(excluded.user_name, user_name),
        subscription_id = coalesce(excluded.subscription_id, subscription_id),
        voucher_code = coalesce(excluded.voucher_code, voucher_code),
        framed_ip = coalesce(excluded.framed_ip, framed_ip),
        calling_station_id = coalesce(excluded.calling_station_id, calling_station_id),
        last_seen_at = max(last_seen_at, excluded.last_seen_at),
        interim_seconds = coalesce(excluded.interim_seconds, interim_seconds),
        input_octets = max(input_octets, excluded.input_octets),
        output_octets = max(output_octets, excluded.output_octets)`);
    this.deleteStmt = s.db.query("delete from radius_sessions where nas_id = ? and session_id = ?");
    this.byUserStmt = s.db.query("select * from radius_sessions where user_name = ? order by started_at");
    this.bySubscriptionStmt = s.db.query("select * from radius_sessions where subscription_id = ? order by started_at");
  }

  /** Start or Interim-Update: insert, or refresh an existing row (counters never go back). */
  upsert(session: LocalSession): void {
    this.upsertStmt.run({
      nasId: session.nasId,
      sessionId: session.sessionId,
      nasIp: session.nasIp,
      userName: session.userName,
      subscriptionId: session.subscriptionId,
      voucherCode: session.voucherCode,
      framedIp: session.framedIp,
      callingStationId: session.callingStationId,
      startedAt: session.startedAt,
      lastSeenAt: session.lastSeenAt,
      interimSeconds: session.interimSeconds,
      inputOctets: session.inputOctets,
      outputOctets: session.outputOctets,
    });
  }

  /** Stop (or a kick that was acknowledged): the session is gone. True when it was known. */
  remove(nasId: string, sessionId: string): boolean {
    return this.deleteStmt.run(nasId, sessionId).changes > 0;
  }

  /** Every session of one NAS ended (Accounting-On/Off): returns what was removed. */
  removeForNas(nasId: string): LocalSession[] {
    const rows = this.s.db.query("delete from radius_sessions where nas_id = ? returning *").all(nasId) as Row[];
    return rows.map(fromRow);
  }

  forUser(userName: string): LocalSession[] {
    return (this.byUserStmt.all(userName) as Row[]).map(fromRow);
  }

  forSubscription(subscriptionId: string): LocalSession[] {
    return (this.bySubscriptionStmt.all(subscriptionId) as Row[]).map(fromRow);
  }

  get(nasId: string, sessionId: string): LocalSession | null {
    const row = this.s.db
      .query("select * from radius_sessions where nas_id = ? and session_id = ?")
      .get(nasId, sessionId) as Row | null;
    return row ? fromRow(row) : null;
  }

  all(): LocalSession[] {
    return (this.s.db.query("select * from radius_sessions order by started_at").all() as Row[]).map(fromRow);
  }

  count(): number {
    return (this.s.db.query("select count(*) as n from radius_sessions").get() as { n: number }).n;
  }

  /**
   * Sessions with no update for 3 interim intervals (RFC 2866 gives no Stop after a NAS crash):
   * removed and returned, for the caller to journal as closed `stale`.
   */
  sweepStale(now: Date, defaultInterimSeconds: number): LocalSession[] {
    const rows = this.s.db
      .query(
        `delete from radius_sessions
         where julianday(?) - julianday(last_seen_at) > 3 * coalesce(interim_seconds, ?) / 86400.0
         returning *`,
      )
      .all(now.toISOString(), defaultInterimSeconds) as Row[];
    return rows.map(fromRow);
  }
}
