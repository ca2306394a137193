/**
 * argon2id with OWASP's recommended minimum (19 MiB, 2 iterations, 1 lane): Bun's defaults
 * are heavier than two shared cores can afford at sign-in bursts; these are written down so a
 * test can assert them and an upgrade re-hashes on the next sign-in.
 */
export const ARGON2 = { algorithm: "argon2id", memoryCost: 19_456, timeCost: 2 } as const;

/** ASVS 2.1: at least 12 characters, at most 128, any characters (spaces and emoji too). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, ARGON2);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return Bun.password.verify(password, hash);
}

/** True when a stored hash was made with weaker parameters than today's. */
export function needsRehash(hash: string): boolean {
  return !hash.startsWith(`$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},`);
}

// A hash of a random password, verified against when the account does not exist, so that
// "no such account" takes as long as "wrong password".
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(crypto.randomUUID());
  return decoy;
}
