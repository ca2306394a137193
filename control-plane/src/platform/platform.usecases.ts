import { and, count, desc, eq } from "drizzle-orm";
import { users } from "../accounts/accounts.tables.ts";
import { hashPassword, PASSWORD_MIN, verifyPassword } from "../accounts/passwords.ts";
import { audit, type RequestMeta } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { AppError } from "../http/errors.ts";
import { memberships, tenants } from "../tenants/tenants.tables.ts";

export interface PlatformDeps {
  database: Database;
  clock: Clock;
}

export type TenantStatus = "active" | "suspended";

export interface TenantOverview {
  id: string;
  name: string;
  slug: string;
  status: TenantStatus;
  createdAt: Date;
  /** Active memberships. */
  members: number;
}

const tenantNotFound = () => new AppError("not_found", 404, "The ISP was not found.");

// Tenants with their active members; the caller's transaction decides which tenants RLS shows.
function overviewQuery(tx: Tx) {
  return tx
    .select({
      id: tenants.id,
      name: tenants.name,
      slug: tenants.slug,
      status: tenants.status,
      createdAt: tenants.createdAt,
      members: count(memberships.userId),
    })
    .from(tenants)
    .leftJoin(memberships, and(eq(memberships.tenantId, tenants.id), eq(memberships.status, "active")))
    .groupBy(tenants.id);
}

/**
 * Every tenant, newest first. The one cross-tenant read of the app: `platform` context, where
 * RLS lets tenants and memberships be read (policy platform_read) and nothing else.
 */
export function listTenants(deps: Pick<PlatformDeps, "database">): Promise<TenantOverview[]> {
  return deps.database.withContext({ platform: true }, (tx) => overviewQuery(tx).orderBy(desc(tenants.createdAt)));
}

/**
 * Suspends or resumes a tenant. The write happens inside that tenant's own transaction (the
 * platform context may only read), with the audit row that tenant's admins will see.
 * Setting the status it already has changes nothing and writes nothing.
 */
export async function setTenantStatus(
  deps: PlatformDeps,
  actor: { userId: string },
  input: { tenantId: string; status: TenantStatus },
  meta: RequestMeta,
): Promise<TenantOverview> {
  return deps.database.withTenant(input.tenantId, async (tx) => {
    const [current] = await tx
      .select({ status: tenants.status })
      .from(tenants)
      .where(eq(tenants.id, input.tenantId))
      .for("update");
    if (!current) throw tenantNotFound();
    if (current.status !== input.status) {
      await tx
        .update(tenants)
        .set({ status: input.status, updatedAt: deps.clock.now() })
        .where(eq(tenants.id, input.tenantId));
      await audit(tx, meta, {
        tenantId: input.tenantId,
        actorUserId: actor.userId,
        action: input.status === "suspended" ? "tenant.suspended" : "tenant.resumed",
        entityType: "tenant",
        entityId: input.tenantId,
        before: { status: current.status },
        after: { status: input.status },
      });
    }
    const [row] = await overviewQuery(tx).where(eq(tenants.id, input.tenantId));
    if (!row) throw tenantNotFound();
    return row;
  });
}

export type OperatorOutcome = "created" | "promoted" | "unchanged";

/**
 * Makes a person a platform operator: a new account, or an existing one whose password the
 * caller proved (so the CLI cannot be used to take over someone else's account). Only the
 * CLI calls this; no HTTP route grants the flag.
 */
export async function createOperator(
  deps: PlatformDeps,
  input: { email: string; name: string; password: string },
  meta: RequestMeta,
): Promise<{ userId: string; outcome: OperatorOutcome }> {
  if (input.password.length < PASSWORD_MIN) {
    throw new AppError("weak_password", 400, `The password needs at least ${PASSWORD_MIN} characters.`);
  }
  const [existing] = await deps.database.withoutTenant((tx) =>
    tx.select().from(users).where(eq(users.email, input.email)),
  );
  if (existing) {
    if (!(await verifyPassword(input.password, existing.passwordHash))) {
      throw new AppError(
        "invalid_credentials",
        401,
        "This e-mail already has an account and the password is not its password; nothing was changed.",
      );
    }
    if (existing.platformOperator) return { userId: existing.id, outcome: "unchanged" };
    await deps.database.withoutTenant(async (tx) => {
      await tx
        .update(users)
        .set({ platformOperator: true, updatedAt: deps.clock.now() })
        .where(eq(users.id, existing.id));
      await auditOperator(tx, meta, existing.id, { email: existing.email, promoted: true });
    });
    return { userId: existing.id, outcome: "promoted" };
  }
  const passwordHash = await hashPassword(input.password);
  const userId = crypto.randomUUID();
  try {
    await deps.database.withoutTenant(async (tx) => {
      await tx
        .insert(users)
        .values({ id: userId, email: input.email, name: input.name, passwordHash, platformOperator: true });
      await auditOperator(tx, meta, userId, { email: input.email, name: input.name, promoted: false });
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_unique")) {
      throw new AppError(
        "email_taken",
        409,
        "An account with this e-mail was created meanwhile; run the command again.",
      );
    }
    throw error;
  }
  return { userId, outcome: "created" };
}

function auditOperator(tx: Tx, meta: RequestMeta, userId: string, after: Record<string, unknown>) {
  return audit(tx, meta, {
    tenantId: null,
    actorUserId: null,
    action: "platform.operator_created",
    entityType: "user",
    entityId: userId,
    after,
  });
}
