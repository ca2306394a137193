import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { users } from "../accounts/accounts.tables.ts";
import { audit, type RequestMeta } from "../audit/audit.ts";
import { canAssignRole } from "../auth/permissions.ts";
import type { Clock } from "../clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { AppError, notFound } from "../http/errors.ts";
import { invalidateUserSessions } from "../sessions/sessions.ts";
import { invitations, memberships, type Role } from "../tenants/tenants.tables.ts";

export interface TeamDeps {
  database: Database;
  clock: Clock;
}

/** Who acts: taken from the session by the route, never from the form. */
export interface TeamActor {
  userId: string;
  tenantId: string;
  role: Role;
}

export interface Member {
  userId: string;
  name: string;
  email: string;
  role: Role;
  status: "active" | "disabled";
  totpEnabled: boolean;
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: Date;
  invitedByName: string | null;
}

export const lastOwner = () =>
  new AppError(
    "last_owner",
    409,
    "The last active owner cannot be demoted or disabled. Make someone else owner first.",
  );
export const roleNotAllowed = () =>
  new AppError("role_not_allowed", 403, "Only an owner may hand out ownership or change another owner.");
export const notYourself = () => new AppError("self_disable", 409, "You cannot disable your own access.");

const memberColumns = {
  userId: memberships.userId,
  name: users.name,
  email: users.email,
  role: memberships.role,
  status: memberships.status,
  totpEnabledAt: users.totpEnabledAt,
};

type MemberRow = { userId: string; name: string; email: string; role: Role; status: Member["status"] } & {
  totpEnabledAt: Date | null;
};
const toMember = ({ totpEnabledAt, ...m }: MemberRow): Member => ({ ...m, totpEnabled: totpEnabledAt !== null });

function selectMembers(tx: Tx, tenantId: string, userId?: string) {
  return tx
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      userId
        ? and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId))
        : eq(memberships.tenantId, tenantId),
    );
}

/** The team page: every member, and the invitations still waiting for an answer. */
export async function listTeam(deps: TeamDeps, actor: TeamActor) {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const members = (await selectMembers(tx, actor.tenantId).orderBy(asc(users.name), asc(users.email))).map(toMember);
    const pending = await tx
      .select({
        id: invitations.id,
        email: invitations.email,
        role: invitations.role,
        expiresAt: invitations.expiresAt,
        invitedByName: users.name,
      })
      .from(invitations)
      .leftJoin(users, eq(users.id, invitations.invitedBy))
      .where(
        and(
          eq(invitations.tenantId, actor.tenantId),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          gt(invitations.expiresAt, deps.clock.now()),
        ),
      )
      .orderBy(asc(invitations.createdAt));
    return { members, invitations: pending as PendingInvitation[] };
  });
}

/** One member of the actor's tenant, or null (another tenant's person is simply not there). */
export async function findMember(deps: TeamDeps, actor: TeamActor, userId: string): Promise<Member | null> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const [row] = await selectMembers(tx, actor.tenantId, userId);
    return row ? toMember(row) : null;
  });
}

/**
 * Refuses to leave the tenant without an active owner. The active owners' rows are locked
 * first, so two owners demoting each other at the same moment cannot both succeed.
 */
async function keepAnOwner(tx: Tx, tenantId: string, userId: string): Promise<void> {
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, "owner"), eq(memberships.status, "active")))
    .for("update");
  if (owners.every((o) => o.userId === userId)) throw lastOwner();
}

async function lockMember(tx: Tx, actor: TeamActor, userId: string): Promise<Member> {
  const [row] = await selectMembers(tx, actor.tenantId, userId).for("update", { of: memberships });
  if (!row) throw notFound("member");
  const member = toMember(row);
  // An admin manages everyone but owners; only an owner touches an owner.
  if (!canAssignRole(actor.role, member.role)) throw roleNotAllowed();
  return member;
}

export async function changeMemberRole(
  deps: TeamDeps,
  actor: TeamActor,
  input: { userId: string; role: Role },
  meta: RequestMeta,
): Promise<Member> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const member = await lockMember(tx, actor, input.userId);
    if (!canAssignRole(actor.role, input.role)) throw roleNotAllowed();
    if (member.role === input.role) return member;
    if (member.role === "owner" && member.status === "active") await keepAnOwner(tx, actor.tenantId, member.userId);
    await tx
      .update(memberships)
      .set({ role: input.role, updatedAt: deps.clock.now() })
      .where(and(eq(memberships.tenantId, actor.tenantId), eq(memberships.userId, member.userId)));
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: "member.role_changed",
      entityType: "user",
      entityId: member.userId,
      before: { role: member.role },
      after: { role: input.role },
    });
    return { ...member, role: input.role };
  });
}

/** Disabling also ends every session the person has, so they are out at once, not at expiry. */
export async function setMemberStatus(
  deps: TeamDeps,
  actor: TeamActor,
  input: { userId: string; status: Member["status"] },
  meta: RequestMeta,
): Promise<{ member: Member; sessionsEnded: number }> {
  return deps.database.withTenant(actor.tenantId, async (tx) => {
    const member = await lockMember(tx, actor, input.userId);
    if (member.status === input.status) return { member, sessionsEnded: 0 };
    let sessionsEnded = 0;
    if (input.status === "disabled") {
      // The last owner hears why first: that is the rule that would still hold for anyone else.
      if (member.role === "owner") await keepAnOwner(tx, actor.tenantId, member.userId);
      if (member.userId === actor.userId) throw notYourself();
    }
    await tx
      .update(memberships)
      .set({ status: input.status, updatedAt: deps.clock.now() })
      .where(and(eq(memberships.tenantId, actor.tenantId), eq(memberships.userId, member.userId)));
    if (input.status === "disabled") sessionsEnded = await invalidateUserSessions(tx, member.userId);
    await audit(tx, meta, {
      tenantId: actor.tenantId,
      actorUserId: actor.userId,
      action: input.status === "disabled" ? "member.disabled" : "member.enabled",
      entityType: "user",
      entityId: member.userId,
      before: { status: member.status },
      after: { status: input.status, ...(input.status === "disabled" ? { sessionsEnded } : {}) },
    });
    return { member: { ...member, status: input.status }, sessionsEnded };
  });
}
