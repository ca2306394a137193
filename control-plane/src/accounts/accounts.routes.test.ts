import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { memberships } from "../tenants/tenants.tables.ts";
import { users } from "./accounts.tables.ts";
import {
  browserAt,
  MINUTE,
  manualClock,
  PASSWORD,
  personByEmail,
  sessionCookie,
  signUp,
  signupFields,
  textOfClass,
} from "./accounts.testing.ts";

const t = translator("id");
const clock = manualClock();
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
});
afterAll(() => cp.close());

describe("sign-up", () => {
  test("creates the ISP, its owner and the membership, and lands in /app signed in", async () => {
    const browser = browserAt(cp);
    const fields = signupFields({ phone: "0812-3456-7890" });
    const res = await browser.post("/signup", fields);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/app");
    expect(res.headers.get("set-cookie")).toContain("HttpOnly");
    expect(sessionCookie(browser)).toBeString();

    const home = await browser.get("/app");
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain(fields.ispName);
    expect(html).toContain(t("dashboard.role", { tenant: fields.ispName, role: t("accounts.role.owner") }));

    const { user, places } = await personByEmail(cp.database, fields.email);
    expect(user.phone).toBe("+6281234567890");
    expect(places).toHaveLength(1);
    expect(places[0]?.role).toBe("owner");
    expect(places[0]?.tenant).toMatchObject({ name: fields.ispName, slug: fields.slug, status: "active" });
  });

  test.each([
    ["08123456789", "+628123456789"],
    ["+62 812-3456-789", "+628123456789"],
    ["62 812 3456 789", "+628123456789"],
  ])("the phone %p is stored as %p", async (phone, e164) => {
    const { user } = await signUp(cp, { phone });
    expect(user.phone).toBe(e164);
  });

  test("bad input comes back as the same form with each problem under its field, nothing lost", async () => {
    const browser = browserAt(cp);
    const res = await browser.post("/signup", {
      ispName: "",
      slug: "Bukan Alamat!",
      ownerName: "Siti",
      email: "bukan-email",
      phone: "12345",
      password: "pendek",
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    for (const field of ["ispName", "slug", "email", "phone", "password"]) {
      expect(html).toContain(`id="field-${field}-error"`);
      expect(html).toMatch(
        new RegExp(`id="field-${field}"[^>]*aria-invalid="true"[^>]*aria-describedby="field-${field}-error`),
      );
    }
    expect(html).not.toContain('id="field-ownerName-error"');
    expect(html).toContain(t("accounts.error.invalidSlug"));
    expect(html).toContain(t("accounts.error.passwordTooShort"));
    // What was typed is still there, except the password.
    expect(html).toContain('value="Bukan Alamat!"');
    expect(html).toContain('value="Siti"');
    expect(html).not.toContain("pendek");
    expect(sessionCookie(browser)).toBeUndefined();
  });

  test("a taken address or e-mail is shown on the form", async () => {
    const first = await signUp(cp);
    const browser = browserAt(cp);

    const sameSlug = signupFields({ slug: first.fields.slug });
    const slugRes = await browser.post("/signup", sameSlug);
    expect(slugRes.status).toBe(409);
    const slugHtml = await slugRes.text();
    expect(textOfClass(slugHtml, "field-error")).toBe(t("accounts.error.slugTaken"));
    expect(slugHtml).toContain('id="field-slug-error"');
    expect(slugHtml).toContain(`value="${sameSlug.ispName}"`);

    const sameEmail = signupFields({ email: first.fields.email.toUpperCase() });
    const emailRes = await browser.post("/signup", sameEmail);
    expect(emailRes.status).toBe(409);
    const emailHtml = await emailRes.text();
    expect(emailHtml).toContain('id="field-email-error"');
    expect(textOfClass(emailHtml, "field-error")).toBe(t("accounts.error.emailTaken"));
    expect(sessionCookie(browser)).toBeUndefined();
  });

  test("fields the form does not show are ignored: the owner owns the new ISP and is no platform operator", async () => {
    const other = await signUp(cp);
    const fields = signupFields({
      tenant_id: other.tenantId,
      tenantId: other.tenantId,
      role: "viewer",
      platform_operator: "true",
      platformOperator: "true",
      status: "disabled",
    });
    const res = await browserAt(cp).post("/signup", fields);
    expect(res.status).toBe(303);
    const { user, places } = await personByEmail(cp.database, fields.email);
    expect(user.platformOperator).toBe(false);
    expect(user.status).toBe("active");
    expect(places.map((p) => [p.tenant.name, p.role])).toEqual([[fields.ispName, "owner"]]);
    expect(places[0]?.tenant.id).not.toBe(other.tenantId);
    // The other ISP still has exactly its own owner.
    const members = await cp.database.withTenant(other.tenantId, (tx) => tx.select().from(memberships));
    expect(members.map((m) => [m.userId, m.role])).toEqual([[other.user.id, "owner"]]);
  });

  test("more than 10 sign-ups an hour from one address are refused with Retry-After, the form kept", async () => {
    const browser = browserAt(cp);
    for (let i = 0; i < 10; i++) {
      const res = await browser.post("/signup", signupFields());
      expect(res.status).toBe(303);
    }
    const eleventh = signupFields();
    const res = await browser.post("/signup", eleventh);
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const html = await res.text();
    expect(html).toContain(`value="${eleventh.ispName}"`);
    expect(textOfClass(html, "form-alert")).toBe(
      t("accounts.error.rateLimited", { minutes: Math.ceil(retryAfter / 60) }),
    );
    // Another address is not affected.
    expect((await browserAt(cp).post("/signup", signupFields())).status).toBe(303);
  });
});

describe("sign-in and sign-out", () => {
  const signIn = (browser: ReturnType<typeof browserAt>, email: string, password = PASSWORD, path = "/login") =>
    browser.post(path, { email, password });

  test("every sign-in gets its own new session; each lasts until it signs out", async () => {
    const { fields } = await signUp(cp);
    const a = browserAt(cp);
    const b = browserAt(cp);
    const resA = await signIn(a, fields.email);
    const resB = await signIn(b, fields.email.toUpperCase());
    expect(resA.status).toBe(303);
    expect(resA.headers.get("location")).toBe("/app");
    expect(resB.status).toBe(303);
    expect(sessionCookie(a)).toBeString();
    expect(sessionCookie(a)).not.toBe(sessionCookie(b));

    expect((await a.get("/app")).status).toBe(200);
    expect((await b.get("/app")).status).toBe(200);
    const out = await a.post("/logout", {});
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login");
    expect(sessionCookie(a)).toBeUndefined();
    expect((await b.get("/app")).status).toBe(200);
  });

  test("signing in again in the same browser ends the session it had", async () => {
    const { fields } = await signUp(cp);
    const browser = browserAt(cp);
    await signIn(browser, fields.email);
    const first = sessionCookie(browser) as string;
    await signIn(browser, fields.email);
    const second = sessionCookie(browser) as string;
    expect(second).not.toBe(first);

    const replay = browserAt(cp);
    replay.cookies.set("kilusi_session", first);
    const res = await replay.get("/app");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fapp");
    expect((await browser.get("/app")).status).toBe(200);
  });

  test("sign-out ends the session on the server: the old cookie replayed is sent to sign in", async () => {
    const { browser } = await signUp(cp);
    const token = sessionCookie(browser) as string;
    expect((await browser.post("/logout", {})).status).toBe(303);

    const replay = browserAt(cp);
    replay.cookies.set("kilusi_session", token);
    const res = await replay.get("/app");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fapp");
  });

  test("a wrong password and an unknown address get the same answer", async () => {
    const { fields } = await signUp(cp);
    const unknown = `nobody-${crypto.randomUUID()}@example.test`;
    const wrong = await signIn(browserAt(cp), fields.email, "not the password at all");
    const missing = await signIn(browserAt(cp), unknown, "not the password at all");
    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(wrong.status);
    const wrongHtml = await wrong.text();
    const missingHtml = await missing.text();
    expect(textOfClass(wrongHtml, "form-alert")).toBe(t("accounts.error.invalidCredentials"));
    expect(textOfClass(missingHtml, "form-alert")).toBe(textOfClass(wrongHtml, "form-alert"));
    // Byte for byte, once the address each typed is taken out.
    expect(missingHtml.replaceAll(unknown, "@")).toBe(wrongHtml.replaceAll(fields.email, "@"));
  });

  test("the sixth failure in 15 minutes is refused with Retry-After even with the right password", async () => {
    const { fields } = await signUp(cp);
    const browser = browserAt(cp);
    for (let i = 0; i < 5; i++) expect((await signIn(browser, fields.email, `wrong password ${i}`)).status).toBe(401);
    const res = await signIn(browser, fields.email);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(15 * 60);
    expect(sessionCookie(browser)).toBeUndefined();

    clock.advance(15 * MINUTE + 1000);
    expect((await signIn(browser, fields.email)).status).toBe(303);
  });

  test("a session ends after 30 idle minutes", async () => {
    const { browser } = await signUp(cp);
    clock.advance(29 * MINUTE);
    expect((await browser.get("/app")).status).toBe(200);
    clock.advance(29 * MINUTE);
    expect((await browser.get("/app")).status).toBe(200);
    clock.advance(30 * MINUTE);
    const res = await browser.get("/app");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fapp");
  });

  test("a session ends 12 hours after sign-in, however busy", async () => {
    const { browser } = await signUp(cp);
    for (let elapsed = 25; elapsed < 12 * 60; elapsed += 25) {
      clock.advance(25 * MINUTE);
      expect((await browser.get("/app")).status).toBe(200);
    }
    clock.advance(25 * MINUTE);
    expect((await browser.get("/app")).status).toBe(303);
  });

  test("a safe ?next= is followed after sign-in; another site is not", async () => {
    const { fields } = await signUp(cp);
    const go = async (next: string) =>
      (await signIn(browserAt(cp), fields.email, PASSWORD, `/login?next=${encodeURIComponent(next)}`)).headers.get(
        "location",
      );
    expect(await go("/team?tab=invitations")).toBe("/team?tab=invitations");
    expect(await go("//evil.example/steal")).toBe("/app");
    expect(await go("https://evil.example/")).toBe("/app");
    expect(await go("/\\evil.example")).toBe("/app");
  });

  test("empty fields are named, not sent to the password check", async () => {
    const res = await browserAt(cp).post("/login", { email: "", password: "" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="field-email-error"');
    expect(html).toContain('id="field-password-error"');
  });

  test("a sign-in posted from another site is refused (403 csrf_rejected)", async () => {
    const { fields } = await signUp(cp);
    const browser = browserAt(cp);
    const res = await browser.request("/login", {
      method: "POST",
      body: new URLSearchParams({ email: fields.email, password: PASSWORD }).toString(),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "https://evil.example",
        accept: "application/json",
      },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("csrf_rejected");
    expect(sessionCookie(browser)).toBeUndefined();
  });

  test("/app asks who you are first", async () => {
    const res = await browserAt(cp).get("/app");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fapp");
  });

  test("the landing page links to sign-in and sign-up", async () => {
    const html = await (await browserAt(cp).get("/")).text();
    expect(html).toMatch(/<a href="\/login">Masuk<\/a>/);
    expect(html).toMatch(/<a class="button auth-links-signup" href="\/signup">Daftar<\/a>/);
  });

  test("a disabled person cannot sign in, with the same answer as a wrong password", async () => {
    const { fields, user } = await signUp(cp);
    await cp.database.withoutTenant((tx) => tx.update(users).set({ status: "disabled" }).where(eq(users.id, user.id)));
    const res = await signIn(browserAt(cp), fields.email);
    expect(res.status).toBe(401);
    expect(textOfClass(await res.text(), "form-alert")).toBe(t("accounts.error.invalidCredentials"));
  });
});
