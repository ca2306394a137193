import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";

/** `bytes` of CSPRNG output, base32 (lower case, no padding): URL- and cookie-safe. */
export function randomToken(bytes: number): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** What is stored instead of a secret: its SHA-256, hex. */
export function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

/** Compares a presented secret with a stored hash without leaking where they differ. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = new TextEncoder().encode(hashSecret(secret));
  const b = new TextEncoder().encode(storedHash);
  return a.length === b.length && constantTimeEqual(a, b);
}

/**
 * A token of the Lucia shape, `id.secret`: the id finds the row, the secret proves possession.
 * 120-bit id, 256-bit secret.
 */
export function newSplitToken(): { id: string; secret: string; token: string; secretHash: string } {
  const id = randomToken(15);
  const secret = randomToken(32);
  return { id, secret, token: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

export function parseSplitToken(token: string): { id: string; secret: string } | null {
  const match = /^([a-z2-7]{24})\.([a-z2-7]{52})$/.exec(token);
  return match ? { id: match[1] as string, secret: match[2] as string } : null;
}
