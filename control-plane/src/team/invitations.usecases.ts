import { and, eq, isNull } from "drizzle-orm";
import { users } from "../accounts/accounts.tables.ts";
import { hashPassword } from "../accounts/passwords.ts";
import { audit, type RequestMeta } from "../audit/audit.ts";
import { canAssignRole } from "../auth/permissions.ts";
import type { Clock } from "../clock.ts";
import { hashSecret, randomToken, secretMatches } from "../crypto/tokens.ts";
import type { Database, Tx } from "../db/database.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { AppError } from "../http/errors.ts";
import { enqueueNotification, type Sealing } from "../notifications/outbox.ts";
import type { RateLimiter } from "../rate-limits/rate-limits.ts";
import { createSession, type SessionPolicy, selectTenant } from "../sessions/sessions.ts";
import { invitations, memberships, type Role, tenants } from "../tenants/tenants.tables.ts";
import type { InviteInput } from "./team.schemas.ts";
import { isUuid } from "./team.schemas.ts";
import { roleNotAllowed, type TeamActor } from "./team.usecases.ts";

export const INVITATION_TTL_MS = 72 * 60 * 60_000;
/** Invitations one tenant may send per hour: plenty for a team, too few to spam with. */
export const INVITATIONS_PER_HOUR = 100;

export interface InvitationDeps extends Sealing {
  database: Database;
  clock: Clock;
  limiter: RateLimiter;
  policy: SessionPolicy;
}

export const alreadyMember = () =>
  new AppError("already_member", 409, "This person is already a member of the team.", { field: "email" });
export const emailTaken = () =>
  new AppError("email_taken", 409, "This e-mail address already has an account: sign in to accept.");
export const invitationNotFound = () => new AppError("not_found", 404, "The invitation was not found.");

/**
 * Invites a person by e-mail. Only the SHA-256 of the link's secret is stored; the link itself
 * exists only in the outbox row that delivers it. A newer invitation to the same address
 * replaces the older ones, so only the last link sent works.
 */
export async function inviteMember(
  deps: InvitationDeps,
  actor: TeamActor,
  input: InviteInput & { origin: string },
  meta: RequestMeta,
): Promise<{ invitationId: string }> {
  if (!canAssignRole(actor.role, input.role)) throw roleNotAllowed();
  const gate = await deps.limiter.hit(`invite:${actor.tenantId}`, { limit: INVITATIONS_PER_HOUR, windowSeconds: 3600 });
  if (!gate.allowed) {
    throw new AppError("rate_limited", 429, "Too many invitations. Wait a little and try again.", {
      retryAfterSeconds: gate.retryAfterSeconds,
    });
  }
  const id = crypto.randomUUID();
  const secret = randomToken(32);
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const [member] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.tenantId, actor.tenantId), eq(users.email, input.email)));
    if (member) throw alreadyMember();
    const [tenant] = await tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, actor.tenantId));
    await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(
        and(
          eq(invitations.tenantId, actor.tenantId),
          eq(invitations.email, input.email),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      );
    await tx.insert(invitations).values({
      tenantId: actor.tenantId,
      id,
      email: input.email,
      role: input.role,
      secretHash: hashSecret(secret),
      invitedBy: actor.userId,
      expiresAt,
      createdAt: now,
    });
    await enqueueNotification(tx, deps, {
      tenantId: actor.tenantId,
      recipient: input.email,
      template: "invitation",
      params: { ispName: tenant?.name ?? "", role: input.role },
      secrets: { link: `${input.origin}/invitations/${actor.tenantId}/${id}.${secret}` },
    });
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "invitation.created",
      entityType: "invitation",
      entityId: id,
      after: { email: input.email, role: input.role, expiresAt: expiresAt.toISOString() },
    });
    return { invitationId: id };
  });
}

export async function revokeInvitation(
  deps: Pick<InvitationDeps, "database" | "clock">,
  actor: TeamActor,
  invitationId: string,
  meta: RequestMeta,
): Promise<void> {
  if (!isUuid(invitationId)) throw invitationNotFound();
  await deps.database.withTenant(actor.tenantId, async (tx) => {
    const [gone] = await tx
      .update(invitations)
      .set({ revokedAt: deps.clock.now() })
      .where(
        and(
          eq(invitations.tenantId, actor.tenantId),
          eq(invitations.id, invitationId),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      )
      .returning({ email: invitations.email, role: invitations.role });
    if (!gone) throw invitationNotFound();
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "invitation.revoked",
      entityType: "invitation",
      entityId: invitationId,
      before: { email: gone.email, role: gone.role },
    });
  });
}

export interface InvitationView {
  tenantId: string;
  invitationId: string;
  ispName: string;
  email: string;
  role: Role;
  /** Whether the invited address already has an account (then the person signs in to accept). */
  accountExists: boolean;
}

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([a-z2-7]{52})$/;

/**
 * The invitation a link stands for, locked for the rest of the transaction, or null. Unknown,
 * another tenant's, wrong secret, expired, used, revoked or a suspended ISP: all the same null.
 */
async function openInvitation(tx: Tx, clock: Clock, tenantId: string, token: string) {
  const match = TOKEN.exec(token);
  if (!match) return null;
  const [, id, secret] = match as unknown as [string, string, string];
  const [row] = await tx
    .select({ invitation: invitations, ispName: tenants.name, tenantStatus: tenants.status })
    .from(invitations)
    .innerJoin(tenants, eq(tenants.id, invitations.tenantId))
    .where(and(eq(invitations.tenantId, tenantId), eq(invitations.id, id)))
    .for("update", { of: invitations });
  if (!row || !secretMatches(secret, row.invitation.secretHash)) return null;
  const inv = row.invitation;
  if (inv.acceptedAt || inv.revokedAt || inv.expiresAt <= clock.now() || row.tenantStatus !== "active") return null;
  return { ...inv, ispName: row.ispName };
}

export async function viewInvitation(
  deps: Pick<InvitationDeps, "database" | "clock">,
  tenantId: string,
  token: string,
): Promise<InvitationView | null> {
  if (!isUuid(tenantId)) return null;
  return deps.database.withTenant(tenantId, async (tx) => {
    const inv = await openInvitation(tx, deps.clock, tenantId, token);
    if (!inv) return null;
    const [account] = await tx.select({ id: users.id }).from(users).where(eq(users.email, inv.email));
    return {
      tenantId,
      invitationId: inv.id,
      ispName: inv.ispName,
      email: inv.email,
      role: inv.role,
      accountExists: account !== undefined,
    };
  });
}

/** Marks the invitation used and makes the person a member (an existing membership is kept as it is). */
async function accept(
  tx: Tx,
  deps: Pick<InvitationDeps, "clock">,
  inv: { tenantId: string; id: string; email: string; role: Role },
  userId: string,
  meta: RequestMeta,
  newAccount: boolean,
): Promise<void> {
  const now = deps.clock.now();
  await tx
    .update(invitations)
    .set({ acceptedAt: now, acceptedBy: userId })
    .where(and(eq(invitations.tenantId, inv.tenantId), eq(invitations.id, inv.id)));
  const added = await tx
    .insert(memberships)
    .values({ tenantId: inv.tenantId, userId, role: inv.role, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning({ userId: memberships.userId });
  await audit(tx, meta, {
    tenantId: inv.tenantId,
    actorUserId: userId,
    action: "invitation.accepted",
    entityType: "invitation",
    entityId: inv.id,
    after: { email: inv.email, role: inv.role, newAccount, alreadyMember: added.length === 0 },
  });
}

/** A signed-in person accepts with the account the invitation was sent to; the session moves into the ISP. */
export async function acceptAsSignedIn(
  deps: Pick<InvitationDeps, "database" | "clock">,
  visitor: { userId: string; email: string; sessionId: string },
  input: { tenantId: string; token: string },
  meta: RequestMeta,
): Promise<void> {
  if (!isUuid(input.tenantId)) throw invitationNotFound();
  await deps.database.withTenant(input.tenantId, async (tx) => {
    const inv = await openInvitation(tx, deps.clock, input.tenantId, input.token);
    if (!inv) throw invitationNotFound();
    if (inv.email !== visitor.email) throw new AppError("wrong_account", 409, "This invitation is for another e-mail.");
    await accept(tx, deps, inv, visitor.userId, meta, false);
    await selectTenant(tx, visitor.sessionId, input.tenantId);
  });
}

/** Someone without an account accepts: the account, the membership and a session, in one transaction. */
export async function acceptWithNewAccount(
  deps: InvitationDeps,
  input: { tenantId: string; token: string; name: string; phone: string | null; password: string },
  meta: RequestMeta,
): Promise<{ token: string; expires: Date; userId: string }> {
  if (!isUuid(input.tenantId)) throw invitationNotFound();
  const passwordHash = await hashPassword(input.password);
  const userId = crypto.randomUUID();
  try {
    return await deps.database.withTenant(input.tenantId, async (tx) => {
      const inv = await openInvitation(tx, deps.clock, input.tenantId, input.token);
      if (!inv) throw invitationNotFound();
      await tx
        .insert(users)
        .values({ id: userId, email: inv.email, name: input.name, phone: input.phone, passwordHash });
      await accept(tx, deps, inv, userId, meta, true);
      const { token, session } = await createSession(tx, deps.clock, {
        userId,
        twoFactorVerified: true,
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
      await selectTenant(tx, session.id, input.tenantId);
      return { token, expires: new Date(session.createdAt.getTime() + deps.policy.absoluteMs), userId };
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_unique")) throw emailTaken();
    throw error;
  }
}
