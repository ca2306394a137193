import { eq } from "drizzle-orm";
import { users } from "../accounts/accounts.tables.ts";
import { type AccountsDeps, signup } from "../accounts/accounts.usecases.ts";
import { hashPassword } from "../accounts/passwords.ts";
import { audit, type RequestMeta } from "../audit/audit.ts";
import { parseSplitToken } from "../crypto/tokens.ts";
import { invalidateSession } from "../sessions/sessions.ts";
import { memberships, tenants } from "../tenants/tenants.tables.ts";
import type { Credential } from "./demo-login-file.ts";

export const DEMO_SLUG = "demo";
export const DEMO_ISP_NAME = "Demo Net";
export const DEMO_OWNER_EMAIL = "demo@kilusi.local";
export const DEMO_TECHNICIAN_EMAIL = "teknisi@kilusi.local";

/** Whether the demo ISP exists, read on the platform's explicit cross-tenant path. */
export async function demoTenantExists(deps: Pick<AccountsDeps, "database">): Promise<boolean> {
  const found = await deps.database.withContext({ platform: true }, (tx) =>
    tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, DEMO_SLUG)),
  );
  return found.length > 0;
}

/**
 * Creates "Demo Net" through the real sign-up (tenant, owner, audit row), then its
 * technician, so the demo is audited like any ISP. The sign-up's session belongs to nobody
 * (its token is dropped here), so it is ended at once.
 */
export async function seedDemoTenant(
  deps: AccountsDeps,
  input: { owner: Credential; technician: Credential },
  meta: RequestMeta,
): Promise<{ tenantId: string; ownerId: string }> {
  const signedUp = await signup(
    deps,
    {
      ispName: DEMO_ISP_NAME,
      slug: DEMO_SLUG,
      ownerName: "Pemilik Demo",
      email: input.owner.email,
      phone: "+6281200000000",
      password: input.owner.password,
    },
    meta,
  );
  const tenantId = signedUp.tenantId as string;
  const session = parseSplitToken(signedUp.token);
  if (session) await deps.database.withoutTenant((tx) => invalidateSession(tx, session.id));
  await addDemoMember(deps, { tenantId, ...input.technician, name: "Teknisi Demo", role: "technician" }, meta);
  return { tenantId, ownerId: signedUp.userId };
}

/** A staff member of the demo ISP with a known password: the demo's stand-in for an invitation. */
async function addDemoMember(
  deps: Pick<AccountsDeps, "database">,
  input: Credential & { tenantId: string; name: string; role: "technician" },
  meta: RequestMeta,
): Promise<void> {
  const passwordHash = await hashPassword(input.password);
  const userId = crypto.randomUUID();
  await deps.database.withTenant(input.tenantId, async (tx) => {
    await tx.insert(users).values({ id: userId, email: input.email, name: input.name, passwordHash });
    await tx.insert(memberships).values({ tenantId: input.tenantId, userId, role: input.role });
    await audit(tx, meta, {
      tenantId: input.tenantId,
      actorUserId: null,
      action: "member.added",
      entityType: "membership",
      entityId: userId,
      after: { email: input.email, role: input.role, source: "demo-seed" },
    });
  });
}
