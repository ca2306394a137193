import { and, eq } from "drizzle-orm";
import { users } from "../accounts/accounts.tables.ts";
import { hashPassword, verifyPassword } from "../accounts/passwords.ts";
import { remainingRecoveryCodes } from "../accounts/two-factor.ts";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import type { Database } from "../db/database.ts";
import { AppError, notFound } from "../http/errors.ts";
import { enqueueNotification, type Sealing } from "../notifications/outbox.ts";
import type { LoginThrottle } from "../rate-limits/rate-limits.ts";
import { sessions } from "../sessions/sessions.tables.ts";
import { invalidateUserSessions, listUserSessions } from "../sessions/sessions.ts";
import { memberships, tenants } from "../tenants/tenants.tables.ts";
import type { DetailsInput } from "./profile.schemas.ts";

export interface ProfileDeps extends Sealing {
  database: Database;
  clock: Clock;
  throttle: LoginThrottle;
}

/** The person acting on their own account: ids from the session, never from a form. */
export interface Self {
  userId: string;
  sessionId: string;
}

export const wrongPassword = () =>
  new AppError("invalid_credentials", 400, "The current password is not right.", { field: "current" });

export async function loadProfile(deps: Pick<ProfileDeps, "database">, self: Self) {
  return deps.database.withoutTenant(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, self.userId));
    if (!user) throw notFound("person");
    const list = await listUserSessions(tx, self.userId);
    list.sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
    return {
      name: user.name,
      email: user.email,
      phone: user.phone,
      totpEnabled: user.totpEnabledAt !== null,
      recoveryLeft: user.totpEnabledAt ? await remainingRecoveryCodes(tx, self.userId) : 0,
      sessions: list.map((s) => ({ ...s, current: s.id === self.sessionId })),
    };
  });
}

export async function updateDetails(
  deps: Pick<ProfileDeps, "database" | "clock">,
  self: Self,
  input: DetailsInput,
  meta: RequestMeta,
) {
  await deps.database.withoutTenant(async (tx) => {
    const [before] = await tx
      .select({ name: users.name, phone: users.phone })
      .from(users)
      .where(eq(users.id, self.userId))
      .for("update");
    if (!before) throw notFound("person");
    await tx
      .update(users)
      .set({ name: input.name, phone: input.phone, updatedAt: deps.clock.now() })
      .where(eq(users.id, self.userId));
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: self.userId,
      action: "user.profile_updated",
      entityType: "user",
      entityId: self.userId,
      before,
      after: { name: input.name, phone: input.phone },
    });
  });
}

/**
 * A new password ends every other session (a thief holding one is out) and says how many.
 * Wrong current passwords count like failed sign-ins, so a stolen session cannot guess it.
 */
export async function changeOwnPassword(
  deps: ProfileDeps,
  self: Self,
  input: { current: string; next: string },
  meta: RequestMeta,
): Promise<{ otherSessionsEnded: number }> {
  const [user] = await deps.database.withoutTenant((tx) => tx.select().from(users).where(eq(users.id, self.userId)));
  if (!user) throw notFound("person");
  const key = deps.throttle.accountKey(user.email);
  const ip = meta.ip ?? "unknown";
  const gate = await deps.throttle.attempt(key, ip);
  if (!gate.allowed) {
    throw new AppError("rate_limited", 429, "Too many attempts. Wait a little and try again.", {
      retryAfterSeconds: gate.retryAfterSeconds,
    });
  }
  if (!(await verifyPassword(input.current, user.passwordHash))) throw wrongPassword();
  await deps.throttle.forgive(gate.attemptId);
  const passwordHash = await hashPassword(input.next);
  return deps.database.withoutTenant(async (tx) => {
    const now = deps.clock.now();
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: now, updatedAt: now })
      .where(eq(users.id, self.userId));
    const ended = await invalidateUserSessions(tx, self.userId, self.sessionId);
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: self.userId,
      action: "user.password_changed",
      entityType: "user",
      entityId: self.userId,
      after: { otherSessionsEnded: ended },
    });
    await enqueueNotification(tx, deps, {
      tenantId: null,
      recipient: user.email,
      template: "password_changed",
      params: { name: user.name },
    });
    return { otherSessionsEnded: ended };
  });
}

/** Ends one of the person's own sessions; anyone else's id is "not found". */
export async function revokeSession(
  deps: Pick<ProfileDeps, "database">,
  self: Self,
  sessionId: string,
  meta: RequestMeta,
): Promise<{ current: boolean }> {
  return deps.database.withoutTenant(async (tx) => {
    const gone = await tx
      .delete(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, self.userId)))
      .returning({ id: sessions.id });
    if (gone.length === 0) throw notFound("session");
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: self.userId,
      action: "session.revoked",
      entityType: "session",
      // The id is half of the cookie: a prefix is enough to tell sessions apart in the log.
      entityId: sessionId.slice(0, 8),
    });
    return { current: sessionId === self.sessionId };
  });
}

export async function revokeOtherSessions(
  deps: Pick<ProfileDeps, "database">,
  self: Self,
  meta: RequestMeta,
): Promise<{ ended: number }> {
  return deps.database.withoutTenant(async (tx) => {
    const ended = await invalidateUserSessions(tx, self.userId, self.sessionId);
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: self.userId,
      action: "session.others_revoked",
      entityType: "user",
      entityId: self.userId,
      after: { ended },
    });
    return { ended };
  });
}

/** Names of the active ISPs the person works in that require two-factor of all staff. */
export async function tenantsRequiringTwoFactor(
  deps: Pick<ProfileDeps, "database">,
  userId: string,
): Promise<string[]> {
  const rows = await deps.database.withContext({ userId }, (tx) =>
    tx
      .select({ name: tenants.name })
      .from(memberships)
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
      .where(
        and(
          eq(memberships.userId, userId),
          eq(memberships.status, "active"),
          eq(tenants.status, "active"),
          eq(tenants.require2fa, true),
        ),
      ),
  );
  return rows.map((r) => r.name);
}
