import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { and, eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { manualClock, signUp } from "../accounts/accounts.testing.ts";
import { auditLog } from "../audit/audit.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { invitations, memberships } from "../tenants/tenants.tables.ts";
import {
  escaped,
  expectEscaped,
  htmx,
  invitationLink,
  invite,
  join,
  pathOf,
  uniqueEmail,
  XSS,
} from "./team.testing.ts";

const t = translator("id");
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, manualClock());
});
afterAll(() => cp.close());

const membership = (tenantId: string, userId: string) =>
  cp.database
    .withTenant(tenantId, (tx) =>
      tx
        .select()
        .from(memberships)
        .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId))),
    )
    .then((rows) => rows[0]);

const auditRows = (tenantId: string, action: string) =>
  cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action))),
  );

describe("the team page", () => {
  test("an owner sees the members, invites by e-mail, and the invitation waits in the list", async () => {
    const owner = await signUp(cp);
    const page = await (await owner.browser.get("/team")).text();
    expect(page).toContain(owner.fields.ownerName);
    expect(page).toContain(owner.fields.email);
    expect(page).toContain(t("team.role.owner"));
    expect(page).toContain('action="/team/invite"');

    const email = uniqueEmail();
    const res = await owner.browser.post("/team/invite", { email, role: "collector" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/team?done=invited");
    const after = await (await owner.browser.get("/team?done=invited")).text();
    expect(after).toContain(t("team.notice.invited"));
    expect(after).toContain(email);
    expect(after).toContain(t("team.role.collector"));
    const link = await invitationLink(cp, owner.tenantId, email);
    expect(link).toStartWith(`http://localhost/invitations/${owner.tenantId}/`);
    const [row] = await auditRows(owner.tenantId, "invitation.created");
    expect(row?.actorUserId).toBe(owner.user.id);
    expect(row?.after).toMatchObject({ email, role: "collector" });
  });

  test("a bad invitation re-renders the form with the reason, the input escaped, and nothing sent", async () => {
    const owner = await signUp(cp);
    for (const payload of XSS) {
      const res = await owner.browser.post("/team/invite", { email: payload, role: "technician" });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(t("team.invite.error.email"));
      expect(html).toContain('aria-describedby="invite-email-error"');
      expectEscaped(html, payload);
    }
    const bad = await owner.browser.post("/team/invite", { email: uniqueEmail(), role: "owner" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(t("team.error.role"));
    const rows = await cp.database.withTenant(owner.tenantId, (tx) => tx.select().from(invitations));
    expect(rows).toHaveLength(0);
  });

  test("an address with an apostrophe is accepted and shown escaped", async () => {
    const owner = await signUp(cp);
    const email = `o'brien-${Date.now()}@example.test`;
    await invite(owner.browser, email, "viewer");
    const html = await (await owner.browser.get("/team")).text();
    expect(html).toContain(escaped(email));
    expect(html).not.toContain(email);
  });

  test("inviting someone who is already a member says so", async () => {
    const owner = await signUp(cp);
    const res = await owner.browser.post("/team/invite", { email: owner.fields.email, role: "admin" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(t("team.invite.error.member"));
  });

  test("names people typed are shown escaped", async () => {
    const owner = await signUp(cp);
    for (const payload of XSS) await join(cp, owner.browser, owner.tenantId, "technician", `Tek ${payload}`);
    const html = await (await owner.browser.get("/team")).text();
    for (const payload of XSS) expectEscaped(html, `Tek ${payload}`);
  });
});

describe("changing roles", () => {
  test("htmx swaps the member's row; the change is stored and audited with before and after", async () => {
    const owner = await signUp(cp);
    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    const res = await owner.browser.post(`/team/members/${tech.userId}/role`, { role: "collector" }, htmx);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toStartWith(`<li class="adm-item" id="member-${tech.userId}"`);
    expect(html).toContain(t("team.role.collector"));
    expect((await membership(owner.tenantId, tech.userId))?.role).toBe("collector");
    const [row] = await auditRows(owner.tenantId, "member.role_changed");
    expect(row).toMatchObject({ before: { role: "technician" }, after: { role: "collector" }, entityId: tech.userId });
  });

  test("without JavaScript the form posts and comes back to the page", async () => {
    const owner = await signUp(cp);
    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    const res = await owner.browser.post(`/team/members/${tech.userId}/role`, { role: "viewer" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/team?done=role");
    expect((await membership(owner.tenantId, tech.userId))?.role).toBe("viewer");
  });

  test("the last active owner cannot be demoted or disabled", async () => {
    const owner = await signUp(cp);
    const path = `/team/members/${owner.user.id}`;
    const demote = await owner.browser.post(`${path}/role`, { role: "admin" }, htmx);
    expect(demote.status).toBe(409);
    expect(await demote.text()).toContain(escaped(t("team.error.lastOwner")));
    const page = await owner.browser.post(`${path}/role`, { role: "viewer" });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain(escaped(t("team.error.lastOwner")));
    const disable = await owner.browser.post(`${path}/disable`, {}, htmx);
    expect(disable.status).toBe(409);
    expect(await disable.text()).toContain(escaped(t("team.error.lastOwner")));
    expect(await membership(owner.tenantId, owner.user.id)).toMatchObject({ role: "owner", status: "active" });

    // With a second owner the first may step down; then the second is the last one.
    const second = await join(cp, owner.browser, owner.tenantId, "admin");
    expect((await owner.browser.post(`/team/members/${second.userId}/role`, { role: "owner" })).status).toBe(303);
    expect((await owner.browser.post(`${path}/role`, { role: "admin" })).status).toBe(303);
    const refused = await second.browser.post(`/team/members/${second.userId}/role`, { role: "admin" });
    expect(refused.status).toBe(409);
    expect((await membership(owner.tenantId, second.userId))?.role).toBe("owner");
  });

  test("only an owner makes owners or changes an owner", async () => {
    const owner = await signUp(cp);
    const admin = await join(cp, owner.browser, owner.tenantId, "admin");
    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    const promote = await admin.browser.post(`/team/members/${tech.userId}/role`, { role: "owner" });
    expect(promote.status).toBe(403);
    expect(await promote.text()).toContain(t("team.error.roleNotAllowed"));
    const demoteOwner = await admin.browser.post(`/team/members/${owner.user.id}/role`, { role: "viewer" }, htmx);
    expect(demoteOwner.status).toBe(403);
    const disableOwner = await admin.browser.post(`/team/members/${owner.user.id}/disable`, {});
    expect(disableOwner.status).toBe(403);
    expect(await membership(owner.tenantId, owner.user.id)).toMatchObject({ role: "owner", status: "active" });
    expect((await membership(owner.tenantId, tech.userId))?.role).toBe("technician");
    // An admin's page offers no owner role and no controls on the owner's row.
    const html = await (await admin.browser.get("/team")).text();
    expect(html).not.toContain(`action="/team/members/${owner.user.id}/role"`);
    expect(html).not.toContain('<option value="owner"');
  });

  test("fields the form does not show are ignored (mass assignment)", async () => {
    const owner = await signUp(cp);
    const other = await signUp(cp);
    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    const res = await owner.browser.post(`/team/members/${tech.userId}/role`, {
      role: "collector",
      status: "disabled",
      tenant_id: other.tenantId,
      tenantId: other.tenantId,
      userId: owner.user.id,
    });
    expect(res.status).toBe(303);
    expect(await membership(owner.tenantId, tech.userId)).toMatchObject({ role: "collector", status: "active" });
    expect(await membership(owner.tenantId, owner.user.id)).toMatchObject({ role: "owner", status: "active" });

    const email = uniqueEmail();
    await owner.browser.post("/team/invite", {
      email,
      role: "viewer",
      tenant_id: other.tenantId,
      invitedBy: other.user.id,
      expiresAt: "2099-01-01",
    });
    const [row] = await cp.database.withTenant(owner.tenantId, (tx) =>
      tx.select().from(invitations).where(eq(invitations.email, email)),
    );
    expect(row).toMatchObject({ tenantId: owner.tenantId, invitedBy: owner.user.id, role: "viewer" });
    expect(row?.expiresAt.getTime()).toBeLessThan(Date.now() + 73 * 3600_000);
    expect(await cp.database.withTenant(other.tenantId, (tx) => tx.select().from(invitations))).toHaveLength(0);
  });
});

describe("disabling and enabling", () => {
  test("disabling ends every session of the member at once; enabling lets them back in", async () => {
    const owner = await signUp(cp);
    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    expect((await tech.browser.get("/app")).status).toBe(200);
    const res = await owner.browser.post(`/team/members/${tech.userId}/disable`, {}, htmx);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(t("team.status.disabled"));
    const after = await tech.browser.get("/app");
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toStartWith("/login");
    const [row] = await auditRows(owner.tenantId, "member.disabled");
    expect(row).toMatchObject({ before: { status: "active" }, after: { status: "disabled", sessionsEnded: 1 } });

    expect((await owner.browser.post(`/team/members/${tech.userId}/enable`, {})).status).toBe(303);
    expect((await membership(owner.tenantId, tech.userId))?.status).toBe("active");
    expect(await auditRows(owner.tenantId, "member.enabled")).toHaveLength(1);
  });

  test("the disable button asks first (hx-confirm) and keeps a plain form", async () => {
    const owner = await signUp(cp);
    const tech = await join(cp, owner.browser, owner.tenantId, "technician", "Joko");
    const html = await (await owner.browser.get("/team")).text();
    expect(html).toContain(`action="/team/members/${tech.userId}/disable"`);
    expect(html).toContain(`hx-confirm="${escaped(t("team.member.disableConfirm", { name: "Joko" }))}"`);
  });
});

describe("invitations in the list", () => {
  test("withdrawing one removes its row and its link stops working", async () => {
    const owner = await signUp(cp);
    const email = uniqueEmail();
    await invite(owner.browser, email, "technician");
    const link = await invitationLink(cp, owner.tenantId, email);
    const [inv] = await cp.database.withTenant(owner.tenantId, (tx) => tx.select().from(invitations));
    const res = await owner.browser.post(`/team/invitations/${inv?.id}/revoke`, {}, htmx);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect((await owner.browser.get(pathOf(link))).status).toBe(404);
    expect(await (await owner.browser.get("/team")).text()).not.toContain(email);
    expect(await auditRows(owner.tenantId, "invitation.revoked")).toHaveLength(1);
    // Withdrawn is final: a second time is "not found".
    expect((await owner.browser.post(`/team/invitations/${inv?.id}/revoke`, {})).status).toBe(404);
  });
});

describe("who may do what", () => {
  test("a technician who joined by invitation gets 404 on team changes, settings and the audit log", async () => {
    const owner = await signUp(cp);
    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    const b = tech.browser;
    expect((await b.post("/team/invite", { email: uniqueEmail(), role: "admin" })).status).toBe(404);
    expect((await b.get("/team")).status).toBe(404);
    expect((await b.get("/settings")).status).toBe(404);
    expect((await b.get("/audit")).status).toBe(404);
    expect((await b.post(`/team/members/${owner.user.id}/role`, { role: "viewer" })).status).toBe(404);
    expect((await b.post(`/team/members/${tech.userId}/role`, { role: "owner" })).status).toBe(404);
    expect((await membership(owner.tenantId, tech.userId))?.role).toBe("technician");
  });

  test("a viewer sees the team but no forms to change it", async () => {
    const owner = await signUp(cp);
    const viewer = await join(cp, owner.browser, owner.tenantId, "viewer");
    const res = await viewer.browser.get("/team");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(owner.fields.ownerName);
    expect(html).not.toContain('action="/team/invite"');
    expect(html).not.toContain("/role");
    expect((await viewer.browser.post("/team/invite", { email: uniqueEmail(), role: "viewer" })).status).toBe(404);
  });

  test("another ISP's member, invitation or a made-up id is not found", async () => {
    const a = await signUp(cp);
    const b = await signUp(cp);
    const techA = await join(cp, a.browser, a.tenantId, "technician");
    await invite(a.browser, uniqueEmail(), "viewer");
    const [invA] = await cp.database.withTenant(a.tenantId, (tx) => tx.select().from(invitations));
    for (const path of [
      `/team/members/${techA.userId}/role`,
      `/team/members/${techA.userId}/disable`,
      `/team/members/${a.user.id}/enable`,
      `/team/invitations/${invA?.id}/revoke`,
      "/team/members/not-a-uuid/disable",
      `/team/members/${crypto.randomUUID()}/disable`,
    ]) {
      expect([path, (await b.browser.post(path, { role: "viewer" })).status]).toEqual([path, 404]);
    }
    expect(await membership(a.tenantId, techA.userId)).toMatchObject({ role: "technician", status: "active" });
    const [still] = await cp.database.withTenant(a.tenantId, (tx) => tx.select().from(invitations));
    expect(still?.revokedAt).toBeNull();
  });
});
