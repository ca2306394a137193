import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { browserAt, manualClock, signUp, signupFields } from "../accounts/accounts.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { expectEscaped, invite, join, uniqueEmail, XSS } from "../team/team.testing.ts";
import { nextDay } from "../time/zoned.ts";
import { AUDIT_PAGE_SIZE } from "./audit.usecases.ts";

const t = translator("id");
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, manualClock());
});
afterAll(() => cp.close());

const settings = (name: string, timeZone = "Asia/Jakarta") => ({ name, timeZone, currency: "IDR", locale: "id" });
const entries = (html: string) =>
  [...html.matchAll(/<li class="adm-item adm-audit-item">[\s\S]*?<\/li>/g)].map((m) => m[0]);
const actionsOn = (html: string) =>
  entries(html).map((e) => /<p class="adm-item-title"><code>([^<]+)<\/code>/.exec(e)?.[1] ?? "");
/** Today's date in a time zone, as the date inputs send it. */
const todayIn = (timeZone: string) => new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date());

describe("the audit log", () => {
  test("lists the tenant's changes newest first: when, who, what, from where, and the change itself", async () => {
    const browser = browserAt(cp, "10.77.0.9");
    const fields = signupFields();
    expect((await browser.post("/signup", fields)).status).toBe(303);
    const rename = await browser.post("/settings", settings("Net Baru", "Asia/Jayapura"));
    expect(rename.status).toBe(303);
    const requestId = rename.headers.get("x-request-id") as string;
    await invite(browser, uniqueEmail(), "technician");

    const res = await browser.get("/audit");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(actionsOn(html)).toEqual(["invitation.created", "tenant.settings_changed", "tenant.created"]);
    const change = entries(html)[1] as string;
    expect(change).toContain(fields.ownerName);
    expect(change).toContain("IP: 10.77.0.9");
    expect(change).toContain(`<code>${requestId}</code>`);
    expect(change).toContain("<details");
    expect(change).toContain("&quot;name&quot;: &quot;Net Baru&quot;");
    expect(change).toContain(`&quot;name&quot;: &quot;${fields.ispName}&quot;`);
    // Times in the ISP's zone (UTC+9 now), not the server's.
    const iso = /<time datetime="([^"]+)">([^<]+)<\/time>/.exec(change);
    const expected = new Intl.DateTimeFormat("id-ID", {
      timeZone: "Asia/Jayapura",
      dateStyle: "medium",
      timeStyle: "medium",
    }).format(new Date(iso?.[1] as string));
    expect(iso?.[2]).toBe(expected);
    expect(html).toContain(t("auditlog.timeZone", { zone: "Asia/Jayapura" }));
  });

  test("filters by the start of the action, by who, and by days in the ISP's calendar", async () => {
    const owner = await signUp(cp);
    const admin = await join(cp, owner.browser, owner.tenantId, "admin", "Ayu Admin");
    await invite(admin.browser, uniqueEmail(), "viewer");
    await owner.browser.post("/settings", settings("Dengan Saringan"));

    const byAction = await (await owner.browser.get("/audit?action=invitation.")).text();
    expect(new Set(actionsOn(byAction))).toEqual(new Set(["invitation.created", "invitation.accepted"]));
    const byActor = await (await owner.browser.get(`/audit?actor=${admin.userId}`)).text();
    expect(new Set(actionsOn(byActor))).toEqual(new Set(["invitation.created", "invitation.accepted"]));
    expect(byActor).toContain(`<option value="${admin.userId}" selected="">Ayu Admin</option>`);
    const both = await (await owner.browser.get(`/audit?action=invitation.acc&actor=${admin.userId}`)).text();
    expect(actionsOn(both)).toEqual(["invitation.accepted"]);

    const today = todayIn("Asia/Jakarta");
    const tomorrow = nextDay(today);
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(entries(await (await owner.browser.get(`/audit?from=${today}&to=${today}`)).text()).length).toBe(5);
    expect(entries(await (await owner.browser.get(`/audit?from=${tomorrow}`)).text())).toHaveLength(0);
    const none = await (await owner.browser.get(`/audit?to=${yesterday}`)).text();
    expect(entries(none)).toHaveLength(0);
    expect(none).toContain(t("auditlog.empty"));
  });

  test("pages of 50 go back in time by id, with the filters kept", async () => {
    const owner = await signUp(cp);
    for (let i = 0; i < AUDIT_PAGE_SIZE + 5; i++) await invite(owner.browser, uniqueEmail(`p${i}`), "viewer");
    const first = await (await owner.browser.get("/audit?action=invitation.")).text();
    expect(entries(first)).toHaveLength(AUDIT_PAGE_SIZE);
    const older = /href="(\/audit\?[^"]*before=\d+)" rel="next"/.exec(first)?.[1]?.replaceAll("&amp;", "&");
    expect(older).toContain("action=invitation.");
    expect(first).not.toContain(t("auditlog.newest"));
    const second = await (await owner.browser.get(older as string)).text();
    expect(entries(second)).toHaveLength(5);
    expect(second).not.toContain('rel="next"');
    expect(second).toContain(t("auditlog.newest"));
    const emailsOf = (html: string) => entries(html).map((e) => /p\d+-[a-z0-9]+@example\.test/.exec(e)?.[0]);
    const all = [...emailsOf(first), ...emailsOf(second)];
    expect(new Set(all).size).toBe(AUDIT_PAGE_SIZE + 5);
    // Newest first: the last invitation sent opens the first page.
    expect(emailsOf(first)[0]).toStartWith(`p${AUDIT_PAGE_SIZE + 4}-`);
  });

  test("shows only this ISP's rows, never sign-ins outside any ISP or another ISP's changes", async () => {
    const a = await signUp(cp);
    const b = await signUp(cp);
    await b.browser.post("/settings", settings("Rahasia B"));
    await browserAt(cp).post("/login", { email: a.fields.email, password: a.fields.password as string });
    const html = await (await a.browser.get("/audit")).text();
    expect(actionsOn(html)).toEqual(["tenant.created"]);
    expect(html).not.toContain("Rahasia B");
    const viaFilter = await (await a.browser.get(`/audit?actor=${b.user.id}`)).text();
    expect(entries(viaFilter)).toHaveLength(0);
  });

  test("what people typed is shown escaped, in the entries and in the filters", async () => {
    const owner = await signUp(cp);
    for (const payload of XSS) await owner.browser.post("/settings", settings(`ISP ${payload}`));
    const html = await (await owner.browser.get("/audit")).text();
    for (const payload of XSS) expectEscaped(html, `ISP ${payload}`.replaceAll('"', '\\"'));
    const filtered = await owner.browser.get(`/audit?action=${encodeURIComponent(XSS[1])}`);
    expect(filtered.status).toBe(200);
    expectEscaped(await filtered.text(), XSS[1]);
  });

  test("a date that is not one is refused at its field", async () => {
    const owner = await signUp(cp);
    for (const bad of ["2026-02-30", "yesterday", XSS[0]]) {
      const res = await owner.browser.get(`/audit?from=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(t("auditlog.error.date"));
      expect(html).toContain('aria-describedby="audit-from-error"');
      expect(html).not.toContain("<script>alert(1)</script>");
    }
  });

  test.each(["technician", "collector", "viewer"])("a %s gets 404", async (role) => {
    const owner = await signUp(cp);
    const member = await join(cp, owner.browser, owner.tenantId, role);
    expect((await member.browser.get("/audit")).status).toBe(404);
  });
});
