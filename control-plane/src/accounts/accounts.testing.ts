// Helpers for the accounts tests: a clock the test moves, browsers with their own addresses,
// and a signed-up ISP. Not imported by the application.
import { eq } from "drizzle-orm";
import { TestClient } from "../../../tests/support/http-client.ts";
import type { Clock } from "../clock.ts";
import type { Database } from "../db/database.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { memberships, tenants } from "../tenants/tenants.tables.ts";
import { users } from "./accounts.tables.ts";

export const MINUTE = 60_000;
export const PASSWORD = "kuda benar baterai staples";

/** A clock the test moves by hand; it starts at the real time so database defaults agree. */
export function manualClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let t = start;
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}

let lastIp = 0;
/** A new client address per browser, so per-address limits of one test do not leak into another. */
export function nextIp(): string {
  lastIp++;
  return `10.${(lastIp >> 16) & 255}.${(lastIp >> 8) & 255}.${lastIp & 255}`;
}

/**
 * A browser at its own address: the app reads the peer address from Bun's server object, which
 * `app.fetch` receives as its second argument.
 */
export function browserAt(cp: AssembledControlPlane, ip = nextIp()): TestClient {
  const server = { requestIP: () => ({ address: ip, family: "IPv4", port: 40000 }) };
  return new TestClient((request) => cp.app.fetch(request, server), siteOrigin.get(cp));
}

// The origin a control plane was configured with (PUBLIC_URL), which the CSRF check expects.
const siteOrigin = new WeakMap<AssembledControlPlane, string>();
export function servedAt(cp: AssembledControlPlane, origin: string): AssembledControlPlane {
  siteOrigin.set(cp, origin);
  return cp;
}

export function sessionCookie(client: TestClient): string | undefined {
  return client.cookies.get("kilusi_session");
}

let lastIsp = 0;
export type SignupFields = Record<"ispName" | "slug" | "ownerName" | "email" | "phone" | "password", string>;

/** A valid sign-up form with a fresh ISP address and e-mail; overrides may add fields the form lacks. */
export function signupFields(overrides: Record<string, string> = {}): SignupFields & Record<string, string> {
  const n = `${Date.now().toString(36)}${++lastIsp}`;
  return {
    ispName: `Net Desa ${n}`,
    slug: `net-desa-${n}`,
    ownerName: `Budi ${n}`,
    email: `budi-${n}@example.test`,
    phone: "0812-3456-7890",
    password: PASSWORD,
    ...overrides,
  };
}

/** Signs up a new ISP from a fresh browser, which is left signed in as its owner. */
export async function signUp(cp: AssembledControlPlane, overrides: Record<string, string> = {}) {
  const fields = signupFields(overrides);
  const browser = browserAt(cp);
  const res = await browser.post("/signup", fields);
  if (res.status !== 303) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const person = await personByEmail(cp.database, fields.email);
  return { browser, fields, ...person };
}

/** The person with this address, their memberships and those tenants (read as they may see them). */
export async function personByEmail(database: Database, email: string) {
  const [user] = await database.withoutTenant((tx) => tx.select().from(users).where(eq(users.email, email)));
  if (!user) throw new Error(`no user ${email}`);
  const places = await database.withContext({ userId: user.id }, (tx) =>
    tx
      .select({ tenant: tenants, role: memberships.role })
      .from(memberships)
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
      .where(eq(memberships.userId, user.id)),
  );
  return { user, places, tenantId: places[0]?.tenant.id as string };
}

/** The text of the first element with this class, tags stripped. */
export function textOfClass(html: string, className: string): string | undefined {
  const match = new RegExp(`<(\\w+)[^>]*class="[^"]*\\b${className}\\b[^"]*"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return match?.[2]?.replace(/<[^>]+>/g, "").trim();
}
