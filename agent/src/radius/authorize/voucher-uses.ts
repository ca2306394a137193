import type { StoreDatabase } from "../../store/database.ts";

/** A voucher's first login at this site (table voucher_uses). */
export interface VoucherUse {
  code: string;
  voucherId: string;
  activatedAt: Date;
  expiresAt: Date;
  mac: string | null;
}

interface Row {
  code: string;
  voucher_id: string;
  activated_at: string;
  expires_at: string;
  mac: string | null;
}

/**
 * The local record of activations, read until the cloud's voucher entry says active (and after:
 * the earlier activation wins). A row is written only after its journal record committed.
 */
export class VoucherUses {
  private readonly getStmt;
  private readonly insertStmt;
  private readonly pruneStmt;

  constructor(s: StoreDatabase) {
    this.getStmt = s.db.query("select * from voucher_uses where code = ?");
    // A row already there is an earlier activation: it stays.
    this.insertStmt = s.db.query(
      "insert or ignore into voucher_uses (code, voucher_id, activated_at, expires_at, mac) values (?, ?, ?, ?, ?)",
    );
    this.pruneStmt = s.db.query(
      "delete from voucher_uses where code not in (select key from desired_state where kind = 'voucher')",
    );
  }

  get(code: string): VoucherUse | null {
    const row = this.getStmt.get(code) as Row | null;
    if (!row) return null;
    return {
      code: row.code,
      voucherId: row.voucher_id,
      activatedAt: new Date(row.activated_at),
      expiresAt: new Date(row.expires_at),
      mac: row.mac,
    };
  }

  insert(use: VoucherUse): void {
    this.insertStmt.run(use.code, use.voucherId, use.activatedAt.toISOString(), use.expiresAt.toISOString(), use.mac);
  }

  /** Drops the rows of codes no longer in the desired state (void, or released weeks after their end). */
  prune(): number {
    return this.pruneStmt.run().changes;
  }
}
