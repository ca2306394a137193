import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { browserAt, manualClock, signUp } from "../accounts/accounts.testing.ts";
import { auditLog } from "../audit/audit.tables.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { expectEscaped, join, XSS } from "../team/team.testing.ts";
import { tenants } from "../tenants/tenants.tables.ts";
import { LOGO_MAX_BYTES } from "./logo.ts";

const t = translator("id");
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, manualClock());
});
afterAll(() => cp.close());

const tenantRow = async (id: string) =>
  (await cp.database.withTenant(id, (tx) => tx.select().from(tenants).where(eq(tenants.id, id))))[0];

const form = (overrides: Record<string, string> = {}) => ({
  name: "Net Desa Makmur",
  timeZone: "Asia/Makassar",
  currency: "usd",
  locale: "en",
  ...overrides,
});

// A real 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

function upload(browser: TestClient, bytes: Uint8Array, name: string, type: string) {
  const body = new FormData();
  body.set("logo", new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
  return browser.request("/settings/logo", { method: "POST", body });
}

describe("general settings", () => {
  test("shows the defaults, saves the changes and audits them with before and after", async () => {
    const owner = await signUp(cp);
    const page = await (await owner.browser.get("/settings")).text();
    expect(page).toContain('<option value="Asia/Jakarta" selected="">');
    expect(page).toContain('value="IDR"');
    expect(page).toContain('<label for="settings-timezone"');

    const res = await owner.browser.post("/settings", form());
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/settings?done=saved");
    expect(await tenantRow(owner.tenantId)).toMatchObject({
      name: "Net Desa Makmur",
      timeZone: "Asia/Makassar",
      currency: "USD",
      locale: "en",
    });
    const [row] = await cp.database.withTenant(owner.tenantId, (tx) =>
      tx.select().from(auditLog).where(eq(auditLog.action, "tenant.settings_changed")),
    );
    expect(row?.before).toEqual({
      name: owner.fields.ispName,
      timeZone: "Asia/Jakarta",
      currency: "IDR",
      locale: "id",
    });
    expect(row?.after).toEqual({ name: "Net Desa Makmur", timeZone: "Asia/Makassar", currency: "USD", locale: "en" });
    expect(await (await owner.browser.get("/settings?done=saved")).text()).toContain(t("settings.notice.saved"));
  });

  test.each([
    [{ timeZone: "Mars/Olympus_Mons" }, "settings.error.timeZone"],
    [{ currency: "ZZZ" }, "settings.error.currency"],
    [{ currency: "rupiah" }, "settings.error.currency"],
    [{ name: " " }, "settings.error.name"],
    [{ locale: "fr" }, "settings.error.locale"],
  ] as const)("refuses %p with a message at the field, changing nothing", async (bad, key) => {
    const owner = await signUp(cp);
    const res = await owner.browser.post("/settings", form(bad));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(t(key));
    expect(await tenantRow(owner.tenantId)).toMatchObject({ timeZone: "Asia/Jakarta", currency: "IDR", locale: "id" });
  });

  test("the ISP name is shown escaped on every page that shows it", async () => {
    const owner = await signUp(cp);
    for (const payload of XSS) {
      const name = `ISP ${payload}`;
      expect((await owner.browser.post("/settings", form({ name }))).status).toBe(303);
      for (const path of ["/settings", "/team", "/audit", "/profile"]) {
        expectEscaped(await (await owner.browser.get(path)).text(), name);
      }
    }
    expect((await tenantRow(owner.tenantId))?.name).toBe(`ISP ${XSS[4]}`);
  });

  test("fields the form does not show are ignored (mass assignment)", async () => {
    const owner = await signUp(cp);
    const other = await signUp(cp);
    const res = await owner.browser.post("/settings", {
      ...form(),
      status: "suspended",
      slug: "taken-over",
      logoKey: `tenants/${other.tenantId}/logo.png`,
      id: other.tenantId,
      tenant_id: other.tenantId,
    });
    expect(res.status).toBe(303);
    expect(await tenantRow(owner.tenantId)).toMatchObject({
      status: "active",
      slug: owner.fields.slug,
      logoKey: null,
    });
    expect((await tenantRow(other.tenantId))?.name).toBe(other.fields.ispName);
  });

  test("only an owner changes whether two-factor is required", async () => {
    const owner = await signUp(cp);
    const admin = await join(cp, owner.browser, owner.tenantId, "admin");
    const page = await (await admin.browser.get("/settings")).text();
    expect(page).toMatch(
      /<input class="adm-checkbox" id="settings-require2fa" name="require2fa" type="checkbox" disabled=""/,
    );
    expect((await admin.browser.post("/settings", form({ require2fa: "on" }))).status).toBe(303);
    expect((await tenantRow(owner.tenantId))?.require2fa).toBe(false);
    expect((await owner.browser.post("/settings", form({ require2fa: "on" }))).status).toBe(303);
    expect((await tenantRow(owner.tenantId))?.require2fa).toBe(true);
    // The admin has no second factor: from now on they are sent to set it up first.
    const sent = await admin.browser.get("/settings");
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe("/profile/2fa?required=1");
  });

  test("a technician gets 404, as for a page that does not exist", async () => {
    const owner = await signUp(cp);
    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    expect((await tech.browser.get("/settings")).status).toBe(404);
    expect((await tech.browser.post("/settings", form())).status).toBe(404);
    expect((await upload(tech.browser, PNG, "x.png", "image/png")).status).toBe(404);
    expect((await tenantRow(owner.tenantId))?.name).toBe(owner.fields.ispName);
  });
});

describe("logo", () => {
  test("a PNG is stored under the tenant's prefix and served to members with safe headers", async () => {
    const owner = await signUp(cp);
    const res = await upload(owner.browser, PNG, "logo.png", "image/png");
    expect(res.status).toBe(303);
    const key = (await tenantRow(owner.tenantId))?.logoKey;
    expect(key).toMatch(new RegExp(`^tenants/${owner.tenantId}/logo-[a-z2-7]+\\.png$`));
    const page = await (await owner.browser.get("/settings")).text();
    expect(page).toMatch(/<img class="adm-logo" src="\/settings\/logo\?v=[^"]+"/);

    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    const logo = await tech.browser.get("/settings/logo");
    expect(logo.status).toBe(200);
    expect(logo.headers.get("content-type")).toBe("image/png");
    expect(logo.headers.get("x-content-type-options")).toBe("nosniff");
    expect(logo.headers.get("content-disposition")).toBe("inline");
    expect(Buffer.from(await logo.arrayBuffer()).equals(PNG)).toBe(true);
    const [row] = await cp.database.withTenant(owner.tenantId, (tx) =>
      tx.select().from(auditLog).where(eq(auditLog.action, "tenant.logo_changed")),
    );
    expect(row).toMatchObject({ before: { logoKey: null }, after: { logoKey: key } });

    // A second logo replaces the first.
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
    expect((await upload(owner.browser, jpeg, "logo.jpg", "image/jpeg")).status).toBe(303);
    const again = await owner.browser.get("/settings/logo");
    expect(again.headers.get("content-type")).toBe("image/jpeg");
  });

  test("the file's bytes decide: HTML named .png, an SVG or an empty file are refused", async () => {
    const owner = await signUp(cp);
    const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    for (const [bytes, name, type] of [
      [html, "logo.png", "image/png"],
      [svg, "logo.svg", "image/svg+xml"],
    ] as const) {
      const res = await upload(owner.browser, bytes, name, type);
      expect(res.status).toBe(415);
      expect(await res.text()).toContain(t("settings.logo.error.type"));
    }
    const empty = await upload(owner.browser, new Uint8Array(), "logo.png", "image/png");
    expect(empty.status).toBe(400);
    expect((await tenantRow(owner.tenantId))?.logoKey).toBeNull();
    expect((await owner.browser.get("/settings/logo")).status).toBe(404);
  });

  test("more than 512 KB is refused with a message", async () => {
    const owner = await signUp(cp);
    const big = new Uint8Array(LOGO_MAX_BYTES + 1);
    big.set(PNG.subarray(0, 8));
    const res = await upload(owner.browser, big, "logo.png", "image/png");
    expect(res.status).toBe(413);
    expect(await res.text()).toContain(t("settings.logo.error.size"));
    const huge = new Uint8Array(2 * LOGO_MAX_BYTES);
    huge.set(PNG.subarray(0, 8));
    expect((await upload(owner.browser, huge, "logo.png", "image/png")).status).toBe(413);
    expect((await tenantRow(owner.tenantId))?.logoKey).toBeNull();
  });

  test("only members see it: another ISP's people get their own (none), strangers sign in", async () => {
    const owner = await signUp(cp);
    const other = await signUp(cp);
    expect((await upload(owner.browser, PNG, "logo.png", "image/png")).status).toBe(303);
    expect((await other.browser.get("/settings/logo")).status).toBe(404);
    expect((await browserAt(cp).get("/settings/logo")).status).toBe(303);
  });
});
