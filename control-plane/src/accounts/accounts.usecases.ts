import { and, eq, isNull } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import { hashSecret, randomToken, secretMatches } from "../crypto/tokens.ts";
import type { Database, Tx } from "../db/database.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { AppError } from "../http/errors.ts";
import { enqueueNotification } from "../notifications/outbox.ts";
import type { LoginThrottle } from "../rate-limits/rate-limits.ts";
import {
  createSession,
  invalidateSession,
  invalidateUserSessions,
  type SessionPolicy,
  selectTenant as setSessionTenant,
} from "../sessions/sessions.ts";
import { memberships, tenants } from "../tenants/tenants.tables.ts";
import type { SignupInput } from "./accounts.schemas.ts";
import { passwordResets, users } from "./accounts.tables.ts";
import { decoyHash, hashPassword, needsRehash, verifyPassword } from "./passwords.ts";

export interface AccountsDeps {
  database: Database;
  clock: Clock;
  policy: SessionPolicy;
  throttle: LoginThrottle;
}

export interface SignedIn {
  token: string;
  expires: Date;
  userId: string;
  needsSecondFactor: boolean;
  /** The tenant chosen for the session, when there was exactly one to choose. */
  tenantId: string | null;
}

const RESET_TTL_MS = 60 * 60_000;

export const invalidCredentials = () =>
  new AppError("invalid_credentials", 401, "The e-mail address or password is not right.");

export const rateLimited = (retryAfterSeconds: number) =>
  new AppError("rate_limited", 429, "Too many attempts. Wait a little and try again.", { retryAfterSeconds });

/** Sign-up: the ISP (tenant), its owner and the owner's first session, in one transaction. */
export async function signup(deps: AccountsDeps, input: SignupInput, meta: RequestMeta): Promise<SignedIn> {
  const passwordHash = await hashPassword(input.password);
  const tenantId = crypto.randomUUID();
  const userId = crypto.randomUUID();
  try {
    return await deps.database.withContext({ tenantId, userId }, async (tx) => {
      await tx
        .insert(users)
        .values({ id: userId, email: input.email, name: input.ownerName, phone: input.phone, passwordHash });
      await tx.insert(tenants).values({ id: tenantId, slug: input.slug, name: input.ispName });
      await tx.insert(memberships).values({ tenantId, userId, role: "owner" });
      await audit(tx, meta, {
        tenantId,
        actorUserId: userId,
        action: "tenant.created",
        entityType: "tenant",
        entityId: tenantId,
        after: { name: input.ispName, slug: input.slug, owner: input.email },
      });
      const { token, session } = await createSession(tx, deps.clock, {
        userId,
        twoFactorVerified: true,
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
      await setSessionTenant(tx, session.id, tenantId);
      return { token, expires: expiry(deps, session.createdAt), userId, needsSecondFactor: false, tenantId };
    });
  } catch (error) {
    if (isUniqueViolation(error, "tenants_slug_unique")) {
      throw new AppError("slug_taken", 409, "This address is taken by another ISP.", { field: "slug" });
    }
    if (isUniqueViolation(error, "users_email_unique")) {
      throw new AppError("email_taken", 409, "This e-mail address already has an account: sign in instead.", {
        field: "email",
      });
    }
    throw error;
  }
}

/**
 * Sign-in by e-mail and password. Every failure answers the same, takes as long (a decoy hash
 * is verified for unknown addresses) and counts against the account and the address.
 */
export async function login(
  deps: AccountsDeps,
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<SignedIn> {
  const ip = meta.ip ?? "unknown";
  const key = deps.throttle.accountKey(input.email);
  const gate = await deps.throttle.check(key, ip);
  if (!gate.allowed) throw rateLimited(gate.retryAfterSeconds);
  if (gate.delayMs > 0) await Bun.sleep(gate.delayMs);

  const [user] = await deps.database.withoutTenant((tx) => tx.select().from(users).where(eq(users.email, input.email)));
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !passwordOk || user.status !== "active") {
    await deps.throttle.recordFailure(key, ip);
    throw invalidCredentials();
  }
  await deps.throttle.clearFailures(key, ip);
  const rehash = needsRehash(user.passwordHash) ? await hashPassword(input.password) : null;

  return deps.database.withContext({ userId: user.id }, async (tx) => {
    if (rehash) await tx.update(users).set({ passwordHash: rehash }).where(eq(users.id, user.id));
    const places = await activePlaces(tx, user.id);
    const needsSecondFactor = user.totpEnabledAt !== null;
    const { token, session } = await createSession(tx, deps.clock, {
      userId: user.id,
      twoFactorVerified: !needsSecondFactor,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    const only = places.length === 1 ? (places[0]?.tenantId ?? null) : null;
    if (only) await setSessionTenant(tx, session.id, only);
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: user.id,
      action: "session.created",
      entityType: "user",
      entityId: user.id,
    });
    return { token, expires: expiry(deps, session.createdAt), userId: user.id, needsSecondFactor, tenantId: only };
  });
}

/** The ISPs a person may work in now: active membership in an active tenant. */
export function activePlaces(tx: Tx, userId: string) {
  return tx
    .select({ tenantId: tenants.id, name: tenants.name, slug: tenants.slug, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, userId), eq(memberships.status, "active"), eq(tenants.status, "active")))
    .orderBy(tenants.name);
}

/** Lists the ISPs of the signed-in person (the picker). */
export function listPlaces(deps: Pick<AccountsDeps, "database">, userId: string) {
  return deps.database.withContext({ userId }, (tx) => activePlaces(tx, userId));
}

/** Picks the ISP a session works in; anything the person does not belong to is "not found". */
export async function chooseTenant(
  deps: Pick<AccountsDeps, "database">,
  auth: { userId: string; sessionId: string },
  tenantId: string,
  meta: RequestMeta,
): Promise<void> {
  await deps.database.withContext({ userId: auth.userId }, async (tx) => {
    const places = await activePlaces(tx, auth.userId);
    if (!places.some((p) => p.tenantId === tenantId)) throw new AppError("not_found", 404, "The ISP was not found.");
    await setSessionTenant(tx, auth.sessionId, tenantId);
  });
  await deps.database.withTenant(tenantId, (tx) =>
    audit(tx, meta, {
      tenantId,
      actorUserId: auth.userId,
      action: "session.tenant_chosen",
      entityType: "user",
      entityId: auth.userId,
    }),
  );
}

export async function logout(
  deps: Pick<AccountsDeps, "database">,
  auth: { userId: string; sessionId: string },
  meta: RequestMeta,
) {
  await deps.database.withoutTenant(async (tx) => {
    await invalidateSession(tx, auth.sessionId);
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: auth.userId,
      action: "session.ended",
      entityType: "user",
      entityId: auth.userId,
    });
  });
}

/** A new password ends every other session of the person, and they are told about it. */
export async function changePassword(
  deps: AccountsDeps,
  auth: { userId: string; sessionId: string },
  input: { current: string; next: string },
  meta: RequestMeta,
): Promise<void> {
  const [user] = await deps.database.withoutTenant((tx) => tx.select().from(users).where(eq(users.id, auth.userId)));
  if (!user || !(await verifyPassword(input.current, user.passwordHash))) {
    throw new AppError("invalid_credentials", 400, "The current password is not right.", { field: "current" });
  }
  const passwordHash = await hashPassword(input.next);
  await deps.database.withoutTenant(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: deps.clock.now(), updatedAt: deps.clock.now() })
      .where(eq(users.id, auth.userId));
    const ended = await invalidateUserSessions(tx, auth.userId, auth.sessionId);
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: auth.userId,
      action: "user.password_changed",
      entityType: "user",
      entityId: auth.userId,
      after: { otherSessionsEnded: ended },
    });
    await enqueueNotification(tx, {
      tenantId: null,
      recipient: user.email,
      template: "password_changed",
      params: { name: user.name },
    });
  });
}

/**
 * Starts a reset. The caller answers the same whether or not the address has an account; only
 * when it has one is a single-use link (1 h) queued for delivery.
 */
export async function requestPasswordReset(
  deps: AccountsDeps,
  input: { email: string; origin: string },
  meta: RequestMeta,
): Promise<void> {
  await deps.database.withoutTenant(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.email, input.email));
    if (!user || user.status !== "active") return;
    const id = crypto.randomUUID();
    const secret = randomToken(32);
    await tx.insert(passwordResets).values({
      id,
      userId: user.id,
      secretHash: hashSecret(secret),
      expiresAt: new Date(deps.clock.now().getTime() + RESET_TTL_MS),
    });
    await enqueueNotification(tx, {
      tenantId: null,
      recipient: user.email,
      template: "password_reset",
      params: { name: user.name, link: `${input.origin}/reset/${id}.${secret}` },
    });
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: null,
      action: "user.reset_requested",
      entityType: "user",
      entityId: user.id,
    });
  });
}

const RESET_TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([a-z2-7]{52})$/;

/** Finishes a reset: single use, within the hour; every session of the person ends. */
export async function resetPassword(
  deps: AccountsDeps,
  input: { token: string; password: string },
  meta: RequestMeta,
): Promise<void> {
  const invalid = () => new AppError("invalid_token", 400, "This link is not valid any more. Ask for a new one.");
  const match = RESET_TOKEN.exec(input.token);
  if (!match) throw invalid();
  const [, id, secret] = match as unknown as [string, string, string];
  const passwordHash = await hashPassword(input.password);
  await deps.database.withoutTenant(async (tx) => {
    const [reset] = await tx
      .select()
      .from(passwordResets)
      .where(and(eq(passwordResets.id, id), isNull(passwordResets.usedAt)));
    if (!reset || !secretMatches(secret, reset.secretHash) || reset.expiresAt <= deps.clock.now()) throw invalid();
    const used = await tx
      .update(passwordResets)
      .set({ usedAt: deps.clock.now() })
      .where(and(eq(passwordResets.id, id), isNull(passwordResets.usedAt)))
      .returning({ id: passwordResets.id });
    if (used.length !== 1) throw invalid();
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: deps.clock.now(), updatedAt: deps.clock.now() })
      .where(eq(users.id, reset.userId));
    const ended = await invalidateUserSessions(tx, reset.userId);
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: reset.userId,
      action: "user.password_reset",
      entityType: "user",
      entityId: reset.userId,
      after: { sessionsEnded: ended },
    });
  });
}

function expiry(deps: Pick<AccountsDeps, "policy">, createdAt: Date): Date {
  return new Date(createdAt.getTime() + deps.policy.absoluteMs);
}
