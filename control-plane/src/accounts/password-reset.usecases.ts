import { and, eq, isNull } from "drizzle-orm";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import { hashSecret, randomToken, secretMatches } from "../crypto/tokens.ts";
import type { Tx } from "../db/database.ts";
import { AppError } from "../http/errors.ts";
import { enqueueNotification, type Sealing } from "../notifications/outbox.ts";
import { invalidateUserSessions } from "../sessions/sessions.ts";
import { passwordResets, users } from "./accounts.tables.ts";
import { type AccountsDeps, enforceLimit } from "./accounts.usecases.ts";
import { hashPassword } from "./passwords.ts";

// Forgotten passwords: a single-use link by e-mail, valid for an hour, only the SHA-256 of its
// secret stored; finishing it ends every session of the person.

const RESET_TTL_MS = 60 * 60_000;
/** Per client address: a person asks once or twice; more is someone probing addresses. */
export const RESET_LIMIT = { limit: 5, windowSeconds: 3600 } as const;

/**
 * Starts a reset. The caller answers the same whether or not the address has an account; only
 * when it has one is a single-use link (1 h) queued for delivery.
 */
export async function requestPasswordReset(
  deps: Pick<AccountsDeps, "database" | "clock" | "limiter"> & Sealing,
  input: { email: string; origin: string },
  meta: RequestMeta,
): Promise<void> {
  await enforceLimit(deps, `reset:ip:${meta.ip ?? "unknown"}`, RESET_LIMIT);
  await deps.database.withoutTenant(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.email, input.email));
    if (user?.status !== "active") return;
    const id = crypto.randomUUID();
    const secret = randomToken(32);
    await tx.insert(passwordResets).values({
      id,
      userId: user.id,
      secretHash: hashSecret(secret),
      expiresAt: new Date(deps.clock.now().getTime() + RESET_TTL_MS),
    });
    await enqueueNotification(tx, deps, {
      tenantId: null,
      recipient: user.email,
      template: "password_reset",
      params: { name: user.name },
      secrets: { link: `${input.origin}/reset/${id}.${secret}` },
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

/** The reset a token stands for, if it is still usable: right secret, unused, within the hour. */
async function usableReset(tx: Tx, clock: Clock, token: string) {
  const match = RESET_TOKEN.exec(token);
  if (!match) return null;
  const [, id, secret] = match as unknown as [string, string, string];
  const [reset] = await tx
    .select()
    .from(passwordResets)
    .where(and(eq(passwordResets.id, id), isNull(passwordResets.usedAt)));
  if (!reset || !secretMatches(secret, reset.secretHash) || reset.expiresAt <= clock.now()) return null;
  return reset;
}

/** Whether a reset link still works, so its page can say so before a password is typed. */
export function resetTokenUsable(deps: Pick<AccountsDeps, "database" | "clock">, token: string): Promise<boolean> {
  return deps.database.withoutTenant(async (tx) => (await usableReset(tx, deps.clock, token)) !== null);
}

/** Finishes a reset: single use, within the hour; every session of the person ends. */
export async function resetPassword(
  deps: Pick<AccountsDeps, "database" | "clock">,
  input: { token: string; password: string },
  meta: RequestMeta,
): Promise<void> {
  const invalid = () => new AppError("invalid_token", 400, "This link is not valid any more. Ask for a new one.");
  if (!RESET_TOKEN.test(input.token)) throw invalid();
  const passwordHash = await hashPassword(input.password);
  await deps.database.withoutTenant(async (tx) => {
    const reset = await usableReset(tx, deps.clock, input.token);
    if (!reset) throw invalid();
    const used = await tx
      .update(passwordResets)
      .set({ usedAt: deps.clock.now() })
      .where(and(eq(passwordResets.id, reset.id), isNull(passwordResets.usedAt)))
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
