import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { and, eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { users } from "../accounts/accounts.tables.ts";
import { browserAt, manualClock, PASSWORD, personByEmail, signUp } from "../accounts/accounts.testing.ts";
import { auditLog } from "../audit/audit.tables.ts";
import { hashSecret } from "../crypto/tokens.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { invitations, memberships } from "../tenants/tenants.tables.ts";
import { INVITATION_TTL_MS } from "./invitations.usecases.ts";
import { escaped, expectEscaped, invitationLink, invite, pathOf, uniqueEmail, XSS } from "./team.testing.ts";

const t = translator("id");
const invalidTitle = t("invitation.invalid.title");
const clock = manualClock();
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
});
afterAll(() => cp.close());

async function invited(role = "technician") {
  const owner = await signUp(cp);
  const email = uniqueEmail();
  await invite(owner.browser, email, role);
  const link = await invitationLink(cp, owner.tenantId, email);
  return { owner, email, link, path: pathOf(link) };
}

const rowsOf = (tenantId: string) => cp.database.withTenant(tenantId, (tx) => tx.select().from(invitations));

describe("the invitation link", () => {
  test("is <tenant>/<id>.<secret>, and only the SHA-256 of the secret is stored", async () => {
    const { owner, link } = await invited();
    const [, , tenantId, token] = new URL(link).pathname.split("/");
    expect(tenantId).toBe(owner.tenantId);
    const [id, secret] = (token ?? "").split(".");
    expect(secret).toMatch(/^[a-z2-7]{52}$/);
    const [row] = await rowsOf(owner.tenantId);
    expect(row?.id).toBe(id as string);
    expect(row?.secretHash).toBe(hashSecret(secret as string));
    expect(JSON.stringify(row)).not.toContain(secret as string);
    expect((row?.expiresAt.getTime() ?? 0) - clock.now().getTime()).toBe(INVITATION_TTL_MS);
  });

  test("shows the ISP's name and the role, and a form to create the account", async () => {
    const { owner, email, path } = await invited("collector");
    const res = await browserAt(cp).get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain(owner.fields.ispName);
    expect(html).toContain(t("team.role.collector"));
    expect(html).toContain(email);
    expect(html).toContain('name="password"');
    expect(html).toContain('for="invitation-name"');
  });

  test("accepting creates the person, the membership and a session inside that ISP", async () => {
    const { owner, email, path } = await invited("collector");
    const browser = browserAt(cp);
    const res = await browser.post(path, { name: "Ani Kolektor", phone: "0812 1111 2222", password: PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/app");
    const home = await browser.get("/app");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(owner.fields.ispName);
    const { user, places } = await personByEmail(cp.database, email);
    expect(user).toMatchObject({ name: "Ani Kolektor", phone: "+6281211112222" });
    expect(places.map((p) => [p.tenant.id, p.role])).toEqual([[owner.tenantId, "collector"]]);
    const [row] = await rowsOf(owner.tenantId);
    expect(row).toMatchObject({ acceptedBy: user.id });
    const audit = await cp.database.withTenant(owner.tenantId, (tx) =>
      tx.select().from(auditLog).where(eq(auditLog.action, "invitation.accepted")),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ tenantId: owner.tenantId, actorUserId: user.id, after: { newAccount: true } });
  });

  test("works once: a second use, from anyone, is the invalid-invitation page", async () => {
    const { owner, path } = await invited();
    expect((await browserAt(cp).post(path, { name: "Satu", password: PASSWORD })).status).toBe(303);
    for (const res of [
      await browserAt(cp).get(path),
      await browserAt(cp).post(path, { name: "Dua", password: PASSWORD }),
    ]) {
      expect(res.status).toBe(404);
      expect(await res.text()).toContain(invalidTitle);
    }
    const members = await cp.database.withTenant(owner.tenantId, (tx) => tx.select().from(memberships));
    expect(members).toHaveLength(2);
  });

  test("bad input keeps the form with the reasons (escaped) and creates nothing", async () => {
    const { email, path } = await invited();
    for (const payload of XSS) {
      const res = await browserAt(cp).post(path, { name: payload, phone: payload, password: "short" });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(t("team.form.password"));
      expect(html).toContain(t("team.form.phone"));
      expect(html).toContain('aria-describedby="invitation-password-hint invitation-password-error"');
      expectEscaped(html, payload);
    }
    const found = await cp.database.withoutTenant((tx) => tx.select().from(users).where(eq(users.email, email)));
    expect(found).toHaveLength(0);
    // The link still works afterwards.
    expect((await browserAt(cp).get(path)).status).toBe(200);
  });

  test("a name with markup is stored as typed and shown escaped to the team", async () => {
    const { owner, path } = await invited();
    const name = `Budi ${XSS[1]}`;
    expect((await browserAt(cp).post(path, { name, password: PASSWORD })).status).toBe(303);
    expectEscaped(await (await owner.browser.get("/team")).text(), name);
  });

  test("fields the form does not show cannot make an owner or pick another ISP", async () => {
    const { owner, email, path } = await invited("viewer");
    const other = await signUp(cp);
    const res = await browserAt(cp).post(path, {
      name: "Mass",
      password: PASSWORD,
      role: "owner",
      tenant_id: other.tenantId,
      email: "someone-else@example.test",
      platform_operator: "true",
      status: "disabled",
    });
    expect(res.status).toBe(303);
    const { user, places } = await personByEmail(cp.database, email);
    expect(user).toMatchObject({ platformOperator: false, status: "active" });
    expect(places.map((p) => [p.tenant.id, p.role])).toEqual([[owner.tenantId, "viewer"]]);
  });

  test("unknown, garbled, wrong-secret and another ISP's paths all answer the same 404 page", async () => {
    const { owner, link } = await invited();
    const other = await signUp(cp);
    const [, , , token = ""] = new URL(link).pathname.split("/");
    const [id] = token.split(".");
    for (const path of [
      `/invitations/${owner.tenantId}/${id}.${"a".repeat(52)}`,
      `/invitations/${other.tenantId}/${token}`,
      `/invitations/${owner.tenantId}/${crypto.randomUUID()}.${"b".repeat(52)}`,
      `/invitations/${owner.tenantId}/nonsense`,
      `/invitations/not-a-tenant/${token}`,
    ]) {
      const res = await browserAt(cp).get(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(await res.text()).toContain(invalidTitle);
      expect((await browserAt(cp).post(path, { name: "X", password: PASSWORD })).status).toBe(404);
    }
  });
});

describe("someone who already has an account", () => {
  test("signed in with the invited address: one button joins, and the session moves into that ISP", async () => {
    const host = await signUp(cp);
    const guest = await signUp(cp);
    await invite(host.browser, guest.fields.email, "admin");
    const path = pathOf(await invitationLink(cp, host.tenantId, guest.fields.email));
    const page = await (await guest.browser.get(path)).text();
    expect(page).toContain(t("invitation.accept", { isp: host.fields.ispName }));
    expect(page).not.toContain('name="password"');
    const res = await guest.browser.post(path, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/app");
    expect(await (await guest.browser.get("/app")).text()).toContain(host.fields.ispName);
    const { places } = await personByEmail(cp.database, guest.fields.email);
    expect(places.map((p) => p.role).sort()).toEqual(["admin", "owner"]);
  });

  test("not signed in (or signed in as someone else): asked to sign in with that address", async () => {
    const host = await signUp(cp);
    const guest = await signUp(cp);
    const stranger = await signUp(cp);
    await invite(host.browser, guest.fields.email, "viewer");
    const path = pathOf(await invitationLink(cp, host.tenantId, guest.fields.email));
    const anonymous = await (await browserAt(cp).get(path)).text();
    expect(anonymous).toContain(escaped(t("invitation.signinFirst", { email: guest.fields.email })));
    expect(anonymous).toContain(`href="/login?next=${encodeURIComponent(path)}"`);
    const other = await (await stranger.browser.get(path)).text();
    expect(other).toContain(escaped(t("invitation.otherAccount", { email: stranger.fields.email })));
    const post = await stranger.browser.post(path, { name: "X", password: PASSWORD });
    expect(post.status).toBe(303);
    expect(post.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
    const { places } = await personByEmail(cp.database, stranger.fields.email);
    expect(places).toHaveLength(1);
    expect((await rowsOf(host.tenantId))[0]?.acceptedAt).toBeNull();
  });

  test("already a member: accepting just succeeds and keeps the membership as it is", async () => {
    const host = await signUp(cp);
    const guest = await signUp(cp);
    await invite(host.browser, guest.fields.email, "viewer");
    const path = pathOf(await invitationLink(cp, host.tenantId, guest.fields.email));
    // Meanwhile the person became a member some other way.
    await cp.database.withTenant(host.tenantId, (tx) =>
      tx.insert(memberships).values({ tenantId: host.tenantId, userId: guest.user.id, role: "technician" }),
    );
    expect((await guest.browser.post(path, {})).status).toBe(303);
    const [m] = await cp.database.withTenant(host.tenantId, (tx) =>
      tx
        .select()
        .from(memberships)
        .where(and(eq(memberships.tenantId, host.tenantId), eq(memberships.userId, guest.user.id))),
    );
    expect(m?.role).toBe("technician");
    expect((await rowsOf(host.tenantId))[0]?.acceptedBy).toBe(guest.user.id);
  });
});

describe("expiry", () => {
  test("a link works for 72 hours and not a minute longer", async () => {
    const own = manualClock();
    const app = await assembleTestControlPlane({}, own);
    try {
      const owner = await signUp(app);
      const email = uniqueEmail();
      await invite(owner.browser, email, "technician");
      const path = pathOf(await invitationLink(app, owner.tenantId, email));
      own.advance(INVITATION_TTL_MS - 60_000);
      expect((await browserAt(app).get(path)).status).toBe(200);
      own.advance(60_000);
      const late = await browserAt(app).get(path);
      expect(late.status).toBe(404);
      expect(await late.text()).toContain(invalidTitle);
      expect((await browserAt(app).post(path, { name: "Telat", password: PASSWORD })).status).toBe(404);
      const found = await app.database.withoutTenant((tx) => tx.select().from(users).where(eq(users.email, email)));
      expect(found).toHaveLength(0);
    } finally {
      await app.close();
    }
  });

  test("a newer invitation to the same address replaces the older link", async () => {
    const { owner, email, path } = await invited();
    await invite(owner.browser, email, "admin");
    const newer = pathOf(await invitationLink(cp, owner.tenantId, email));
    expect(newer).not.toBe(path);
    expect((await browserAt(cp).get(path)).status).toBe(404);
    const res = await browserAt(cp).get(newer);
    expect(await res.text()).toContain(t("team.role.admin"));
  });
});
