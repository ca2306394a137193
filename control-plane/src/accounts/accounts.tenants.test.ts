import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { generateHOTP } from "@oslojs/otp";
import { and, eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { auditLog } from "../audit/audit.tables.ts";
import { createSecretBox } from "../crypto/secret-box.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { memberships, tenants } from "../tenants/tenants.tables.ts";
import { users } from "./accounts.tables.ts";
import { browserAt, manualClock, PASSWORD, signUp, textOfClass } from "./accounts.testing.ts";
import { newRecoveryCodes, newTotpKey, replaceRecoveryCodes, sealTotpKey, TOTP_BOX_PURPOSE } from "./two-factor.ts";

const t = translator("id");
const clock = manualClock();
const masterKey = randomBytes(32);
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({ APP_MASTER_KEY: masterKey.toString("base64") }, clock);
});
afterAll(() => cp.close());

/** Makes `userId` a member of another ISP, as an accepted invitation would. */
async function addMember(tenantId: string, userId: string, role: "technician" | "viewer" | "admin") {
  await cp.database.withTenant(tenantId, (tx) => tx.insert(memberships).values({ tenantId, userId, role }));
}

const navLinks = (html: string) =>
  [...(/<nav class="app-sidebar"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? "").matchAll(/href="([^"]+)"/g)].map((m) => m[1]);

describe("the ISP picker", () => {
  test("a person in two ISPs chooses one after signing in, and sees their role there", async () => {
    const me = await signUp(cp);
    const other = await signUp(cp);
    await addMember(other.tenantId, me.user.id, "technician");

    const browser = browserAt(cp);
    const res = await browser.post("/login", { email: me.fields.email, password: PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/tenants");
    expect((await browser.get("/app")).headers.get("location")).toBe("/tenants");

    const picker = await (await browser.get("/tenants")).text();
    expect(picker).toContain(me.fields.ispName);
    expect(picker).toContain(other.fields.ispName);
    expect(picker).toContain(t("accounts.role.owner"));
    expect(picker).toContain(t("accounts.role.technician"));
    expect(picker).toContain(`action="/tenants/${other.tenantId}/choose"`);

    const chosen = await browser.post(`/tenants/${other.tenantId}/choose`, {});
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get("location")).toBe("/app");
    const home = await (await browser.get("/app")).text();
    expect(home).toContain(t("dashboard.role", { tenant: other.fields.ispName, role: t("accounts.role.technician") }));
    // A technician's menu: only what the role may open.
    expect(navLinks(home)).toEqual(["/app", "/customers", "/sites", "/sessions", "/tickets"]);
    // The choice is in that ISP's audit log.
    const audited = await cp.database.withTenant(other.tenantId, (tx) =>
      tx.select().from(auditLog).where(eq(auditLog.action, "session.tenant_chosen")),
    );
    expect(audited.map((row) => row.actorUserId)).toEqual([me.user.id]);
  });

  test("an owner's menu has team, audit log and settings", async () => {
    const { browser } = await signUp(cp);
    const home = await (await browser.get("/app")).text();
    expect(navLinks(home)).toEqual([
      "/app",
      "/customers",
      "/plans",
      "/invoices",
      "/payments",
      "/vouchers",
      "/reports",
      "/sites",
      "/sessions",
      "/tickets",
      "/team",
      "/audit",
      "/settings",
    ]);
    expect(home).toContain('action="/logout"');
    expect(home).toContain('href="/profile"');
  });

  test("an ISP the person does not belong to, a suspended one, or a made-up id answers 404", async () => {
    const me = await signUp(cp);
    const stranger = await signUp(cp);
    const suspended = await signUp(cp);
    await addMember(suspended.tenantId, me.user.id, "viewer");
    await cp.database.withTenant(suspended.tenantId, (tx) =>
      tx.update(tenants).set({ status: "suspended" }).where(eq(tenants.id, suspended.tenantId)),
    );

    for (const id of [stranger.tenantId, suspended.tenantId, crypto.randomUUID(), "not-a-uuid"]) {
      const res = await me.browser.post(`/tenants/${id}/choose`, {});
      expect(res.status).toBe(404);
    }
    const picker = await (await me.browser.get("/tenants")).text();
    expect(picker).not.toContain(suspended.fields.ispName);
    expect(picker).not.toContain(stranger.fields.ispName);
    // Still in their own ISP.
    expect(await (await me.browser.get("/app")).text()).toContain(me.fields.ispName);
  });

  test("a person who belongs to no ISP is told what to do", async () => {
    const me = await signUp(cp);
    await cp.database.withTenant(me.tenantId, (tx) =>
      tx
        .update(memberships)
        .set({ status: "disabled" })
        .where(and(eq(memberships.tenantId, me.tenantId), eq(memberships.userId, me.user.id))),
    );
    const browser = browserAt(cp);
    const res = await browser.post("/login", { email: me.fields.email, password: PASSWORD });
    expect(res.headers.get("location")).toBe("/tenants");
    const html = await (await browser.get("/tenants")).text();
    expect(html).toContain(t("accounts.tenants.empty.title"));
    expect(html).toContain(t("accounts.tenants.empty.text"));
    expect(html).toContain('action="/logout"');
  });

  test("the picker needs a signed-in person", async () => {
    const res = await browserAt(cp).get("/tenants");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Ftenants");
  });
});

describe("sign-in with a second factor", () => {
  /** Turns on TOTP for a person the way the profile page does: the key sealed, bound to the user. */
  async function withTotp() {
    const me = await signUp(cp);
    const key = newTotpKey();
    const sealed = sealTotpKey(createSecretBox(masterKey, TOTP_BOX_PURPOSE), me.user.id, key);
    const codes = newRecoveryCodes();
    await cp.database.withoutTenant(async (tx) => {
      await tx.update(users).set({ totpKeySealed: sealed, totpEnabledAt: clock.now() }).where(eq(users.id, me.user.id));
      await replaceRecoveryCodes(tx, me.user.id, codes);
    });
    const codeAt = (offsetSteps = 0) =>
      generateHOTP(key, BigInt(Math.floor(clock.now().getTime() / 30_000) + offsetSteps), 6);
    return { ...me, codeAt, codes };
  }

  async function passwordStep(email: string, browser = browserAt(cp)) {
    const res = await browser.post("/login", { email, password: PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login/2fa");
    return browser;
  }

  test("the password alone opens nothing; the right code does, once", async () => {
    const me = await withTotp();
    const browser = await passwordStep(me.fields.email);
    expect((await browser.get("/app")).headers.get("location")).toBe("/login/2fa");
    expect((await browser.get("/tenants")).headers.get("location")).toBe("/login/2fa");
    expect((await browser.get("/login/2fa")).status).toBe(200);

    const wrong = await browser.post("/login/2fa", { code: "000000" === me.codeAt() ? "111111" : "000000" });
    expect(wrong.status).toBe(401);
    expect(textOfClass(await wrong.text(), "form-alert")).toBe(t("accounts.error.invalidCode"));

    const code = me.codeAt();
    const ok = await browser.post("/login/2fa", { code });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/app");
    expect((await browser.get("/app")).status).toBe(200);
    const steps = await cp.database.withoutTenant((tx) =>
      tx.select().from(auditLog).where(eq(auditLog.actorUserId, me.user.id)),
    );
    expect(steps.map((row) => [row.action, row.after])).toContainEqual([
      "session.second_factor_verified",
      { method: "totp" },
    ]);
    expect(steps.map((row) => row.action)).toContain("session.second_factor_failed");

    // The same code, seconds later in another browser: refused.
    const thief = await passwordStep(me.fields.email);
    expect((await thief.post("/login/2fa", { code })).status).toBe(401);
    expect((await thief.get("/app")).headers.get("location")).toBe("/login/2fa");
  });

  test("a recovery code works instead of the app, once", async () => {
    const me = await withTotp();
    const [recovery] = me.codes as [string];
    const first = await passwordStep(me.fields.email);
    const res = await first.post("/login/2fa", { code: recovery.toUpperCase() });
    expect(res.status).toBe(303);
    expect((await first.get("/app")).status).toBe(200);

    const second = await passwordStep(me.fields.email);
    expect((await second.post("/login/2fa", { code: recovery })).status).toBe(401);
  });

  test("wrong codes count against the sign-in throttle, and the password does not reset it", async () => {
    const me = await withTotp();
    const browser = await passwordStep(me.fields.email);
    const wrong = me.codeAt() === "123456" ? "654321" : "123456";
    for (let i = 0; i < 3; i++) expect((await browser.post("/login/2fa", { code: wrong })).status).toBe(401);
    // The right password again must not buy a fresh batch of guesses.
    await passwordStep(me.fields.email, browser);
    for (let i = 0; i < 2; i++) expect((await browser.post("/login/2fa", { code: wrong })).status).toBe(401);
    const res = await browser.post("/login/2fa", { code: me.codeAt() });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await browser.get("/app")).headers.get("location")).toBe("/login/2fa");
  });

  test("without a pending second factor the page sends you on", async () => {
    expect((await browserAt(cp).get("/login/2fa")).headers.get("location")).toBe("/login");
    const { browser } = await signUp(cp);
    expect((await browser.get("/login/2fa")).headers.get("location")).toBe("/app");
  });
});
