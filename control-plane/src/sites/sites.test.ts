import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatDateTime } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { manualClock, signUp } from "../accounts/accounts.testing.ts";
import { testIsp } from "../billing/money-flow.testing.ts";
import { auditRows } from "../plans/plans.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { escaped, expectEscaped, htmx, join, XSS } from "../team/team.testing.ts";
import { createSiteVia, seedAgent, siteFields, siteRow, siteRows } from "./sites.testing.ts";

const t = translator("id");
const clock = manualClock();
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
});
afterAll(() => cp.close());

/** The `<tr>` of the site on the list, or "". */
const rowOf = (html: string, siteId: string) =>
  new RegExp(`<tr id="site-${siteId}"[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? "";

describe("creating a site", () => {
  test("stored, audited, and shown on its page and on the list", async () => {
    const owner = await signUp(cp);
    const fields = siteFields({
      timeZone: "Asia/Makassar",
      hotspotLoginUrl: "http://10.5.50.1/login?username={code}&password={code}",
    });
    const id = await createSiteVia(owner.browser, fields);
    expect(await siteRow(cp, owner.tenantId, id)).toMatchObject({
      name: fields.name,
      location: "Desa Sukamaju, RT 03",
      timeZone: "Asia/Makassar",
      hotspotLoginUrl: "http://10.5.50.1/login?username={code}&password={code}",
      revision: 1,
    });
    const [created] = await auditRows(cp, owner.tenantId, "site.created");
    expect(created).toMatchObject({ entityType: "site", entityId: id, actorUserId: owner.user.id });
    expect(created?.after).toEqual({
      name: fields.name,
      location: "Desa Sukamaju, RT 03",
      timeZone: "Asia/Makassar",
      hotspotLoginUrl: "http://10.5.50.1/login?username={code}&password={code}",
    });

    const page = await (await owner.browser.get(`/sites/${id}?done=created`)).text();
    expect(page).toContain(t("sites.notice.created"));
    expect(page).toContain(`<h1>${fields.name}</h1>`);
    expect(page).toContain(t("sites.status.noAgentText"));
    expect(page).toContain(`action="/sites/${id}/enrollment-token"`);
    expect(page).toContain(t("sites.agent.add"));

    const list = await (await owner.browser.get("/sites")).text();
    const row = rowOf(list, id);
    expect(row).toContain(`href="/sites/${id}">${fields.name}</a>`);
    expect(row).toContain("Desa Sukamaju, RT 03");
    expect(row).toContain(`badge-tone-muted">${t("sites.status.none")}`);
    // Every ISP starts with its main site.
    expect(list).toContain(">Lokasi utama</a>");
  });

  test("empty optional fields store null: the ISP's zone and login page apply", async () => {
    const owner = await signUp(cp);
    const id = await createSiteVia(owner.browser, siteFields({ location: "  " }));
    expect(await siteRow(cp, owner.tenantId, id)).toMatchObject({
      location: null,
      timeZone: null,
      hotspotLoginUrl: null,
    });
    const page = await (await owner.browser.get(`/sites/${id}`)).text();
    expect(page).toContain(`Asia/Jakarta · ${t("sites.detail.tenantDefault")}`);
    const form = await (await owner.browser.get(`/sites/${id}/edit`)).text();
    expect(form).toContain(`<option value="" selected="">${t("sites.timeZone.tenant", { zone: "Asia/Jakarta" })}`);
  });
});

describe("bad site forms", () => {
  const cases: [string, Record<string, string>, Record<string, string>][] = [
    ["no name", { name: "   " }, { name: t("sites.error.name.required") }],
    ["a name of 101 characters", { name: "x".repeat(101) }, { name: t("sites.error.name.tooLong") }],
    ["a location of 201 characters", { location: "y".repeat(201) }, { location: t("sites.error.location.tooLong") }],
    ["an unknown time zone", { timeZone: "Asia/Atlantis" }, { timeZone: t("sites.error.timeZone") }],
    [
      "a script as login page",
      { hotspotLoginUrl: "javascript:alert(1)" },
      { hotspotLoginUrl: t("sites.error.hotspotLoginUrl") },
    ],
    [
      "an FTP login page",
      { hotspotLoginUrl: "ftp://hotspot.net/login" },
      { hotspotLoginUrl: t("sites.error.hotspotLoginUrl") },
    ],
  ];

  let owner: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    owner = await signUp(cp);
  });

  test.each(cases)(
    "%s: the field's error, what was typed kept, nothing written",
    async (_name, overrides, expected) => {
      const fields = siteFields(overrides);
      const res = await owner.browser.post("/sites", fields);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(t("sites.error.form"));
      for (const [field, message] of Object.entries(expected)) {
        expect(html).toContain(`<p class="adm-error" id="site-${field}-error">${escaped(message)}</p>`);
        const hinted = field === "location" || field === "hotspotLoginUrl";
        expect(html).toContain(`aria-describedby="${hinted ? `site-${field}-hint ` : ""}site-${field}-error"`);
      }
      if (overrides.name === undefined) expect(html).toContain(`value="${escaped(fields.name ?? "")}"`);
      expect((await siteRows(cp, owner.tenantId)).map((s) => s.name)).toEqual(["Lokasi utama"]);
      expect(await auditRows(cp, owner.tenantId, "site.created")).toHaveLength(0);
    },
  );

  test("a 200-character location is still fine", async () => {
    const id = await createSiteVia(owner.browser, siteFields({ location: "y".repeat(200) }));
    expect((await siteRow(cp, owner.tenantId, id))?.location).toHaveLength(200);
  });
});

describe("site names", () => {
  test("a name in use, in any case, is refused next to the name, on create and on edit", async () => {
    const owner = await signUp(cp);
    const res = await owner.browser.post("/sites", siteFields({ name: "  LOKASI UTAMA " }));
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain(`<p class="adm-error" id="site-name-error">${escaped(t("sites.error.name.taken"))}</p>`);
    expect(html).toContain('value="  LOKASI UTAMA "');
    expect(await siteRows(cp, owner.tenantId)).toHaveLength(1);

    const id = await createSiteVia(owner.browser, siteFields({ name: "Menara Utara" }));
    const edit = await owner.browser.post(`/sites/${id}`, siteFields({ name: "lokasi Utama" }));
    expect(edit.status).toBe(409);
    expect(await edit.text()).toContain(escaped(t("sites.error.name.taken")));
    expect((await siteRow(cp, owner.tenantId, id))?.name).toBe("Menara Utara");

    // Its own name in another case is no clash.
    expect((await owner.browser.post(`/sites/${id}`, siteFields({ name: "MENARA utara" }))).status).toBe(303);
    expect((await siteRow(cp, owner.tenantId, id))?.name).toBe("MENARA utara");
  });

  test("two ISPs may each have a site of the same name", async () => {
    const a = await signUp(cp);
    const b = await signUp(cp);
    await createSiteVia(a.browser, siteFields({ name: "Menara Barat" }));
    await createSiteVia(b.browser, siteFields({ name: "Menara Barat" }));
  });
});

describe("editing a site", () => {
  test("only what changed is written and audited, then shown", async () => {
    const owner = await signUp(cp);
    const fields = siteFields();
    const id = await createSiteVia(owner.browser, fields);
    const form = await (await owner.browser.get(`/sites/${id}/edit`)).text();
    expect(form).toContain(`value="${fields.name}"`);
    expect(form).toContain(`action="/sites/${id}"`);

    clock.advance(60_000);
    const res = await owner.browser.post(`/sites/${id}`, { ...fields, timeZone: "Asia/Jayapura", location: "" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/sites/${id}?done=saved`);
    const row = await siteRow(cp, owner.tenantId, id);
    expect(row).toMatchObject({ name: fields.name, location: null, timeZone: "Asia/Jayapura" });
    expect(row?.updatedAt.getTime()).toBe(clock.now().getTime());
    const [updated] = await auditRows(cp, owner.tenantId, "site.updated");
    expect(updated?.before).toEqual({ location: "Desa Sukamaju, RT 03", timeZone: null });
    expect(updated?.after).toEqual({ location: null, timeZone: "Asia/Jayapura" });

    const page = await (await owner.browser.get(`/sites/${id}?done=saved`)).text();
    expect(page).toContain(t("sites.notice.saved"));
    expect(page).toContain("Asia/Jayapura");

    // Saving the same values again changes nothing and audits nothing.
    expect(
      (await owner.browser.post(`/sites/${id}`, { ...fields, timeZone: "Asia/Jayapura", location: "" })).status,
    ).toBe(303);
    expect(await auditRows(cp, owner.tenantId, "site.updated")).toHaveLength(1);

    const bad = await owner.browser.post(`/sites/${id}`, { ...fields, timeZone: "Mars/Olympus" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(t("sites.error.timeZone"));
    expect((await siteRow(cp, owner.tenantId, id))?.timeZone).toBe("Asia/Jayapura");
  });
});

describe("deleting a site", () => {
  test("an unused site is deleted and audited", async () => {
    const owner = await signUp(cp);
    const id = await createSiteVia(owner.browser, siteFields());
    const edit = await (await owner.browser.get(`/sites/${id}/edit`)).text();
    expect(edit).toContain(`action="/sites/${id}/delete"`);
    const res = await owner.browser.post(`/sites/${id}/delete`, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/sites?done=deleted");
    expect(await siteRow(cp, owner.tenantId, id)).toBeUndefined();
    const [deleted] = await auditRows(cp, owner.tenantId, "site.deleted");
    expect(deleted?.entityId).toBe(id);
    expect(deleted?.before).toMatchObject({ location: "Desa Sukamaju, RT 03", revision: 1 });
    expect((await owner.browser.get(`/sites/${id}`)).status).toBe(404);
    expect(await (await owner.browser.get("/sites?done=deleted")).text()).toContain(t("sites.notice.deleted"));
  });

  test("a site with subscriptions is refused with the reason, and stays", async () => {
    const isp = await testIsp(cp, "Asia/Jakarta", clock);
    const plan = await isp.addPlan();
    await isp.subscribe(await isp.addCustomer(), plan);
    const message = t("sites.error.inUse", { subscriptions: 1, batches: 0, agents: 0 });
    const edit = await (await isp.browser.get(`/sites/${isp.siteId}/edit`)).text();
    expect(edit).toContain(escaped(message));
    expect(edit).not.toContain(`action="/sites/${isp.siteId}/delete"`);

    const refused = await isp.browser.post(`/sites/${isp.siteId}/delete`, {});
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(`role="alert">${escaped(message)}</div>`);
    expect(await siteRow(cp, isp.actor.tenantId, isp.siteId)).toBeDefined();
    expect(await auditRows(cp, isp.actor.tenantId, "site.deleted")).toHaveLength(0);
  });

  test("an agent, even revoked, keeps its site: the journal names it", async () => {
    const owner = await signUp(cp);
    const id = await createSiteVia(owner.browser, siteFields());
    await seedAgent(cp, owner.tenantId, id, { revokedAt: new Date() });
    const refused = await owner.browser.post(`/sites/${id}/delete`, {}, htmx);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(
      escaped(t("sites.error.inUse", { subscriptions: 0, batches: 0, agents: 1 })),
    );
    expect(await siteRow(cp, owner.tenantId, id)).toBeDefined();
  });

  test("htmx is told where to go after a delete", async () => {
    const owner = await signUp(cp);
    const id = await createSiteVia(owner.browser, siteFields());
    const res = await owner.browser.post(`/sites/${id}/delete`, {}, htmx);
    expect(res.status).toBe(204);
    expect(res.headers.get("hx-redirect")).toBe("/sites?done=deleted");
    expect(await siteRow(cp, owner.tenantId, id)).toBeUndefined();
  });
});

describe("who may do what", () => {
  test("a technician and a viewer see the sites and their status, and change nothing", async () => {
    const owner = await signUp(cp);
    const id = await createSiteVia(owner.browser, siteFields());
    const agentId = await seedAgent(cp, owner.tenantId, id, { online: true, lastSeenAt: clock.now() });
    for (const role of ["technician", "viewer"]) {
      const member = await join(cp, owner.browser, owner.tenantId, role);
      const list = await member.browser.get("/sites");
      expect(list.status).toBe(200);
      const html = await list.text();
      expect(rowOf(html, id)).toContain(t("sites.status.online"));
      expect(html).not.toContain('href="/sites/new"');
      const page = await (await member.browser.get(`/sites/${id}`)).text();
      expect(page).toContain(agentId);
      expect(page).not.toContain("/enrollment-token");
      expect(page).not.toContain("/agent/revoke");
      expect(page).not.toContain(`/sites/${id}/edit`);
      expect((await member.browser.get(`/sites/${id}/status`)).status).toBe(200);

      expect((await member.browser.get("/sites/new")).status).toBe(404);
      expect((await member.browser.get(`/sites/${id}/edit`)).status).toBe(404);
      expect((await member.browser.post("/sites", siteFields())).status).toBe(404);
      expect((await member.browser.post(`/sites/${id}`, siteFields())).status).toBe(404);
      expect((await member.browser.post(`/sites/${id}/delete`, {})).status).toBe(404);
      expect((await member.browser.post(`/sites/${id}/enrollment-token`, {})).status).toBe(404);
      expect((await member.browser.post(`/sites/${id}/agent/revoke`, {})).status).toBe(404);
    }
    expect(await siteRows(cp, owner.tenantId)).toHaveLength(2);
    expect(await auditRows(cp, owner.tenantId, "agent.enrollment_token_created")).toHaveLength(0);
    expect(await auditRows(cp, owner.tenantId, "agent.revoked")).toHaveLength(0);
  });

  test("a collector does not see the sites at all", async () => {
    const owner = await signUp(cp);
    const collector = await join(cp, owner.browser, owner.tenantId, "collector");
    const [site] = await siteRows(cp, owner.tenantId);
    for (const path of ["/sites", "/sites/rows", `/sites/${site?.id}`, `/sites/${site?.id}/status`]) {
      expect((await collector.browser.get(path)).status).toBe(404);
    }
    expect((await collector.browser.post(`/sites/${site?.id}/enrollment-token`, {})).status).toBe(404);
    expect(await auditRows(cp, owner.tenantId, "agent.enrollment_token_created")).toHaveLength(0);
    expect(await (await collector.browser.get("/app")).text()).not.toContain('href="/sites"');
  });

  test("another ISP's site is not found, and a malformed id neither", async () => {
    const owner = await signUp(cp);
    const other = await signUp(cp);
    const id = await createSiteVia(owner.browser, siteFields());
    await seedAgent(cp, owner.tenantId, id, { online: true, lastSeenAt: clock.now() });
    for (const path of [
      `/sites/${id}`,
      `/sites/${id}/status`,
      `/sites/${id}/commands`,
      `/sites/${id}/edit`,
      "/sites/not-a-uuid",
      "/sites/not-a-uuid/commands",
    ]) {
      expect((await other.browser.get(path)).status).toBe(404);
    }
    for (const action of ["", "/delete", "/enrollment-token", "/agent/revoke", "/diagnostics"]) {
      expect((await other.browser.post(`/sites/${id}${action}`, siteFields())).status).toBe(404);
    }
    expect(await siteRow(cp, owner.tenantId, id)).toBeDefined();
    expect(await (await other.browser.get("/sites")).text()).not.toContain(id);
  });
});

describe("text people typed", () => {
  test("site names and locations are shown escaped on the list, the page and the form", async () => {
    const owner = await signUp(cp);
    const ids: string[] = [];
    for (const payload of XSS) {
      ids.push(await createSiteVia(owner.browser, siteFields({ name: `Site ${payload}`, location: `Jl. ${payload}` })));
    }
    const list = await (await owner.browser.get("/sites")).text();
    const rows = await (await owner.browser.get("/sites/rows")).text();
    for (const payload of XSS) {
      for (const html of [list, rows]) {
        expectEscaped(html, `Site ${payload}`);
        expectEscaped(html, `Jl. ${payload}`);
      }
    }
    for (const [i, id] of ids.entries()) {
      const payload = XSS[i] as string;
      const page = await (await owner.browser.get(`/sites/${id}`)).text();
      expectEscaped(page, `Site ${payload}`);
      expectEscaped(page, `Jl. ${payload}`);
      const form = await (await owner.browser.get(`/sites/${id}/edit`)).text();
      expectEscaped(form, `Site ${payload}`);
    }
    // The revoke confirmation carries the name inside an attribute.
    await seedAgent(cp, owner.tenantId, ids[1] as string);
    const page = await (await owner.browser.get(`/sites/${ids[1]}`)).text();
    expect(page).toContain(`hx-confirm="${escaped(t("sites.agent.revokeConfirm", { name: `Site ${XSS[1]}` }))}"`);
  });

  test("times read in the ISP's zone", async () => {
    const isp = await testIsp(cp, "Asia/Jayapura", clock);
    const seen = new Date("2026-03-05T01:30:00Z");
    await seedAgent(cp, isp.actor.tenantId, isp.siteId, { online: true, lastSeenAt: seen });
    const list = await (await isp.browser.get("/sites")).text();
    expect(rowOf(list, isp.siteId)).toContain(formatDateTime(seen, "id", "Asia/Jayapura"));
  });
});
