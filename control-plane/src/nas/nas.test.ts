import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatDateTime } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { manualClock, signUp } from "../accounts/accounts.testing.ts";
import { auditRows } from "../plans/plans.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { createSiteVia, siteFields, siteRow } from "../sites/sites.testing.ts";
import { escaped, expectEscaped, htmx, join, XSS } from "../team/team.testing.ts";
import { addNasVia, nasChangeRows, nasFields, nasRow, openNasSecret, routerOsText } from "./nas.testing.ts";

const t = translator("id");
const clock = manualClock();
const HOUR = 3_600_000;
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
}, 60_000);
afterAll(() => cp.close());

/** An ISP with a fresh site, its owner signed in. */
async function newSite() {
  const owner = await signUp(cp);
  const siteId = await createSiteVia(owner.browser, siteFields({ name: "Menara Timur" }));
  return { owner, tenantId: owner.tenantId, siteId };
}

/** The `<tr>` of a router on its site's page, or "". */
const rowOf = (html: string, nasId: string) =>
  new RegExp(`<tr id="nas-${nasId}"[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? "";

const fieldError = (field: string, message: string) =>
  `<p class="adm-error" id="nas-${field}-error">${escaped(message)}</p>`;

/** Every audit row of the tenant whose action starts with `nas.`, as JSON. */
const nasAuditJson = async (tenantId: string) => {
  const actions = ["nas.created", "nas.updated", "nas.secret_rotated", "nas.overlap_ended", "nas.deleted"];
  const rows = (await Promise.all(actions.map((a) => auditRows(cp, tenantId, a)))).flat();
  rows.push(...(await auditRows(cp, tenantId, "nas.secret_revealed")));
  return JSON.stringify(rows);
};

describe("adding a router", () => {
  test("stored with a generated secret, sealed; audited and sent to the site without it in clear", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const empty = await (await owner.browser.get(`/sites/${siteId}`)).text();
    expect(empty).toContain(t("nas.title"));
    expect(empty).toContain(t("nas.empty.title"));
    expect(empty).toContain(`href="/sites/${siteId}/nas/new"`);

    const form = await (await owner.browser.get(`/sites/${siteId}/nas/new`)).text();
    expect(form).toContain(`action="/sites/${siteId}/nas"`);
    expect(form).toContain('name="coaPort" type="text" value="1700"');
    expect(form).toMatch(
      /id="nas-requireMessageAuthenticator" name="requireMessageAuthenticator" type="checkbox" checked/,
    );
    expect(form).toMatch(/id="nas-limitProxyState" name="limitProxyState" type="checkbox" checked/);

    const id = await addNasVia(owner.browser, siteId, nasFields({ name: "Mikrotik Utama", address: " 10.20.0.1 " }));
    const row = await nasRow(cp, tenantId, id);
    expect(row).toMatchObject({
      siteId,
      name: "Mikrotik Utama",
      address: "10.20.0.1",
      coaPort: 1700,
      requireMessageAuthenticator: true,
      limitProxyState: true,
      previousSecretSealed: null,
      previousSecretValidUntil: null,
    });
    const secret = await openNasSecret(cp, tenantId, id, row?.secretSealed as string);
    // 24 random bytes in base64url: 32 characters RouterOS takes inside quotes as they are.
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(secret, "base64url")).toHaveLength(24);
    expect(row?.secretSealed).not.toContain(secret);

    const [created] = await auditRows(cp, tenantId, "nas.created");
    expect(created).toMatchObject({ entityType: "nas", entityId: id, actorUserId: owner.user.id });
    expect(created?.after).toEqual({
      siteId,
      name: "Mikrotik Utama",
      address: "10.20.0.1",
      coaPort: 1700,
      requireMessageAuthenticator: true,
      limitProxyState: true,
    });

    const changes = await nasChangeRows(cp, tenantId, siteId);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ op: "upsert", reason: "nas_added", entityId: id });
    expect(changes[0]?.payload).toEqual({
      name: "Mikrotik Utama",
      address: "10.20.0.1",
      secretSealed: row?.secretSealed,
      previousSecretSealed: null,
      previousSecretValidUntil: null,
      coaPort: 1700,
      requireMessageAuthenticator: true,
      limitProxyState: true,
    });
    expect(JSON.stringify(changes)).not.toContain(secret);
    expect(await nasAuditJson(tenantId)).not.toContain(secret);
    expect((await siteRow(cp, tenantId, siteId))?.revision).toBe(changes[0]?.revision);

    const page = await (await owner.browser.get(`/sites/${siteId}/nas/${id}?done=created`)).text();
    expect(page).toContain(t("nas.notice.created"));
    expect(page).toContain("<h1>Mikrotik Utama</h1>");
    expect(page).not.toContain(secret);
    expect(routerOsText(page).split("\n")).toEqual([
      '/radius add service=ppp,hotspot address=<agent-ip> secret="<secret>" authentication-port=1812 accounting-port=1813 timeout=3s require-message-auth=yes-for-request-resp src-address=10.20.0.1',
      "/radius incoming set accept=yes port=1700",
      "/ppp aaa set use-radius=yes accounting=yes interim-update=5m",
      "/ip hotspot profile set [find] use-radius=yes radius-accounting=yes radius-interim-update=5m",
    ]);
    expect(page).toContain(escaped(t("nas.routeros.agentIp", { placeholder: "<agent-ip>" })));
    expect(page).toContain(`hx-post="/sites/${siteId}/nas/${id}/secret"`);

    const site = await (await owner.browser.get(`/sites/${siteId}`)).text();
    const listed = rowOf(site, id);
    expect(listed).toContain(`href="/sites/${siteId}/nas/${id}">Mikrotik Utama</a>`);
    expect(listed).toContain("<code>10.20.0.1</code>");
    expect(listed).toContain(">1700</td>");
    expect(listed).toContain(`>${t("nas.yes")}</td>`);
    expect(listed).toContain(`>${t("nas.overlap.none")}</td>`);
    expect(site).not.toContain(secret);
  });

  test("IPv6 is stored as PostgreSQL writes it; an empty CoA port is MikroTik's 1700; guards may be off", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const id = await addNasVia(
      owner.browser,
      siteId,
      nasFields({
        address: "2001:DB8:0:0::1",
        coaPort: "",
        requireMessageAuthenticator: undefined,
        limitProxyState: undefined,
      }),
    );
    expect(await nasRow(cp, tenantId, id)).toMatchObject({
      address: "2001:db8::1",
      coaPort: 1700,
      requireMessageAuthenticator: false,
      limitProxyState: false,
    });
    const lines = routerOsText(await (await owner.browser.get(`/sites/${siteId}/nas/${id}`)).text());
    expect(lines).not.toContain("require-message-auth");
    expect(lines).toContain("src-address=2001:db8::1");
  });
});

describe("bad router forms", () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ["no name", { name: "  " }, "name", t("nas.error.name.required")],
    ["a name of 65 characters", { name: "r".repeat(65) }, "name", t("nas.error.name.tooLong")],
    ["no address", { address: "" }, "address", t("nas.error.address")],
    ["an octet over 255", { address: "10.0.0.256" }, "address", t("nas.error.address")],
    ["a network, not a host", { address: "10.0.0.0/24" }, "address", t("nas.error.address")],
    ["an IPv6 zone", { address: "fe80::1%ether1" }, "address", t("nas.error.address")],
    ["the unspecified address", { address: "0.0.0.0" }, "address", t("nas.error.address")],
    ["a host name", { address: "router.lan" }, "address", t("nas.error.address")],
    ["port 0", { coaPort: "0" }, "coaPort", t("nas.error.coaPort")],
    ["port 70000", { coaPort: "70000" }, "coaPort", t("nas.error.coaPort")],
    ["a port in words", { coaPort: "seribu" }, "coaPort", t("nas.error.coaPort")],
  ];

  let owner: Awaited<ReturnType<typeof signUp>>;
  let siteId: string;
  beforeAll(async () => {
    owner = await signUp(cp);
    siteId = await createSiteVia(owner.browser, siteFields());
  });

  test.each(cases)(
    "%s: the field's error, what was typed kept, nothing written",
    async (_, overrides, field, message) => {
      const fields = nasFields(overrides);
      const res = await owner.browser.post(`/sites/${siteId}/nas`, fields);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(t("nas.error.form"));
      expect(html).toContain(fieldError(field, message));
      if (field !== "name") expect(html).toContain(`value="${escaped(fields.name ?? "")}"`);
      expect(await nasChangeRows(cp, owner.tenantId, siteId)).toHaveLength(0);
      expect(await auditRows(cp, owner.tenantId, "nas.created")).toHaveLength(0);
    },
  );
});

describe("names and addresses are unique per site", () => {
  test("refused next to the field, on add and on edit; another site may reuse both", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const first = await addNasVia(owner.browser, siteId, nasFields({ name: "Mikrotik-1", address: "2001:db8::10" }));

    const sameName = await owner.browser.post(`/sites/${siteId}/nas`, nasFields({ name: " MIKROTIK-1 " }));
    expect(sameName.status).toBe(409);
    const sameNameHtml = await sameName.text();
    expect(sameNameHtml).toContain(fieldError("name", t("nas.error.name.taken")));
    expect(sameNameHtml).toContain('value=" MIKROTIK-1 "');

    const sameAddress = await owner.browser.post(`/sites/${siteId}/nas`, nasFields({ address: "2001:DB8:0::10" }));
    expect(sameAddress.status).toBe(409);
    expect(await sameAddress.text()).toContain(fieldError("address", t("nas.error.address.taken")));
    expect(await nasChangeRows(cp, tenantId, siteId)).toHaveLength(1);

    const second = await addNasVia(owner.browser, siteId, nasFields({ name: "Mikrotik-2", address: "10.1.1.2" }));
    const clash = await owner.browser.post(
      `/sites/${siteId}/nas/${second}`,
      nasFields({ name: "mikrotik-1", address: "10.1.1.2" }),
    );
    expect(clash.status).toBe(409);
    expect(await clash.text()).toContain(fieldError("name", t("nas.error.name.taken")));
    expect((await nasRow(cp, tenantId, second))?.name).toBe("Mikrotik-2");

    const other = await createSiteVia(owner.browser, siteFields());
    await addNasVia(owner.browser, other, nasFields({ name: "Mikrotik-1", address: "2001:db8::10" }));
    expect((await nasRow(cp, tenantId, first))?.name).toBe("Mikrotik-1");
  });
});

describe("editing a router", () => {
  test("only what changed is written, audited and sent; the RouterOS lines follow", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const fields = nasFields({ name: "Mikrotik Barat", address: "10.30.0.1" });
    const id = await addNasVia(owner.browser, siteId, fields);
    const sealed = (await nasRow(cp, tenantId, id))?.secretSealed;

    const form = await (await owner.browser.get(`/sites/${siteId}/nas/${id}/edit`)).text();
    expect(form).toContain(`action="/sites/${siteId}/nas/${id}"`);
    expect(form).toContain('value="Mikrotik Barat"');
    expect(form).toContain(`action="/sites/${siteId}/nas/${id}/delete"`);

    clock.advance(60_000);
    const edited = { ...fields, coaPort: "3799" } as Record<string, string>;
    delete edited.requireMessageAuthenticator;
    const res = await owner.browser.post(`/sites/${siteId}/nas/${id}`, edited);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/sites/${siteId}/nas/${id}?done=saved`);
    const row = await nasRow(cp, tenantId, id);
    expect(row).toMatchObject({ coaPort: 3799, requireMessageAuthenticator: false, limitProxyState: true });
    expect(row?.secretSealed).toBe(sealed as string);
    expect(row?.updatedAt.getTime()).toBe(clock.now().getTime());
    const [updated] = await auditRows(cp, tenantId, "nas.updated");
    expect(updated?.before).toEqual({ coaPort: 1700, requireMessageAuthenticator: true });
    expect(updated?.after).toEqual({ coaPort: 3799, requireMessageAuthenticator: false });
    const changes = await nasChangeRows(cp, tenantId, siteId);
    expect(changes.map((c) => c.reason)).toEqual(["nas_added", "nas_updated"]);
    expect(changes[1]?.payload).toMatchObject({ coaPort: 3799, requireMessageAuthenticator: false });

    const lines = routerOsText(await (await owner.browser.get(`/sites/${siteId}/nas/${id}?done=saved`)).text());
    expect(lines).toContain("/radius incoming set accept=yes port=3799");
    expect(lines).not.toContain("require-message-auth");

    // The same values again change nothing, audit nothing, send nothing.
    expect((await owner.browser.post(`/sites/${siteId}/nas/${id}`, edited)).status).toBe(303);
    expect(await auditRows(cp, tenantId, "nas.updated")).toHaveLength(1);
    expect(await nasChangeRows(cp, tenantId, siteId)).toHaveLength(2);

    const bad = await owner.browser.post(`/sites/${siteId}/nas/${id}`, { ...edited, address: "10.30.0.300" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(fieldError("address", t("nas.error.address")));
    expect((await nasRow(cp, tenantId, id))?.address).toBe("10.30.0.1");
  });
});

describe("the secret", () => {
  test("shown only after an explicit reveal, in that answer only, audited without the secret", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const id = await addNasVia(owner.browser, siteId, nasFields({ address: "10.40.0.1", coaPort: "1700" }));
    const secret = await openNasSecret(cp, tenantId, id, (await nasRow(cp, tenantId, id))?.secretSealed as string);

    const res = await owner.browser.post(`/sites/${siteId}/nas/${id}/secret`, {});
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const page = await res.text();
    expect(routerOsText(page)).toContain(`secret="${secret}" `);
    expect(page).toContain('hx-history="false"');
    const [revealed] = await auditRows(cp, tenantId, "nas.secret_revealed");
    expect(revealed).toMatchObject({ entityType: "nas", entityId: id, actorUserId: owner.user.id });

    const fragment = await owner.browser.post(`/sites/${siteId}/nas/${id}/secret`, {}, htmx);
    const html = await fragment.text();
    expect(html.startsWith('<section class="adm-section" aria-labelledby="nas-routeros-title" id="nas-routeros"')).toBe(
      true,
    );
    expect(routerOsText(html)).toContain(`secret="${secret}"`);
    expect(await auditRows(cp, tenantId, "nas.secret_revealed")).toHaveLength(2);

    for (const path of [`/sites/${siteId}`, `/sites/${siteId}/nas/${id}`, `/sites/${siteId}/nas/${id}/edit`]) {
      expect(await (await owner.browser.get(path)).text()).not.toContain(secret);
    }
    expect(await nasAuditJson(tenantId)).not.toContain(secret);
  });

  test("rotation keeps the old secret for the chosen window; ending the overlap drops it", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const id = await addNasVia(owner.browser, siteId, nasFields());
    const first = await openNasSecret(cp, tenantId, id, (await nasRow(cp, tenantId, id))?.secretSealed as string);

    const res = await owner.browser.post(`/sites/${siteId}/nas/${id}/rotate`, { overlap: "1h" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/sites/${siteId}/nas/${id}?done=rotated`);
    const rotated = await nasRow(cp, tenantId, id);
    const second = await openNasSecret(cp, tenantId, id, rotated?.secretSealed as string);
    expect(second).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(second).not.toBe(first);
    expect(await openNasSecret(cp, tenantId, id, rotated?.previousSecretSealed as string, "previous_secret")).toBe(
      first,
    );
    // Each column has its own AAD: the previous secret does not open as the current one.
    await expect(openNasSecret(cp, tenantId, id, rotated?.previousSecretSealed as string)).rejects.toThrow();
    const until = new Date(clock.now().getTime() + HOUR);
    expect(rotated?.previousSecretValidUntil?.getTime()).toBe(until.getTime());

    const [audited] = await auditRows(cp, tenantId, "nas.secret_rotated");
    expect(audited?.after).toEqual({ rotated: true, overlap: "1h", overlapUntil: until.toISOString() });
    const changes = await nasChangeRows(cp, tenantId, siteId);
    expect(changes.map((c) => c.reason)).toEqual(["nas_added", "nas_updated"]);
    const payload = changes[1]?.payload as Record<string, unknown>;
    expect(payload).toMatchObject({
      secretSealed: rotated?.secretSealed,
      previousSecretSealed: rotated?.previousSecretSealed,
    });
    expect(new Date(payload.previousSecretValidUntil as string).getTime()).toBe(until.getTime());
    for (const clear of [first, second]) {
      expect(JSON.stringify(changes)).not.toContain(clear);
      expect(await nasAuditJson(tenantId)).not.toContain(clear);
    }

    const window = t("nas.overlap.until", { at: formatDateTime(until, "id", "Asia/Jakarta") });
    const page = await (await owner.browser.get(`/sites/${siteId}/nas/${id}?done=rotated`)).text();
    expect(page).toContain(t("nas.notice.rotated"));
    expect(page).toContain(escaped(window));
    expect(page).toContain(`action="/sites/${siteId}/nas/${id}/end-overlap"`);
    expect(rowOf(await (await owner.browser.get(`/sites/${siteId}`)).text(), id)).toContain(escaped(window));

    // Without a choice the window is 24 hours; the old secret is then the second one.
    clock.advance(60_000);
    expect((await owner.browser.post(`/sites/${siteId}/nas/${id}/rotate`, {})).status).toBe(303);
    const again = await nasRow(cp, tenantId, id);
    expect(again?.previousSecretValidUntil?.getTime()).toBe(clock.now().getTime() + 24 * HOUR);
    expect(await openNasSecret(cp, tenantId, id, again?.previousSecretSealed as string, "previous_secret")).toBe(
      second,
    );
    expect((await owner.browser.post(`/sites/${siteId}/nas/${id}/rotate`, { overlap: "7d" })).status).toBe(303);
    expect((await nasRow(cp, tenantId, id))?.previousSecretValidUntil?.getTime()).toBe(
      clock.now().getTime() + 7 * 24 * HOUR,
    );

    const refused = await owner.browser.post(`/sites/${siteId}/nas/${id}/rotate`, { overlap: "2d" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain(t("nas.error.overlap"));
    expect(await auditRows(cp, tenantId, "nas.secret_rotated")).toHaveLength(3);

    const end = await owner.browser.post(`/sites/${siteId}/nas/${id}/end-overlap`, {});
    expect(end.status).toBe(303);
    expect(end.headers.get("location")).toBe(`/sites/${siteId}/nas/${id}?done=overlapEnded`);
    expect(await nasRow(cp, tenantId, id)).toMatchObject({
      previousSecretSealed: null,
      previousSecretValidUntil: null,
    });
    const last = (await nasChangeRows(cp, tenantId, siteId)).at(-1);
    expect(last?.payload).toMatchObject({ previousSecretSealed: null, previousSecretValidUntil: null });
    expect(await auditRows(cp, tenantId, "nas.overlap_ended")).toHaveLength(1);
    // Again: nothing left to end, nothing written.
    expect((await owner.browser.post(`/sites/${siteId}/nas/${id}/end-overlap`, {})).status).toBe(303);
    expect(await auditRows(cp, tenantId, "nas.overlap_ended")).toHaveLength(1);
    expect(await nasChangeRows(cp, tenantId, siteId)).toHaveLength(5);
    expect(await (await owner.browser.get(`/sites/${siteId}/nas/${id}`)).text()).not.toContain("/end-overlap");
  });
});

describe("deleting a router", () => {
  test("gone, audited, and its site forgets it", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const id = await addNasVia(owner.browser, siteId, nasFields({ name: "Mikrotik Lama", address: "10.50.0.1" }));
    const res = await owner.browser.post(`/sites/${siteId}/nas/${id}/delete`, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/sites/${siteId}?done=nasDeleted`);
    expect(await nasRow(cp, tenantId, id)).toBeUndefined();
    const last = (await nasChangeRows(cp, tenantId, siteId)).at(-1);
    expect(last).toMatchObject({ op: "delete", reason: "nas_removed", entityId: id, payload: null });
    const [deleted] = await auditRows(cp, tenantId, "nas.deleted");
    expect(deleted?.before).toMatchObject({ siteId, name: "Mikrotik Lama", address: "10.50.0.1" });
    expect(await (await owner.browser.get(`/sites/${siteId}?done=nasDeleted`)).text()).toContain(
      t("sites.notice.nasDeleted"),
    );
    expect((await owner.browser.get(`/sites/${siteId}/nas/${id}`)).status).toBe(404);
    expect((await owner.browser.post(`/sites/${siteId}/nas/${id}/delete`, {})).status).toBe(404);
  });

  test("htmx is told where to go", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const id = await addNasVia(owner.browser, siteId, nasFields());
    const res = await owner.browser.post(`/sites/${siteId}/nas/${id}/delete`, {}, htmx);
    expect(res.status).toBe(204);
    expect(res.headers.get("hx-redirect")).toBe(`/sites/${siteId}?done=nasDeleted`);
    expect(await nasRow(cp, tenantId, id)).toBeUndefined();
  });

  test("a site with routers may still be deleted: its routers go with it", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const id = await addNasVia(owner.browser, siteId, nasFields());
    expect((await owner.browser.post(`/sites/${siteId}/delete`, {})).status).toBe(303);
    expect(await siteRow(cp, tenantId, siteId)).toBeUndefined();
    expect(await nasRow(cp, tenantId, id)).toBeUndefined();
  });
});

describe("who may do what", () => {
  test("a technician manages routers: add, edit, reveal, rotate, delete", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const tech = await join(cp, owner.browser, tenantId, "technician");
    const site = await (await tech.browser.get(`/sites/${siteId}`)).text();
    expect(site).toContain(`href="/sites/${siteId}/nas/new"`);
    expect((await tech.browser.get(`/sites/${siteId}/nas/new`)).status).toBe(200);
    const id = await addNasVia(tech.browser, siteId, nasFields({ name: "Router Teknisi" }));
    const [created] = await auditRows(cp, tenantId, "nas.created");
    expect(created?.actorUserId).toBe(tech.userId);
    expect((await tech.browser.get(`/sites/${siteId}/nas/${id}/edit`)).status).toBe(200);
    expect(
      (await tech.browser.post(`/sites/${siteId}/nas/${id}`, nasFields({ name: "Router Teknisi 2" }))).status,
    ).toBe(303);
    expect((await tech.browser.post(`/sites/${siteId}/nas/${id}/secret`, {})).status).toBe(200);
    expect((await tech.browser.post(`/sites/${siteId}/nas/${id}/rotate`, { overlap: "1h" })).status).toBe(303);
    expect((await tech.browser.post(`/sites/${siteId}/nas/${id}/end-overlap`, {})).status).toBe(303);
    expect((await tech.browser.post(`/sites/${siteId}/nas/${id}/delete`, {})).status).toBe(303);
    expect(await nasRow(cp, tenantId, id)).toBeUndefined();
  });

  test("a viewer sees routers and their lines, without the secret, and changes nothing", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const id = await addNasVia(owner.browser, siteId, nasFields({ name: "Router Dilihat" }));
    expect((await owner.browser.post(`/sites/${siteId}/nas/${id}/rotate`, { overlap: "1h" })).status).toBe(303);
    const before = await nasRow(cp, tenantId, id);
    const viewer = await join(cp, owner.browser, tenantId, "viewer");

    const site = await (await viewer.browser.get(`/sites/${siteId}`)).text();
    expect(rowOf(site, id)).toContain("Router Dilihat");
    expect(site).not.toContain(`/sites/${siteId}/nas/new`);
    expect(site).not.toContain(`/nas/${id}/edit`);
    const page = await viewer.browser.get(`/sites/${siteId}/nas/${id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(routerOsText(html)).toContain('secret="<secret>"');
    for (const action of ["/secret", "/rotate", "/end-overlap", "/edit"])
      expect(html).not.toContain(`/nas/${id}${action}`);

    for (const path of [`/sites/${siteId}/nas/new`, `/sites/${siteId}/nas/${id}/edit`]) {
      expect((await viewer.browser.get(path)).status).toBe(404);
    }
    expect((await viewer.browser.post(`/sites/${siteId}/nas`, nasFields())).status).toBe(404);
    for (const action of ["", "/secret", "/rotate", "/end-overlap", "/delete"]) {
      expect((await viewer.browser.post(`/sites/${siteId}/nas/${id}${action}`, nasFields())).status).toBe(404);
    }
    expect(await nasRow(cp, tenantId, id)).toEqual(before as NonNullable<typeof before>);
    expect(await auditRows(cp, tenantId, "nas.secret_revealed")).toHaveLength(0);
  });

  test("a collector sees no routers at all", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const id = await addNasVia(owner.browser, siteId, nasFields());
    const collector = await join(cp, owner.browser, tenantId, "collector");
    expect((await collector.browser.get(`/sites/${siteId}/nas/${id}`)).status).toBe(404);
    expect((await collector.browser.post(`/sites/${siteId}/nas/${id}/secret`, {})).status).toBe(404);
  });

  test("another ISP's router is not found, nor a router under another site, nor a malformed id", async () => {
    const { owner, tenantId, siteId } = await newSite();
    const id = await addNasVia(owner.browser, siteId, nasFields());
    const before = await nasRow(cp, tenantId, id);
    const other = await signUp(cp);
    const otherSite = await createSiteVia(other.browser, siteFields());
    const ownSecondSite = await createSiteVia(owner.browser, siteFields());
    const paths = [
      [other.browser, `/sites/${siteId}/nas/${id}`],
      [other.browser, `/sites/${otherSite}/nas/${id}`],
      [owner.browser, `/sites/${ownSecondSite}/nas/${id}`],
      [owner.browser, `/sites/${siteId}/nas/not-a-uuid`],
      [owner.browser, `/sites/not-a-uuid/nas/${id}`],
    ] as const;
    for (const [browser, path] of paths) {
      expect((await browser.get(path)).status).toBe(404);
      expect((await browser.get(`${path}/edit`)).status).toBe(404);
      for (const action of ["", "/secret", "/rotate", "/end-overlap", "/delete"]) {
        expect((await browser.post(`${path}${action}`, nasFields())).status).toBe(404);
      }
    }
    expect((await other.browser.get(`/sites/${siteId}/nas/new`)).status).toBe(404);
    expect((await other.browser.post(`/sites/${siteId}/nas`, nasFields())).status).toBe(404);
    expect(await nasRow(cp, tenantId, id)).toEqual(before as NonNullable<typeof before>);
    expect(await auditRows(cp, tenantId, "nas.secret_revealed")).toHaveLength(0);
    expect(await auditRows(cp, other.tenantId, "nas.secret_revealed")).toHaveLength(0);
  });
});

describe("text people typed", () => {
  test("router names are shown escaped on the site page, the router page and the form", async () => {
    const { owner, siteId } = await newSite();
    const ids: string[] = [];
    for (const payload of XSS) ids.push(await addNasVia(owner.browser, siteId, nasFields({ name: `R ${payload}` })));
    const site = await (await owner.browser.get(`/sites/${siteId}`)).text();
    for (const payload of XSS) expectEscaped(site, `R ${payload}`);
    for (const [i, id] of ids.entries()) {
      const name = `R ${XSS[i]}`;
      expectEscaped(await (await owner.browser.get(`/sites/${siteId}/nas/${id}`)).text(), name);
      const form = await (await owner.browser.get(`/sites/${siteId}/nas/${id}/edit`)).text();
      expectEscaped(form, name);
      expect(form).toContain(`hx-confirm="${escaped(t("nas.deleteConfirm", { name }))}"`);
    }
  });
});
