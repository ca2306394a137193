import { encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { eq } from "drizzle-orm";
import { users } from "../accounts/accounts.tables.ts";
import { verifyPassword } from "../accounts/passwords.ts";
import {
  newRecoveryCodes,
  newTotpKey,
  openTotpKey,
  remainingRecoveryCodes,
  replaceRecoveryCodes,
  sealTotpKey,
  TOTP_BOX_PURPOSE,
  totpQrSvg,
  totpUri,
  verifyTotp,
} from "../accounts/two-factor.ts";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Database, Tx } from "../db/database.ts";
import { AppError, notFound } from "../http/errors.ts";
import type { RateLimiter } from "../rate-limits/rate-limits.ts";
import { type Self, tenantsRequiringTwoFactor, wrongPassword } from "./profile.usecases.ts";

export interface TwoFactorDeps {
  database: Database;
  clock: Clock;
  limiter: RateLimiter;
  secretBox(purpose: string): SecretBox;
}

/** Code attempts per person per 15 minutes: a 6-digit code must not be guessable by brute force. */
export const CODE_ATTEMPTS = 10;
const ISSUER = "Kilusi";

export const invalidCode = () => new AppError("invalid_code", 400, "The code is not right.", { field: "code" });
export const requiredByTenant = (names: string[]) =>
  new AppError("2fa_required", 409, "An ISP you work in requires two-factor sign-in.", { tenants: names });

type User = typeof users.$inferSelect;

export type TwoFactorState =
  | { kind: "off" }
  | { kind: "pending"; qrSvg: string; key: string }
  | { kind: "on"; recoveryLeft: number; requiredBy: string[] };

async function lockUser(tx: Tx, userId: string): Promise<User> {
  const [user] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
  if (!user) throw notFound("person");
  return user;
}

async function throttleCodes(deps: TwoFactorDeps, userId: string): Promise<void> {
  const gate = await deps.limiter.hit(`2fa-code:${userId}`, { limit: CODE_ATTEMPTS, windowSeconds: 900 });
  if (!gate.allowed) {
    throw new AppError("rate_limited", 429, "Too many attempts. Wait a little and try again.", {
      retryAfterSeconds: gate.retryAfterSeconds,
    });
  }
}

/** Checks a TOTP code against the sealed key and records its step, so it cannot be replayed. */
async function spendCode(deps: TwoFactorDeps, tx: Tx, user: User, code: string): Promise<void> {
  if (!user.totpKeySealed) throw invalidCode();
  const key = openTotpKey(deps.secretBox(TOTP_BOX_PURPOSE), user.id, user.totpKeySealed);
  const result = verifyTotp(key, code.replace(/\s/g, ""), { now: deps.clock.now(), lastStep: user.totpLastStep });
  if (!result.ok) throw invalidCode();
  await tx.update(users).set({ totpLastStep: result.step }).where(eq(users.id, user.id));
}

/** The key in groups of four, as people type it into an authenticator app by hand. */
const grouped = (key: Uint8Array) => encodeBase32UpperCaseNoPadding(key).replace(/(.{4})(?=.)/g, "$1 ");

export async function twoFactorState(deps: TwoFactorDeps, self: Self): Promise<TwoFactorState> {
  const user = await deps.database.withoutTenant(async (tx) => {
    const [u] = await tx.select().from(users).where(eq(users.id, self.userId));
    if (!u) throw notFound("person");
    return { ...u, recoveryLeft: u.totpEnabledAt ? await remainingRecoveryCodes(tx, u.id) : 0 };
  });
  if (user.totpEnabledAt) {
    return { kind: "on", recoveryLeft: user.recoveryLeft, requiredBy: await tenantsRequiringTwoFactor(deps, user.id) };
  }
  if (!user.totpKeySealed) return { kind: "off" };
  const key = openTotpKey(deps.secretBox(TOTP_BOX_PURPOSE), user.id, user.totpKeySealed);
  return {
    kind: "pending",
    qrSvg: totpQrSvg(totpUri({ key, issuer: ISSUER, account: user.email })),
    key: grouped(key),
  };
}

/** A new key, sealed and kept but not in force until a code from it is confirmed. */
export async function startTwoFactor(deps: TwoFactorDeps, self: Self, meta: RequestMeta): Promise<void> {
  await deps.database.withoutTenant(async (tx) => {
    const user = await lockUser(tx, self.userId);
    if (user.totpEnabledAt) throw new AppError("2fa_enabled", 409, "Two-factor sign-in is already on.");
    const sealed = sealTotpKey(deps.secretBox(TOTP_BOX_PURPOSE), user.id, newTotpKey());
    await tx.update(users).set({ totpKeySealed: sealed, totpLastStep: null }).where(eq(users.id, user.id));
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: user.id,
      action: "user.2fa_setup_started",
      entityType: "user",
      entityId: user.id,
    });
  });
}

/** A code from the app proves the key was copied; only then is two-factor on. The codes are shown once. */
export async function confirmTwoFactor(
  deps: TwoFactorDeps,
  self: Self,
  code: string,
  meta: RequestMeta,
): Promise<{ recoveryCodes: string[] }> {
  await throttleCodes(deps, self.userId);
  const codes = newRecoveryCodes();
  await deps.database.withoutTenant(async (tx) => {
    const user = await lockUser(tx, self.userId);
    if (user.totpEnabledAt) throw new AppError("2fa_enabled", 409, "Two-factor sign-in is already on.");
    await spendCode(deps, tx, user, code);
    await tx
      .update(users)
      .set({ totpEnabledAt: deps.clock.now(), updatedAt: deps.clock.now() })
      .where(eq(users.id, user.id));
    await replaceRecoveryCodes(tx, user.id, codes);
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: user.id,
      action: "user.2fa_enabled",
      entityType: "user",
      entityId: user.id,
    });
  });
  return { recoveryCodes: codes };
}

export async function regenerateRecoveryCodes(
  deps: TwoFactorDeps,
  self: Self,
  code: string,
  meta: RequestMeta,
): Promise<{ recoveryCodes: string[] }> {
  await throttleCodes(deps, self.userId);
  const codes = newRecoveryCodes();
  await deps.database.withoutTenant(async (tx) => {
    const user = await lockUser(tx, self.userId);
    if (!user.totpEnabledAt) throw new AppError("2fa_disabled", 409, "Two-factor sign-in is off.");
    await spendCode(deps, tx, user, code);
    await replaceRecoveryCodes(tx, user.id, codes);
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: user.id,
      action: "user.2fa_codes_regenerated",
      entityType: "user",
      entityId: user.id,
    });
  });
  return { recoveryCodes: codes };
}

/** Needs the password and a current code, and no ISP of the person may require two-factor. */
export async function disableTwoFactor(
  deps: TwoFactorDeps,
  self: Self,
  input: { password: string; code: string },
  meta: RequestMeta,
): Promise<void> {
  const requiredBy = await tenantsRequiringTwoFactor(deps, self.userId);
  if (requiredBy.length > 0) throw requiredByTenant(requiredBy);
  await throttleCodes(deps, self.userId);
  const [found] = await deps.database.withoutTenant((tx) => tx.select().from(users).where(eq(users.id, self.userId)));
  if (!found || !(await verifyPassword(input.password, found.passwordHash))) throw wrongPassword();
  await deps.database.withoutTenant(async (tx) => {
    const user = await lockUser(tx, self.userId);
    if (!user.totpEnabledAt) return;
    await spendCode(deps, tx, user, input.code);
    await tx
      .update(users)
      .set({ totpKeySealed: null, totpEnabledAt: null, totpLastStep: null, updatedAt: deps.clock.now() })
      .where(eq(users.id, user.id));
    await replaceRecoveryCodes(tx, user.id, []);
    await audit(tx, meta, {
      tenantId: null,
      actorUserId: user.id,
      action: "user.2fa_disabled",
      entityType: "user",
      entityId: user.id,
    });
  });
}
