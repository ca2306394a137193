import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { users } from "../accounts/accounts.tables.ts";
import { browserAt, manualClock, PASSWORD, personByEmail, signUp } from "../accounts/accounts.testing.ts";
import { auditLog } from "../audit/audit.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { sessions } from "../sessions/sessions.tables.ts";
import {
  escaped,
  expectEscaped,
  htmx,
  invitationLink,
  invite,
  join,
  keyOf,
  pathOf,
  signIn,
  totpAt,
  XSS,
} from "../team/team.testing.ts";

const t = translator("id");
const clock = manualClock();
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
});
afterAll(() => cp.close());

const userRow = async (id: string) =>
  (await cp.database.withoutTenant((tx) => tx.select().from(users).where(eq(users.id, id))))[0];
const sessionsOf = (userId: string) =>
  cp.database.withoutTenant((tx) => tx.select().from(sessions).where(eq(sessions.userId, userId)));

/** The id of the session a browser holds (the part of the cookie before the dot). */
const sessionIdOf = (b: TestClient) => b.cookies.get("kilusi_session")?.split(".")[0] ?? "";

describe("details", () => {
  test("name and phone are saved, audited, and shown escaped wherever the name appears", async () => {
    const me = await signUp(cp);
    for (const payload of XSS) {
      const name = `Budi ${payload}`;
      const res = await me.browser.post("/profile", { name, phone: "0813 2222 3333" });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/profile?done=details");
      const html = await (await me.browser.get("/profile?done=details")).text();
      expect(html).toContain(t("profile.notice.details"));
      expectEscaped(html, name);
      expectEscaped(await (await me.browser.get("/team")).text(), name);
    }
    expect(await userRow(me.user.id)).toMatchObject({ name: `Budi ${XSS[4]}`, phone: "+6281322223333" });
    const rows = await cp.database.withoutTenant((tx) =>
      tx.select().from(auditLog).where(eq(auditLog.action, "user.profile_updated")),
    );
    expect(rows.some((r) => r.actorUserId === me.user.id && r.tenantId === null)).toBe(true);
  });

  test("bad input comes back with the reasons and changes nothing", async () => {
    const me = await signUp(cp);
    const res = await me.browser.post("/profile", { name: " ", phone: XSS[0] });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(t("team.form.name"));
    expect(html).toContain(t("team.form.phone"));
    expect(html).toContain('aria-describedby="profile-name-error"');
    expectEscaped(html, XSS[0]);
    expect((await userRow(me.user.id))?.name).toBe(me.fields.ownerName);
  });

  test("fields the form does not show are ignored (mass assignment)", async () => {
    const me = await signUp(cp);
    const res = await me.browser.post("/profile", {
      name: "Nama Baru",
      phone: "",
      email: "thief@example.test",
      platformOperator: "true",
      platform_operator: "on",
      status: "disabled",
      passwordHash: "x",
    });
    expect(res.status).toBe(303);
    expect(await userRow(me.user.id)).toMatchObject({
      name: "Nama Baru",
      phone: null,
      email: me.fields.email,
      platformOperator: false,
      status: "active",
    });
  });

  test("works without a chosen ISP too", async () => {
    const host = await signUp(cp);
    const me = await signUp(cp);
    await invite(host.browser, me.fields.email, "viewer");
    await me.browser.post(pathOf(await invitationLink(cp, host.tenantId, me.fields.email)), {});
    // Two ISPs now: a fresh sign-in chooses none.
    const { browser, res } = await signIn(cp, me.fields.email);
    expect(res.headers.get("location")).toBe("/tenants");
    const profile = await browser.get("/profile");
    expect(profile.status).toBe(200);
    const html = await profile.text();
    expect(html).toContain(t("profile.title"));
    expect(html).not.toContain('href="/team"');
  });

  test("signed out, the profile sends you to sign in", async () => {
    const res = await browserAt(cp).get("/profile");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fprofile");
  });
});

describe("password", () => {
  test("a new password ends the other sessions and says how many", async () => {
    const me = await signUp(cp);
    const phone = (await signIn(cp, me.fields.email)).browser;
    const laptop = (await signIn(cp, me.fields.email)).browser;
    expect((await phone.get("/profile")).status).toBe(200);
    const next = "sebuah kata sandi baru yang panjang";
    const res = await me.browser.post("/profile/password", { current: PASSWORD, next });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/profile?done=password&ended=2");
    const page = await (await me.browser.get(res.headers.get("location") as string)).text();
    expect(page).toContain(t("profile.notice.password", { count: 2 }));
    for (const other of [phone, laptop]) expect((await other.get("/profile")).status).toBe(303);
    expect((await me.browser.get("/profile")).status).toBe(200);
    expect((await signIn(cp, me.fields.email, PASSWORD)).res.status).toBe(401);
    expect((await signIn(cp, me.fields.email, next)).res.status).toBe(303);
  });

  test("a wrong current password or a short new one is refused at the field", async () => {
    const me = await signUp(cp);
    const wrong = await me.browser.post("/profile/password", {
      current: "not my password",
      next: "long enough new one",
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain(t("profile.password.error.current"));
    const short = await me.browser.post("/profile/password", { current: PASSWORD, next: "short" });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('aria-describedby="password-next-hint password-next-error"');
    expect((await signIn(cp, me.fields.email, PASSWORD)).res.status).toBe(303);
  });
});

describe("sessions", () => {
  test("lists every session with this one marked, and ends one of them", async () => {
    const me = await signUp(cp);
    const other = await signIn(cp, me.fields.email);
    const html = await (await me.browser.get("/profile")).text();
    const mine = sessionIdOf(me.browser);
    const theirs = sessionIdOf(other.browser);
    expect(html).toContain(`id="session-${mine}"`);
    expect(html).toContain(`id="session-${theirs}"`);
    expect(html).toContain(t("profile.sessions.current"));
    expect(html).not.toContain(`/profile/sessions/${mine}/revoke`);
    expect(html).toContain(`hx-post="/profile/sessions/${theirs}/revoke"`);

    const res = await me.browser.post(`/profile/sessions/${theirs}/revoke`, {}, htmx);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect((await other.browser.get("/profile")).status).toBe(303);
    expect((await sessionsOf(me.user.id)).map((s) => s.id)).toEqual([mine]);
  });

  test("another person's session, or a made-up one, is not found and stays", async () => {
    const me = await signUp(cp);
    const stranger = await signUp(cp);
    for (const id of [sessionIdOf(stranger.browser), "aaaaaaaaaaaaaaaaaaaaaaaa", stranger.user.id]) {
      expect((await me.browser.post(`/profile/sessions/${id}/revoke`, {})).status).toBe(404);
    }
    expect((await stranger.browser.get("/profile")).status).toBe(200);
  });

  test("sign out everywhere else", async () => {
    const me = await signUp(cp);
    const others = [await signIn(cp, me.fields.email), await signIn(cp, me.fields.email)];
    const res = await me.browser.post("/profile/sessions/revoke-others", {});
    expect(res.headers.get("location")).toBe("/profile?done=others&ended=2");
    for (const o of others) expect((await o.browser.get("/app")).status).toBe(303);
    expect((await me.browser.get("/app")).status).toBe(200);
  });
});

/** Turns two-factor on through the pages; returns the key and the recovery codes shown. */
async function enableTwoFactor(browser: TestClient) {
  expect((await browser.post("/profile/2fa/setup", {})).status).toBe(303);
  const page = await (await browser.get("/profile/2fa")).text();
  const key = keyOf(page);
  const res = await browser.post("/profile/2fa/confirm", { code: totpAt(key, clock) });
  expect(res.status).toBe(200);
  const html = await res.text();
  const codes = [...html.matchAll(/<li><code>([a-z2-9]{6}-[a-z2-9]{6})<\/code><\/li>/g)].map((m) => m[1] as string);
  return { key, codes, html, setupPage: page };
}

describe("two-factor sign-in", () => {
  test("setup shows a QR image and the key, stores the key sealed, and is on only after a code", async () => {
    const me = await signUp(cp);
    expect(await (await me.browser.get("/profile/2fa")).text()).toContain(t("profile.2fa.off.title"));
    expect((await me.browser.post("/profile/2fa/setup", {})).status).toBe(303);
    const page = await (await me.browser.get("/profile/2fa")).text();
    expect(page).toMatch(/<img class="adm-qr" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/);
    const key = keyOf(page);
    const row = await userRow(me.user.id);
    expect(row?.totpKeySealed).toStartWith("v1.");
    expect(row?.totpKeySealed).not.toContain(Buffer.from(key).toString("base64"));
    expect(row?.totpEnabledAt).toBeNull();

    const wrong = await me.browser.post("/profile/2fa/confirm", { code: "000000" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain(t("profile.2fa.error.code"));
    expect((await userRow(me.user.id))?.totpEnabledAt).toBeNull();

    const res = await me.browser.post("/profile/2fa/confirm", { code: totpAt(key, clock) });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain(t("profile.2fa.notice.enabled"));
    expect([...html.matchAll(/<li><code>[a-z2-9]{6}-[a-z2-9]{6}<\/code><\/li>/g)]).toHaveLength(10);
    expect((await userRow(me.user.id))?.totpEnabledAt).not.toBeNull();
    // Shown once: the page afterwards has none.
    const later = await (await me.browser.get("/profile/2fa")).text();
    expect(later).not.toContain(t("profile.2fa.codes.title"));
    expect(later).toContain(t("profile.2fa.summaryOn", { count: 10 }));
  });

  test("the next sign-in needs the code; a recovery code works once", async () => {
    const me = await signUp(cp);
    const { key, codes } = await enableTwoFactor(me.browser);
    const first = await signIn(cp, me.fields.email);
    expect(first.res.headers.get("location")).toBe("/login/2fa");
    expect((await first.browser.get("/profile")).headers.get("location")).toBe("/login/2fa");
    const ok = await first.browser.post("/login/2fa", { code: codes[0] as string });
    expect(ok.status).toBe(303);
    expect((await first.browser.get("/profile")).status).toBe(200);

    const second = await signIn(cp, me.fields.email);
    const again = await second.browser.post("/login/2fa", { code: codes[0] as string });
    // Refused (the sign-in page decides the status); the session stays half signed in.
    expect(again.status).not.toBe(303);
    expect((await second.browser.get("/profile")).status).toBe(303);
    clock.advance(30_000);
    expect((await second.browser.post("/login/2fa", { code: totpAt(key, clock) })).status).toBe(303);
    expect(await (await second.browser.get("/profile/2fa")).text()).toContain(t("profile.2fa.summaryOn", { count: 9 }));
  });

  test("new recovery codes need a current code and replace the old ones", async () => {
    const me = await signUp(cp);
    const { key, codes } = await enableTwoFactor(me.browser);
    clock.advance(30_000);
    expect((await me.browser.post("/profile/2fa/recovery-codes", { code: "123456" })).status).toBe(400);
    const res = await me.browser.post("/profile/2fa/recovery-codes", { code: totpAt(key, clock) });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(t("profile.2fa.notice.regenerated"));
    expect(html).not.toContain(codes[0] as string);
    const old = await signIn(cp, me.fields.email);
    expect((await old.browser.post("/login/2fa", { code: codes[1] as string })).status).not.toBe(303);
    expect((await old.browser.get("/profile")).headers.get("location")).toBe("/login/2fa");
  });

  test("turning it off needs the password and a current code", async () => {
    const me = await signUp(cp);
    const { key } = await enableTwoFactor(me.browser);
    clock.advance(30_000);
    const noPassword = await me.browser.post("/profile/2fa/disable", {
      password: "wrong one",
      code: totpAt(key, clock),
    });
    expect(noPassword.status).toBe(400);
    expect(await noPassword.text()).toContain(t("profile.password.error.current"));
    const noCode = await me.browser.post("/profile/2fa/disable", { password: PASSWORD, code: "000000" });
    expect(noCode.status).toBe(400);
    expect((await userRow(me.user.id))?.totpEnabledAt).not.toBeNull();
    const res = await me.browser.post("/profile/2fa/disable", { password: PASSWORD, code: totpAt(key, clock) });
    expect(res.status).toBe(303);
    const row = await userRow(me.user.id);
    expect(row).toMatchObject({ totpEnabledAt: null, totpKeySealed: null });
    expect((await signIn(cp, me.fields.email)).res.headers.get("location")).toBe("/app");
    const actions = await cp.database.withoutTenant((tx) =>
      tx.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.actorUserId, me.user.id)),
    );
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(["user.2fa_setup_started", "user.2fa_enabled", "user.2fa_disabled"]),
    );
  });

  test("an ISP that requires it sends members without it to set it up, and forbids turning it off", async () => {
    const owner = await signUp(cp);
    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    // The owner turns it on for himself first, then requires it of everyone.
    const { key } = await enableTwoFactor(owner.browser);
    const settings = await owner.browser.post("/settings", {
      name: owner.fields.ispName,
      timeZone: "Asia/Jakarta",
      currency: "IDR",
      locale: "id",
      require2fa: "on",
    });
    expect(settings.status).toBe(303);
    const sent = await tech.browser.get("/app");
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe("/profile/2fa?required=1");
    const page = await (await tech.browser.get("/profile/2fa?required=1")).text();
    expect(page).toContain(t("profile.2fa.required"));
    expect((await tech.browser.get("/profile")).status).toBe(200);
    await enableTwoFactor(tech.browser);
    expect((await tech.browser.get("/app")).status).toBe(200);

    clock.advance(30_000);
    const off = await owner.browser.post("/profile/2fa/disable", { password: PASSWORD, code: totpAt(key, clock) });
    expect(off.status).toBe(409);
    expect(await off.text()).toContain(escaped(t("profile.2fa.disable.requiredBy", { names: owner.fields.ispName })));
    expect((await personByEmail(cp.database, owner.fields.email)).user.totpEnabledAt).not.toBeNull();
  });
});
