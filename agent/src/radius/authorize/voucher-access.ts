import type { VoucherActivatedRecord } from "@kilusi/shared/sync/radius-records";
import type { VoucherState } from "@kilusi/shared/sync/site-state";
import { JournalFullError } from "../../store/journal.ts";
import type { AttributeInput, EncodedAttributes } from "../packet/encode.ts";
import { splitOctets64 } from "../packet/index.ts";
import { VoucherUsage } from "../sessions/voucher-usage.ts";
import type { AccessAttempt, AuthorizerOptions, Outcome, RejectReason } from "./access-decision.ts";
import { reject } from "./access-decision.ts";
import { sameStation } from "./calling-station.ts";
import { checkPassword, type PasswordCheck } from "./check-password.ts";
import { EntryMemo, parsedEntry } from "./entry-memo.ts";
import { classOf, encodedReply, interimAttribute, planAttributes, secondsUntil } from "./reply-attributes.ts";
import { sessionInTheWay } from "./simultaneous-use.ts";
import type { VoucherUse, VoucherUses } from "./voucher-uses.ts";

type Activation = { ok: true } | { ok: false; reason: "journal_full" };

const earliest = (dates: (Date | null)[]): Date | null =>
  dates.reduce<Date | null>((min, d) => (d !== null && (min === null || d < min) ? d : min), null);
const dateOf = (iso: string | null) => (iso === null ? null : new Date(iso));
/** The latest instant a Date holds (ECMA-262 §21.4.1.1): a validity beyond it lasts until then, not Invalid Date. */
const LATEST_MS = 8.64e15;
const validUntil = (from: Date, seconds: number) => new Date(Math.min(from.getTime() + seconds * 1000, LATEST_MS));

/**
 * Hotspot vouchers: the code is both User-Name and password (PAP or CHAP, what the hotspot
 * login page sends). Validity runs from the first login: that login is journaled to the
 * cloud and recorded locally before it is granted, so time is never handed out unrecorded.
 */
export class VoucherAccess {
  /** First logins being recorded, by code: a second login of the same code waits for the first. */
  private readonly activations = new Map<string, Promise<Activation>>();
  private readonly usage: VoucherUsage;

  constructor(private readonly o: AuthorizerOptions & { uses: VoucherUses }) {
    this.usage = new VoucherUsage(o.store.database);
  }

  /** The voucher entry for a typed code; codes are upper case, and a phone may not type them so. */
  find(userName: string): { key: string; data: Record<string, unknown> } | null {
    const exact = this.o.store.get("voucher", userName);
    if (exact) return { key: userName, data: exact };
    const upper = userName.toUpperCase();
    const folded = upper === userName ? null : this.o.store.get("voucher", upper);
    return folded ? { key: upper, data: folded } : null;
  }

  async authorize(a: AccessAttempt, entry: { key: string; data: Record<string, unknown> }): Promise<Outcome> {
    const code = entry.key;
    const parsed = parsedEntry("voucher", entry.data);
    if (!parsed.ok) {
      // The key is the code, which is the password: the log names the entry by its kind only.
      this.o.logger.warn({ kind: "voucher", detail: parsed.detail }, "bad desired-state entry");
      return { decision: reject("bad_entry"), subject: {} };
    }
    const v = parsed.value;
    const subject = { voucherId: v.id };
    const refuse = (reason: RejectReason, attributes?: AttributeInput[]): Outcome => ({
      decision: reject(reason, attributes),
      subject,
    });
    if (a.credentials.kind !== "pap" && a.credentials.kind !== "chap") return refuse("unsupported");
    const password = this.checkCode(a, code);
    if (!password.ok) return refuse(password.reason, password.attributes);

    // A reply the encoder would refuse must refuse the login before it uses up the voucher.
    const reply = encodedReplies.get(entry.data, () =>
      encodedReply([
        ...planAttributes(v.plan, { pool: true }),
        interimAttribute(v.plan, this.o.interimSeconds),
        classOf("v", code),
      ]),
    );
    if (typeof reply === "string") {
      this.o.logger.warn({ kind: "voucher", voucherId: v.id, detail: reply }, "bad desired-state entry");
      return refuse("bad_entry");
    }

    let use = this.o.uses.get(code);
    const problem = this.problem(v, use, a, code);
    if (problem) return refuse(problem);
    const left = this.octetsLeft(v, a, code);
    if (left !== null && left <= 0) return refuse("voucher_exhausted");
    if (activationOf(v, use) === null) {
      const activation = await this.activate(code, v, a);
      if (!activation.ok) return refuse(activation.reason);
      // Another device may have been the one that activated it (and got it bound): check again.
      use = this.o.uses.get(code);
      const after = this.problem(v, use, a, code);
      if (after) return refuse(after);
    }
    const expiresAt = expiryOf(v, use) as Date;
    const attributes: AttributeInput[] = [reply, ["Session-Timeout", secondsUntil(expiresAt, a.now)]];
    // The router ends the session when the rest of the quota is used (RouterOS hotspot: octets
    // both ways, 64 bits as Gigawords and the low 32).
    if (left !== null) {
      const { octets, gigawords } = splitOctets64(left);
      attributes.push(["Mikrotik-Total-Limit", octets], ["Mikrotik-Total-Limit-Gigawords", gigawords]);
    }
    return {
      decision: { accept: true, attributes, subscriptionId: null, voucherCode: code, policy: "voucher" },
      subject,
    };
  }

  /** Octets the plan's quota still allows, at least 0; null: the plan has no quota. */
  private octetsLeft(v: VoucherState, a: AccessAttempt, code: string): number | null {
    // The cloud's count, over every site of the tenant, says it is used up.
    if (v.state === "exhausted") return 0;
    if (v.plan.quotaBytes === null) return null;
    return Math.max(0, v.plan.quotaBytes - this.usage.usedOctets(code, this.o.sessions, [code, a.userName]));
  }

  /** The code as stored; failing that, as typed (a code typed in lower case in both fields). */
  private checkCode(a: AccessAttempt, code: string): PasswordCheck {
    const result = checkPassword(a, code);
    return result.ok || a.userName === code ? result : checkPassword(a, a.userName);
  }

  private problem(v: VoucherState, use: VoucherUse | null, a: AccessAttempt, code: string): RejectReason | null {
    const bound = v.mac ?? use?.mac ?? null;
    // A binding needs a device to bind to: a login that names none cannot prove it is that one.
    if (v.macBinding && (a.callingStationId === null || (bound !== null && !sameStation(bound, a.callingStationId)))) {
      return "voucher_mac_mismatch";
    }
    const expiresAt = expiryOf(v, use);
    // The cloud's word that it ran out stands, whatever this site's clock says.
    if (v.state === "expired" || (expiresAt !== null && expiresAt.getTime() <= a.now.getTime())) {
      return "voucher_expired";
    }
    if (sessionInTheWay(this.o.sessions, { userNames: [code, a.userName] }, a.callingStationId)) {
      return "simultaneous_use";
    }
    return null;
  }

  private activate(code: string, v: VoucherState, a: AccessAttempt): Promise<Activation> {
    const pending = this.activations.get(code);
    if (pending) return pending;
    const recording = this.record(code, v, a).finally(() => this.activations.delete(code));
    this.activations.set(code, recording);
    return recording;
  }

  /**
   * Journal first, local row second: a crash between the two leaves a cloud record and a
   * second activation later (the cloud keeps the earlier), never a voucher used unrecorded.
   */
  private async record(code: string, v: VoucherState, a: AccessAttempt): Promise<Activation> {
    const activatedAt = a.now;
    const expiresAt = earliest([validUntil(a.now, v.validitySeconds), dateOf(v.expiresAt)]) as Date;
    const record: VoucherActivatedRecord = {
      voucherId: v.id,
      code,
      activatedAt: activatedAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
      mac: a.callingStationId,
      nasId: a.nasId,
    };
    try {
      await this.o.journal.append("radius.voucher_activated", record);
    } catch (error) {
      // Any other failure (the journal closed at shutdown, a disk error) propagates: unanswered.
      if (!(error instanceof JournalFullError)) throw error;
      this.o.logger.error(
        { voucherId: v.id, nasId: a.nasId, err: error.message },
        "voucher activation not journaled: login refused",
      );
      return { ok: false, reason: "journal_full" };
    }
    this.o.uses.insert({ code, voucherId: v.id, activatedAt, expiresAt, mac: a.callingStationId });
    return { ok: true };
  }
}

/** A voucher's Accept attributes but Session-Timeout (which counts down), encoded once per entry. */
const encodedReplies = new EntryMemo<EncodedAttributes | string>();

/** When its validity started: the earlier of the cloud's activation and this site's; null: never used. */
function activationOf(v: VoucherState, use: VoucherUse | null): Date | null {
  return earliest([dateOf(v.activatedAt), use?.activatedAt ?? null]);
}

/** The earliest end anyone knows of; null while it was never used and has no end of its own. */
function expiryOf(v: VoucherState, use: VoucherUse | null): Date | null {
  const activatedAt = activationOf(v, use);
  const fromActivation = activatedAt === null ? null : validUntil(activatedAt, v.validitySeconds);
  return earliest([fromActivation, dateOf(v.expiresAt), use?.expiresAt ?? null]);
}
