import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { decodeBase64, encodeBase64 } from "@oslojs/encoding";
import { createTOTPKeyURI, generateHOTP } from "@oslojs/otp";
import { and, count, eq, isNull, sql } from "drizzle-orm";
import { encode } from "uqr";
import { createSecretBox, type SecretBox } from "../crypto/secret-box.ts";
import { hashSecret } from "../crypto/tokens.ts";
import type { Tx } from "../db/database.ts";
import { recoveryCodes } from "./accounts.tables.ts";

// TOTP as every authenticator app expects it (RFC 6238 defaults): HMAC-SHA-1, 6 digits, 30 s.
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one, for phones whose clocks drift. */
export const TOTP_DRIFT_STEPS = 1;
/** The secret-box purpose the sealed key is derived for (DESIGN §5). */
export const TOTP_BOX_PURPOSE = "users/totp";

/** A new TOTP key: 160 bits, the HMAC-SHA-1 block RFC 4226 recommends. */
export function newTotpKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(20));
}

/** The otpauth:// URI an authenticator app scans. */
export function totpUri(input: { key: Uint8Array; issuer: string; account: string }): string {
  return createTOTPKeyURI(input.issuer, input.account, input.key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/**
 * The URI as a QR code, an SVG of one white <rect> and one black <path> (one subpath per run
 * of dark modules): presentation attributes only, no style, no script, so it passes the CSP
 * as `<img src="data:image/svg+xml;base64,…">`. A 4-module quiet zone (the QR standard's) keeps
 * it scannable on a dark page.
 */
export function totpQrSvg(uri: string, moduleSize = 6): string {
  const qr = encode(uri, { ecc: "M", border: 4 });
  const runs: string[] = [];
  qr.data.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (row[x]) x++;
      runs.push(`M${start} ${y}h${x - start}v1h-${x - start}z`);
    }
  });
  const n = qr.size;
  const px = n * moduleSize;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" width="${px}" height="${px}" shape-rendering="crispEdges">` +
    `<rect width="${n}" height="${n}" fill="#ffffff"/><path d="${runs.join("")}" fill="#000000"/></svg>`
  );
}

export type TotpResult = { ok: true; step: number } | { ok: false };

/**
 * Checks a code against the current step and one either side. A step at or before `lastStep`
 * (the last accepted, kept in users.totp_last_step) is refused, so a code seen over a
 * shoulder or in a log cannot be used again; the caller stores the returned step.
 */
export function verifyTotp(
  key: Uint8Array,
  code: string,
  opts: { now: Date; lastStep: number | null | undefined },
): TotpResult {
  if (!/^[0-9]{6}$/.test(code)) return { ok: false };
  const current = Math.floor(opts.now.getTime() / (TOTP_PERIOD_SECONDS * 1000));
  const presented = new TextEncoder().encode(code);
  let matched: number | null = null;
  // Every candidate is computed and compared, matching or not, so timing says nothing about
  // which step matched; the latest match wins so the stored step bars all the others.
  for (let step = current - TOTP_DRIFT_STEPS; step <= current + TOTP_DRIFT_STEPS; step++) {
    const expected = new TextEncoder().encode(generateHOTP(key, BigInt(step), TOTP_DIGITS));
    const fresh = opts.lastStep === null || opts.lastStep === undefined || step > opts.lastStep;
    if (constantTimeEqual(presented, expected) && fresh) matched = step;
  }
  return matched === null ? { ok: false } : { ok: true, step: matched };
}

/** The box that seals TOTP keys at rest. */
export function createTotpBox(masterKey: Buffer): SecretBox {
  return createSecretBox(masterKey, TOTP_BOX_PURPOSE);
}

/** Sealed with the user id as AAD: a sealed key copied to another user's row does not open. */
export function sealTotpKey(box: SecretBox, userId: string, key: Uint8Array): string {
  return box.seal(encodeBase64(key), userId);
}

export function openTotpKey(box: SecretBox, userId: string, sealed: string): Uint8Array {
  return decodeBase64(box.open(sealed, userId));
}

// Recovery codes: lower case and digits without the look-alikes 0/o, 1/l/i (31 symbols).
// 31 symbols cannot reach 50 bits in 10 characters (49.5), so codes have 12: 59.4 bits.
export const RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_GROUP = 6;
const RECOVERY_SHAPE = new RegExp(`^[${RECOVERY_ALPHABET}]{${RECOVERY_GROUP * 2}}$`);

/** Ten new codes, `xxxxxx-xxxxxx`, shown once; only their hashes are stored. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = randomChars(RECOVERY_GROUP * 2);
    return `${chars.slice(0, RECOVERY_GROUP)}-${chars.slice(RECOVERY_GROUP)}`;
  });
}

/** Uniform over the alphabet: bytes past the last whole multiple of its size are redrawn. */
function randomChars(length: number): string {
  const size = RECOVERY_ALPHABET.length;
  const limit = 256 - (256 % size);
  let out = "";
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out += RECOVERY_ALPHABET[byte % size];
    }
  }
  return out;
}

/** What people type back: any case, with or without the dash, spaces anywhere. */
export function normalizeRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, "");
}

/** Replaces all of a person's codes (a fresh set invalidates the old one). */
export async function replaceRecoveryCodes(tx: Tx, userId: string, codes: string[]): Promise<void> {
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  if (codes.length === 0) return;
  await tx
    .insert(recoveryCodes)
    .values(codes.map((code) => ({ userId, codeHash: hashSecret(normalizeRecoveryCode(code)) })));
}

/**
 * Spends a code. The conditional update is the check: of two requests presenting the same
 * code at once, exactly one sees `used_at is null` and gets a row back. `at` defaults to the
 * database's transaction time (only a record; no rule reads it).
 */
export async function useRecoveryCode(tx: Tx, userId: string, input: string, at?: Date): Promise<boolean> {
  const code = normalizeRecoveryCode(input);
  if (!RECOVERY_SHAPE.test(code)) return false;
  const used = await tx
    .update(recoveryCodes)
    .set({ usedAt: at ?? sql`now()` })
    .where(
      and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hashSecret(code)), isNull(recoveryCodes.usedAt)),
    )
    .returning({ userId: recoveryCodes.userId });
  return used.length > 0;
}

/** How many unused codes a person has left (shown, with a prompt to renew when low). */
export async function remainingRecoveryCodes(tx: Tx, userId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return row?.n ?? 0;
}
