import { and, eq, ne } from "drizzle-orm";
import { users } from "../accounts/accounts.tables.ts";
import type { Clock } from "../clock.ts";
import { newSplitToken, parseSplitToken, secretMatches } from "../crypto/tokens.ts";
import type { Tx } from "../db/database.ts";
import { sessions } from "./sessions.tables.ts";

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export type Session = typeof sessions.$inferSelect;
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  platformOperator: boolean;
  totpEnabled: boolean;
}

// A sliding session is written back at most once a minute, not on every request.
const TOUCH_AFTER_MS = 60_000;

/** A new session for a person who just proved who they are; the token goes in the cookie only. */
export async function createSession(
  tx: Tx,
  clock: Clock,
  input: { userId: string; twoFactorVerified: boolean; ip: string | null; userAgent: string | null },
): Promise<{ token: string; session: Session }> {
  const { id, token, secretHash } = newSplitToken();
  const now = clock.now();
  const [session] = await tx
    .insert(sessions)
    .values({
      id,
      secretHash,
      userId: input.userId,
      twoFactorVerified: input.twoFactorVerified,
      createdAt: now,
      lastSeenAt: now,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    })
    .returning();
  return { token, session: session as Session };
}

/**
 * The session a token stands for, or null: unknown id, wrong secret (constant-time), idle too
 * long, past its absolute lifetime, or a disabled user. Expired sessions are deleted.
 */
export async function validateSession(
  tx: Tx,
  clock: Clock,
  policy: SessionPolicy,
  token: string,
): Promise<{ session: Session; user: SessionUser } | null> {
  const parsed = parseSplitToken(token);
  if (!parsed) return null;
  const [row] = await tx
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, parsed.id));
  if (!row || !secretMatches(parsed.secret, row.session.secretHash)) return null;
  const now = clock.now().getTime();
  const expired =
    now - row.session.lastSeenAt.getTime() >= policy.idleMs ||
    now - row.session.createdAt.getTime() >= policy.absoluteMs;
  if (expired || row.user.status !== "active") {
    await tx.delete(sessions).where(eq(sessions.id, parsed.id));
    return null;
  }
  let session = row.session;
  if (now - session.lastSeenAt.getTime() >= TOUCH_AFTER_MS) {
    const lastSeenAt = new Date(now);
    await tx.update(sessions).set({ lastSeenAt }).where(eq(sessions.id, session.id));
    session = { ...session, lastSeenAt };
  }
  const u = row.user;
  return {
    session,
    user: {
      id: u.id,
      email: u.email,
      name: u.name,
      platformOperator: u.platformOperator,
      totpEnabled: u.totpEnabledAt !== null,
    },
  };
}

export async function invalidateSession(tx: Tx, sessionId: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a person, except `keep` (the one changing the password). */
export async function invalidateUserSessions(tx: Tx, userId: string, keep?: string): Promise<number> {
  const gone = await tx
    .delete(sessions)
    .where(keep ? and(eq(sessions.userId, userId), ne(sessions.id, keep)) : eq(sessions.userId, userId))
    .returning({ id: sessions.id });
  return gone.length;
}

export function listUserSessions(tx: Tx, userId: string) {
  return tx
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(eq(sessions.userId, userId));
}

export async function selectTenant(tx: Tx, sessionId: string, tenantId: string | null): Promise<void> {
  await tx.update(sessions).set({ selectedTenantId: tenantId }).where(eq(sessions.id, sessionId));
}

export async function markTwoFactorVerified(tx: Tx, sessionId: string): Promise<void> {
  await tx.update(sessions).set({ twoFactorVerified: true }).where(eq(sessions.id, sessionId));
}
