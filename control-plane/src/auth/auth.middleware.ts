import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Clock } from "../clock.ts";
import type { Database } from "../db/database.ts";
import { AppError, notFound } from "../http/errors.ts";
import { readSessionCookie } from "../sessions/session-cookie.ts";
import { type Session, type SessionPolicy, type SessionUser, validateSession } from "../sessions/sessions.ts";
import { memberships, type Role, tenants } from "../tenants/tenants.tables.ts";
import { can, type Permission } from "./permissions.ts";

export interface CurrentTenant {
  id: string;
  slug: string;
  name: string;
  locale: "id" | "en";
  timeZone: string;
  currency: string;
  require2fa: boolean;
}

export interface Auth {
  session: Session;
  user: SessionUser;
  /** The tenant picked for this session, when it is active and the person still belongs to it. */
  tenant: CurrentTenant | null;
  role: Role | null;
}

export type AuthEnv = { Variables: { auth: Auth | null } };

export interface AuthDeps {
  database: Database;
  clock: Clock;
  policy: SessionPolicy;
  secureCookies: boolean;
}

/** Reads the session cookie on every request and puts who is asking in `c.var.auth`. */
export const loadAuth = (deps: AuthDeps) =>
  createMiddleware<AuthEnv>(async (c, next) => {
    c.set("auth", null);
    const token = readSessionCookie(c, deps.secureCookies);
    if (token) {
      const found = await deps.database.withoutTenant((tx) => validateSession(tx, deps.clock, deps.policy, token));
      if (found) {
        const tenantId = found.session.selectedTenantId;
        const place = tenantId ? await loadPlace(deps.database, tenantId, found.user.id) : null;
        c.set("auth", { ...found, tenant: place?.tenant ?? null, role: place?.role ?? null });
      }
    }
    await next();
  });

async function loadPlace(database: Database, tenantId: string, userId: string) {
  return database.withTenant(tenantId, async (tx) => {
    const [row] = await tx
      .select({ tenant: tenants, role: memberships.role })
      .from(tenants)
      .innerJoin(memberships, and(eq(memberships.tenantId, tenants.id), eq(memberships.userId, userId)))
      .where(and(eq(tenants.id, tenantId), eq(tenants.status, "active"), eq(memberships.status, "active")));
    if (!row) return null;
    const t = row.tenant;
    const tenant: CurrentTenant = {
      id: t.id,
      slug: t.slug,
      name: t.name,
      locale: t.locale,
      timeZone: t.timeZone,
      currency: t.currency,
      require2fa: t.require2fa,
    };
    return { tenant, role: row.role };
  });
}

/** Where an unauthenticated or unfinished request is sent, by kind of client. */
function redirectTo(c: Context, location: string): Response {
  if (c.req.header("hx-request") === "true") {
    c.header("HX-Redirect", location);
    return c.body(null, 204);
  }
  // A browser's form post after the session ended is sent to sign in too (303 turns it into a GET).
  if ((c.req.header("accept") ?? "").includes("text/html")) return c.redirect(location, 303);
  throw new AppError("unauthenticated", 401, "Sign in first.");
}

function nextParam(c: Context): string {
  const url = new URL(c.req.url);
  return encodeURIComponent(url.pathname + url.search);
}

/** The person is signed in and has passed the second factor when they have one. */
export function signedIn(c: Context<AuthEnv>): Auth | Response {
  const auth = c.get("auth");
  if (!auth) return redirectTo(c, `/login?next=${nextParam(c)}`);
  if (auth.user.totpEnabled && !auth.session.twoFactorVerified) return redirectTo(c, "/login/2fa");
  return auth;
}

export const requireSignedIn = () =>
  createMiddleware<AuthEnv>(async (c, next) => {
    const result = signedIn(c);
    if (result instanceof Response) return result;
    await next();
  });

/**
 * Inside a tenant with a permission. A role without the permission gets 404, the same answer
 * as for something that does not exist, so the URL space reveals nothing.
 */
export const requireTenant = (permission?: Permission) =>
  createMiddleware<AuthEnv>(async (c, next) => {
    const result = signedIn(c);
    if (result instanceof Response) return result;
    if (!result.tenant || !result.role) return redirectTo(c, "/tenants");
    if (result.tenant.require2fa && !result.user.totpEnabled && !c.req.path.startsWith("/profile")) {
      return redirectTo(c, "/profile/2fa?required=1");
    }
    if (permission && !can(result.role, permission)) throw notFound();
    await next();
  });

/** The platform operator's area: a flag on the person, granted only by the CLI. */
export const requirePlatformOperator = () =>
  createMiddleware<AuthEnv>(async (c, next) => {
    const result = signedIn(c);
    if (result instanceof Response) return result;
    if (!result.user.platformOperator) throw notFound();
    await next();
  });

/** The auth of a request that passed one of the guards above. */
export function authOf<E extends AuthEnv>(c: Context<E>): Auth {
  const auth = (c as unknown as Context<AuthEnv>).get("auth");
  if (!auth) throw new AppError("unauthenticated", 401, "Sign in first.");
  return auth;
}

/** The auth of a request that passed `requireTenant`: tenant and role are there. */
export function tenantAuthOf<E extends AuthEnv>(c: Context<E>): Auth & { tenant: CurrentTenant; role: Role } {
  const auth = authOf(c);
  if (!auth.tenant || !auth.role) throw new AppError("unauthenticated", 401, "Choose an ISP first.");
  return auth as Auth & { tenant: CurrentTenant; role: Role };
}
