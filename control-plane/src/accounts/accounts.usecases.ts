import { and, eq } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import { provisionTenantBilling } from "../billing/billing-settings.usecases.ts";
import type { Clock } from "../clock.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Database, Tx } from "../db/database.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { AppError } from "../http/errors.ts";
import type { LoginThrottle, RateLimiter } from "../rate-limits/rate-limits.ts";
import {
  createSession,
  invalidateSession,
  markTwoFactorVerified,
  type SessionPolicy,
  selectTenant as setSessionTenant,
} from "../sessions/sessions.ts";
import { memberships, tenants } from "../tenants/tenants.tables.ts";
import type { SignupInput } from "./accounts.schemas.ts";
import { users } from "./accounts.tables.ts";
import { decoyHash, hashPassword, needsRehash, verifyPassword } from "./passwords.ts";
import { openTotpKey, TOTP_BOX_PURPOSE, useRecoveryCode, verifyTotp } from "./two-factor.ts";

export interface AccountsDeps {
  database: Database;
  clock: Clock;
  policy: SessionPolicy;
  throttle: LoginThrottle;
  limiter: RateLimiter;
}

/** Per client address: enough for a person retrying, too few for a bot. */
export const SIGNUP_LIMIT = { limit: 10, windowSeconds: 3600 } as const;

export interface SignedIn {
  token: string;
  expires: Date;
  userId: string;
  needsSecondFactor: boolean;
  /** The tenant chosen for the session, when there was exactly one to choose. */
  tenantId: string | null;
}

export const invalidCredentials = () =>
  new AppError("invalid_credentials", 401, "The e-mail address or password is not right.");

export const rateLimited = (retryAfterSeconds: number) =>
  new AppError("rate_limited", 429, "Too many attempts. Wait a little and try again.", { retryAfterSeconds });

export const invalidCode = () =>
  new AppError("invalid_code", 401, "The code is not right or was used already.", { field: "code" });

/** Counts a hit on a per-address limit and refuses past it. */
export async function enforceLimit(
  deps: Pick<AccountsDeps, "limiter">,
  bucket: string,
  rule: { limit: number; windowSeconds: number },
) {
  const hit = await deps.limiter.hit(bucket, rule);
  if (!hit.allowed) throw rateLimited(hit.retryAfterSeconds);
}

/** A session this browser already had: ended when it signs in again, so a planted cookie is useless. */
export interface Replacing {
  replacesSessionId?: string | null;
}

/** Sign-up: the ISP (tenant), its owner and the owner's first session, in one transaction. */
export async function signup(deps: AccountsDeps, input: SignupInput & Replacing, meta: RequestMeta): Promise<SignedIn> {
  await enforceLimit(deps, `signup:ip:${meta.ip ?? "unknown"}`, SIGNUP_LIMIT);
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
      await provisionTenantBilling(tx, tenantId);
      if (input.replacesSessionId) await invalidateSession(tx, input.replacesSessionId);
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
  input: { email: string; password: string } & Replacing,
  meta: RequestMeta,
): Promise<SignedIn> {
  const ip = meta.ip ?? "unknown";
  const key = deps.throttle.accountKey(input.email);
  const gate = await deps.throttle.attempt(key, ip);
  if (!gate.allowed) throw rateLimited(gate.retryAfterSeconds);
  if (gate.delayMs > 0) await Bun.sleep(gate.delayMs);

  // The attempt already counts as a failure; it is forgiven below only when the password is right.
  const [user] = await deps.database.withoutTenant((tx) => tx.select().from(users).where(eq(users.email, input.email)));
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !passwordOk || user.status !== "active") throw invalidCredentials();
  await deps.throttle.forgive(gate.attemptId);
  const needsSecondFactor = user.totpEnabledAt !== null;
  // With a second factor the failures stay until it passes: a known password must not buy a
  // fresh batch of code guesses on every sign-in.
  if (!needsSecondFactor) await deps.throttle.clearFailures(key, ip);
  const rehash = needsRehash(user.passwordHash) ? await hashPassword(input.password) : null;

  return deps.database.withContext({ userId: user.id }, async (tx) => {
    if (rehash) await tx.update(users).set({ passwordHash: rehash }).where(eq(users.id, user.id));
    if (input.replacesSessionId) await invalidateSession(tx, input.replacesSessionId);
    const places = await activePlaces(tx, user.id);
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
      after: { secondFactorPending: needsSecondFactor },
    });
    return { token, expires: expiry(deps, session.createdAt), userId: user.id, needsSecondFactor, tenantId: only };
  });
}

/**
 * The second step of signing in: a TOTP code (each time step once, kept in totp_last_step) or
 * an unused recovery code. Failures count against the same throttle as passwords. The user
 * row is locked so that two requests with one code cannot both pass.
 */
export async function verifySecondFactor(
  deps: AccountsDeps & { secretBox(purpose: string): SecretBox },
  auth: { userId: string; sessionId: string; email: string },
  input: { code: string },
  meta: RequestMeta,
): Promise<void> {
  const ip = meta.ip ?? "unknown";
  const key = deps.throttle.accountKey(auth.email);
  const gate = await deps.throttle.attempt(key, ip);
  if (!gate.allowed) throw rateLimited(gate.retryAfterSeconds);
  if (gate.delayMs > 0) await Bun.sleep(gate.delayMs);
  const code = input.code.replace(/\s/g, "");
  const box = deps.secretBox(TOTP_BOX_PURPOSE);

  const method = await deps.database.withoutTenant(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, auth.userId)).for("update");
    if (!user?.totpKeySealed || !user.totpEnabledAt) return null;
    let used: "totp" | "recovery_code";
    if (/^[0-9]{6}$/.test(code)) {
      const key = openTotpKey(box, user.id, user.totpKeySealed);
      const result = verifyTotp(key, code, { now: deps.clock.now(), lastStep: user.totpLastStep });
      if (!result.ok) return null;
      await tx.update(users).set({ totpLastStep: result.step }).where(eq(users.id, user.id));
      used = "totp";
    } else {
      if (!(await useRecoveryCode(tx, user.id, code, deps.clock.now()))) return null;
      used = "recovery_code";
    }
    await markTwoFactorVerified(tx, auth.sessionId);
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: user.id,
      action: "session.second_factor_verified",
      entityType: "user",
      entityId: user.id,
      after: { method: used },
    });
    return used;
  });

  if (!method) {
    await deps.database.withoutTenant((tx) =>
      audit(tx, meta, {
        tenantId: null,
        actorUserId: auth.userId,
        action: "session.second_factor_failed",
        entityType: "user",
        entityId: auth.userId,
      }),
    );
    throw invalidCode();
  }
  await deps.throttle.forgive(gate.attemptId);
  await deps.throttle.clearFailures(key, ip);
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
  // One transaction for the check, the change and its audit row: the person's own memberships
  // (user context) decide, and the audit row lands in the chosen tenant (tenant context). The
  // membership query is filtered by user, so the tenant context shows nothing else before the check.
  await deps.database.withContext({ userId: auth.userId, tenantId }, async (tx) => {
    const places = await activePlaces(tx, auth.userId);
    if (!places.some((p) => p.tenantId === tenantId)) throw new AppError("not_found", 404, "The ISP was not found.");
    await setSessionTenant(tx, auth.sessionId, tenantId);
    await audit(tx, meta, {
      tenantId,
      actorUserId: auth.userId,
      action: "session.tenant_chosen",
      entityType: "user",
      entityId: auth.userId,
    });
  });
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

function expiry(deps: Pick<AccountsDeps, "policy">, createdAt: Date): Date {
  return new Date(createdAt.getTime() + deps.policy.absoluteMs);
}
