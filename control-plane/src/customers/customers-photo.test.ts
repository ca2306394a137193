import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { signUp } from "../accounts/accounts.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { createStorage } from "../storage/create-storage.ts";
import type { Storage } from "../storage/storage.ts";
import { escaped, htmx, join } from "../team/team.testing.ts";
import { ID_PHOTO_MAX_BYTES } from "./customers.errors.ts";
import { auditOf, createVia, customerRow } from "./customers.testing.ts";

const t = translator("id");
let cp: AssembledControlPlane;
let owner: Awaited<ReturnType<typeof signUp>>;
// The app's own data directory, so the test can see which files it keeps.
const dataDir = mkdtempSync(joinPath(tmpdir(), "kilusi-photos-"));
const files: Storage = createStorage({ dataDir });

beforeAll(async () => {
  cp = await assembleTestControlPlane({ DATA_DIR: dataDir });
  owner = await signUp(cp);
}, 60_000);
afterAll(async () => {
  await cp.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// A real 1×1 PNG, and the first bytes of a JPEG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

function upload(browser: TestClient, id: string, bytes: Uint8Array, name = "ktp.png", type = "image/png") {
  const body = new FormData();
  body.set("photo", new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
  return browser.request(`/customers/${id}/photo`, { method: "POST", body });
}

const keyOf = async (id: string) => (await customerRow(cp, owner.tenantId, id))?.idPhotoKey ?? null;

describe("the ID photo", () => {
  test("is stored under a random key of the tenant, shown to the team, privately cached; audited", async () => {
    const id = await createVia(owner.browser, { name: "Foto Pelanggan" });
    const res = await upload(owner.browser, id, PNG);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/customers/${id}?done=photo`);
    const key = await keyOf(id);
    expect(key).toMatch(new RegExp(`^tenants/${owner.tenantId}/customers/[a-z2-7]{26}\\.png$`));
    expect(key).not.toContain(id);
    expect(await files.exists(key as string)).toBe(true);

    const page = await (await owner.browser.get(`/customers/${id}?done=photo`)).text();
    expect(page).toContain(t("customers.notice.photo"));
    const src = /<img src="([^"]+)" alt="Foto KTP Foto Pelanggan"/.exec(page)?.[1]?.replaceAll("&amp;", "&");
    expect(src).toStartWith(`/customers/${id}/photo?v=`);

    // A technician of the same ISP may see it (they may see customers).
    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    const photo = await tech.browser.get(src as string);
    expect(photo.status).toBe(200);
    expect(photo.headers.get("content-type")).toBe("image/png");
    expect(photo.headers.get("cache-control")).toStartWith("private");
    expect(photo.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array(await photo.arrayBuffer())).toEqual(new Uint8Array(PNG));
    // …but not change it.
    expect((await upload(tech.browser, id, JPEG, "x.jpg", "image/jpeg")).status).toBe(404);
    expect(await keyOf(id)).toBe(key);

    const [row] = (await auditOf(cp, owner.tenantId, "customer.photo_changed")).filter((a) => a.entityId === id);
    expect(row?.before).toEqual({ idPhotoKey: null });
    expect(row?.after).toMatchObject({ idPhotoKey: key, contentType: "image/png", bytes: PNG.byteLength });
  });

  test("nobody else sees it: another ISP gets 404, someone signed out is sent to sign in", async () => {
    const id = await createVia(owner.browser, { name: "Rahasia" });
    await upload(owner.browser, id, PNG);
    const other = await signUp(cp);
    expect((await other.browser.get(`/customers/${id}/photo`)).status).toBe(404);
    const stranger = await cp.app.request(`/customers/${id}/photo`, { headers: { accept: "text/html" } });
    expect(stranger.status).toBe(303);
    expect(stranger.headers.get("location")).toStartWith("/login");
  });

  test("a new photo replaces the old file; removing it removes the file too", async () => {
    const id = await createVia(owner.browser, { name: "Ganti Foto" });
    await upload(owner.browser, id, PNG);
    const first = (await keyOf(id)) as string;
    await upload(owner.browser, id, JPEG, "ktp.jpg", "image/jpeg");
    const second = (await keyOf(id)) as string;
    expect(second).toEndWith(".jpg");
    expect(await files.exists(first)).toBe(false);

    const res = await owner.browser.post(`/customers/${id}/photo/delete`, {}, htmx);
    expect(res.status).toBe(204);
    expect(res.headers.get("hx-redirect")).toBe(`/customers/${id}?done=photoRemoved`);
    expect(await keyOf(id)).toBeNull();
    expect(await files.exists(second)).toBe(false);
    expect((await owner.browser.get(`/customers/${id}/photo`)).status).toBe(404);
    expect((await auditOf(cp, owner.tenantId, "customer.photo_changed")).filter((a) => a.entityId === id)).toHaveLength(
      3,
    );
  });

  test.each([
    ["an HTML file named .png", new TextEncoder().encode("<html><script>alert(1)</script></html>"), 415, "type"],
    ["an SVG", new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 415, "type"],
    ["nothing", new Uint8Array(0), 400, "missing"],
    ["a photo over 4 MB", new Uint8Array(ID_PHOTO_MAX_BYTES + 1).fill(0xff), 413, "size"],
  ] as const)("refuses %s, storing nothing", async (_what, bytes, status, key) => {
    const id = await createVia(owner.browser, { name: "Foto Salah" });
    const res = await upload(owner.browser, id, bytes);
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(escaped(t(`customers.photo.error.${key}`)));
    expect(await keyOf(id)).toBeNull();
  });
});
