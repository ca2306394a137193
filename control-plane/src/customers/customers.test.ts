import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { signUp } from "../accounts/accounts.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { escaped, expectEscaped, htmx, join, XSS } from "../team/team.testing.ts";
import { auditOf, createVia, customerForm, customerRow, customersOf, subscribe } from "./customers.testing.ts";

const t = translator("id");
let cp: AssembledControlPlane;
let owner: Awaited<ReturnType<typeof signUp>>;
let other: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  cp = await assembleTestControlPlane();
  owner = await signUp(cp);
  other = await signUp(cp);
}, 60_000);
afterAll(() => cp.close());

describe("adding a customer", () => {
  test("an ISP with no customers sees the empty state and how to start", async () => {
    const fresh = await signUp(cp);
    const page = await (await fresh.browser.get("/customers")).text();
    expect(page).toContain(t("customers.empty.title"));
    expect(page).toContain('href="/customers/new"');
    expect(page).toContain('href="/customers/import"');
  });

  test("stores the phone in E.164, the e-mail in lower case, tags once each, the map point; audited", async () => {
    const form = await (await owner.browser.get("/customers/new")).text();
    for (const field of ["name", "phone", "email", "address", "latitude", "longitude", "tags", "notes"]) {
      expect(form).toContain(`<label class="adm-label" for="customer-new-${field}">`);
    }
    const id = await createVia(owner.browser);
    expect(await customerRow(cp, owner.tenantId, id)).toMatchObject({
      name: "Budi Santoso",
      phoneE164: "+6281234567890",
      email: "budi@example.com",
      address: "Jl. Merdeka No. 1, RT 03/RW 05",
      latitude: -6.2088,
      longitude: 106.8456,
      tags: ["vip", "RT 03"],
      notes: "Pasang 10 Mei",
      idPhotoKey: null,
    });
    const [row] = (await auditOf(cp, owner.tenantId, "customer.created")).filter((a) => a.entityId === id);
    expect(row?.actorUserId).toBe(owner.user.id);
    expect(row?.after).toMatchObject({ name: "Budi Santoso", phone: "+6281234567890", tags: ["vip", "RT 03"] });

    const page = await (await owner.browser.get(`/customers/${id}?done=created`)).text();
    expect(page).toContain(t("customers.notice.created"));
    expect(page).toContain("0812-3456-7890");
    expect(page).toContain("-6.2088, 106.8456");
  });

  test.each([
    ["+62 812 3456 7890", "+6281234567890"],
    ["6281234567890", "+6281234567890"],
    ["", null],
  ])("the phone %p is stored as %p", async (phone, stored) => {
    const id = await createVia(owner.browser, { phone });
    expect((await customerRow(cp, owner.tenantId, id))?.phoneE164).toBe(stored);
  });

  test("a pasted “lat, lng” pair in the latitude field; no point at all", async () => {
    const pair = await createVia(owner.browser, { latitude: "-7.7956, 110.3695", longitude: "" });
    expect(await customerRow(cp, owner.tenantId, pair)).toMatchObject({ latitude: -7.7956, longitude: 110.3695 });
    const none = await createVia(owner.browser, { latitude: "", longitude: "", email: "", tags: "" });
    expect(await customerRow(cp, owner.tenantId, none)).toMatchObject({ latitude: null, email: null, tags: [] });
  });

  test.each([
    [{ phone: "12345" }, "phone", "customers.error.phone"],
    [{ phone: "0812" }, "phone", "customers.error.phone"],
    [{ email: "budi@" }, "email", "customers.error.email"],
    [{ email: "budi example.com" }, "email", "customers.error.email"],
    [{ latitude: "91" }, "latitude", "customers.error.latitudeRange"],
    [{ longitude: "181" }, "longitude", "customers.error.longitudeRange"],
    [{ longitude: "" }, "longitude", "customers.error.pointIncomplete"],
    [{ latitude: "utara" }, "latitude", "customers.error.latitude"],
    [{ name: "   " }, "name", "customers.error.nameRequired"],
    [{ name: "x".repeat(201) }, "name", "customers.error.nameLong"],
    [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(",") }, "tags", "customers.error.tagsTooMany"],
    [{ tags: `ok, ${"x".repeat(33)}` }, "tags", "customers.error.tagsTooLong"],
  ] as const)(
    "refuses %p with a message at the field, keeping what was typed, writing nothing",
    async (bad, field, key) => {
      const before = (await customersOf(cp, owner.tenantId)).length;
      const form = customerForm({ name: "Siti Rahayu", ...bad });
      const res = await owner.browser.post("/customers", form);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(`<p class="adm-error" id="customer-new-${field}-error">${escaped(t(key))}</p>`);
      expect(html).toContain(`id="customer-new-${field}"`);
      expect(html).toContain(t("customers.form.fix"));
      // What the person typed is still there.
      expect(html).toContain(`value="${escaped(form.phone)}"`);
      expect((await customersOf(cp, owner.tenantId)).length).toBe(before);
    },
  );

  test("every bad field is told at once", async () => {
    const html = await (
      await owner.browser.post("/customers", customerForm({ phone: "1", email: "x", latitude: "91" }))
    ).text();
    for (const key of ["customers.error.phone", "customers.error.email", "customers.error.latitudeRange"] as const) {
      expect(html).toContain(escaped(t(key)));
    }
  });

  test("a NUL character, which the database cannot store, is dropped rather than failing", async () => {
    const id = await createVia(owner.browser, { name: "Nul\u0000 Karakter", notes: "a\u0000b" });
    expect(await customerRow(cp, owner.tenantId, id)).toMatchObject({ name: "Nul Karakter", notes: "ab" });
    expect((await owner.browser.get("/customers?q=%00")).status).toBe(200);
    expect((await owner.browser.get("/customers?q=nul%00kar")).status).toBe(200);
    const cursor = Buffer.from(JSON.stringify(["a\u0000", id])).toString("base64url");
    expect((await owner.browser.get(`/customers?after=${cursor}`)).status).toBe(200);
  });

  test("fields the form does not show are ignored (mass assignment)", async () => {
    const res = await owner.browser.post("/customers", {
      ...customerForm({ name: "Massa Tugas" }),
      tenant_id: other.tenantId,
      tenantId: other.tenantId,
      id: "00000000-0000-4000-8000-000000000000",
      idPhotoKey: `tenants/${other.tenantId}/customers/x.png`,
      id_photo_key: "x",
    });
    expect(res.status).toBe(303);
    const mine = (await customersOf(cp, owner.tenantId)).find((c) => c.name === "Massa Tugas");
    expect(mine).toMatchObject({ tenantId: owner.tenantId, idPhotoKey: null });
    expect(mine?.id).not.toBe("00000000-0000-4000-8000-000000000000");
    expect(await customersOf(cp, other.tenantId)).toEqual([]);
  });
});

describe("editing a customer", () => {
  test("saves the changes; the audit row names only the fields that changed", async () => {
    const id = await createVia(owner.browser, { name: "Dewi Lestari" });
    const page = await (await owner.browser.get(`/customers/${id}`)).text();
    // The form shows the stored values, the phone as people write it.
    expect(page).toContain('value="081234567890"');
    expect(page).toContain('value="vip, RT 03"');

    const res = await owner.browser.post(
      `/customers/${id}`,
      customerForm({ name: "Dewi Lestari", phone: "0813 9999 8888", tags: "RT 03, vip" }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/customers/${id}?done=saved`);
    expect(await customerRow(cp, owner.tenantId, id)).toMatchObject({
      phoneE164: "+6281399998888",
      tags: ["RT 03", "vip"],
    });
    const rows = (await auditOf(cp, owner.tenantId, "customer.updated")).filter((a) => a.entityId === id);
    expect(rows.map((r) => [r.before, r.after])).toEqual([
      [
        { phone: "+6281234567890", tags: ["vip", "RT 03"] },
        { phone: "+6281399998888", tags: ["RT 03", "vip"] },
      ],
    ]);
    // Saving what is already stored changes nothing and audits nothing.
    await owner.browser.post(
      `/customers/${id}`,
      customerForm({ name: "Dewi Lestari", phone: "+6281399998888", tags: "RT 03, vip" }),
    );
    expect((await auditOf(cp, owner.tenantId, "customer.updated")).filter((a) => a.entityId === id)).toHaveLength(1);
  });

  test("bad input re-opens the form with the message and what was typed; the customer is unchanged", async () => {
    const id = await createVia(owner.browser, { name: "Eko Prasetyo" });
    const res = await owner.browser.post(`/customers/${id}`, customerForm({ name: "Eko P.", email: "eko@@x" }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<details class="customer-edit" open="">');
    expect(html).toContain(escaped(t("customers.error.email")));
    expect(html).toContain('value="eko@@x"');
    expect((await customerRow(cp, owner.tenantId, id))?.name).toBe("Eko Prasetyo");
  });
});

describe("deleting a customer", () => {
  test("without JavaScript a page asks first; then the customer is gone, audited", async () => {
    const id = await createVia(owner.browser, { name: "Hapus Saya" });
    const page = await (await owner.browser.get(`/customers/${id}`)).text();
    expect(page).toContain(`hx-confirm="${escaped(t("customers.delete.confirm", { name: "Hapus Saya" }))}"`);

    const ask = await owner.browser.post(`/customers/${id}/delete`, {});
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain(escaped(t("customers.delete.confirm", { name: "Hapus Saya" })));
    expect(await customerRow(cp, owner.tenantId, id)).toBeDefined();

    const res = await owner.browser.post(`/customers/${id}/delete`, { confirmed: "yes" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/customers?done=deleted");
    expect(await customerRow(cp, owner.tenantId, id)).toBeUndefined();
    const [row] = (await auditOf(cp, owner.tenantId, "customer.deleted")).filter((a) => a.entityId === id);
    expect(row?.before).toMatchObject({ name: "Hapus Saya", phone: "+6281234567890" });
    expect(await (await owner.browser.get("/customers?done=deleted")).text()).toContain(t("customers.notice.deleted"));
  });

  test("htmx confirmed in the browser: deleted, and sent to the list", async () => {
    const id = await createVia(owner.browser, { name: "Hapus Cepat" });
    const res = await owner.browser.post(`/customers/${id}/delete`, {}, htmx);
    expect(res.status).toBe(204);
    expect(res.headers.get("hx-redirect")).toBe("/customers?done=deleted");
    expect(await customerRow(cp, owner.tenantId, id)).toBeUndefined();
  });

  test("a customer with a subscription cannot be deleted, and the page says why", async () => {
    const id = await createVia(owner.browser, { name: "Pelanggan Aktif" });
    await subscribe(cp, owner.tenantId, id, `aktif-${id.slice(0, 6)}`);
    const blocked = escaped(t("customers.delete.blocked", { subscriptions: "1", invoices: "0", payments: "0" }));
    const page = await (await owner.browser.get(`/customers/${id}`)).text();
    expect(page).toContain(blocked);
    expect(page).not.toContain(`action="/customers/${id}/delete"`);

    const res = await owner.browser.post(`/customers/${id}/delete`, { confirmed: "yes" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(blocked);
    const fragment = await owner.browser.post(`/customers/${id}/delete`, {}, htmx);
    expect(fragment.status).toBe(409);
    const html = await fragment.text();
    expect(html).toStartWith('<section class="adm-section customer-delete" id="customer-delete"');
    expect(html).toContain(blocked);
    expect(await customerRow(cp, owner.tenantId, id)).toBeDefined();
    expect((await auditOf(cp, owner.tenantId, "customer.deleted")).filter((a) => a.entityId === id)).toEqual([]);
  });
});

describe("another tenant's customer, and ids that are not ids", () => {
  test("answers 404 everywhere and stays as it was", async () => {
    const theirs = await createVia(other.browser, { name: "Milik Orang Lain" });
    const before = await customerRow(cp, other.tenantId, theirs);
    for (const path of [`/customers/${theirs}`, `/customers/${theirs}/photo`]) {
      expect((await owner.browser.get(path)).status).toBe(404);
    }
    for (const [path, form] of [
      [`/customers/${theirs}`, customerForm({ name: "Diambil Alih" })],
      [`/customers/${theirs}/delete`, { confirmed: "yes" }],
      [`/customers/${theirs}/photo/delete`, {}],
    ] as const) {
      expect((await owner.browser.post(path, form)).status).toBe(404);
    }
    expect(await customerRow(cp, other.tenantId, theirs)).toEqual(before);
  });

  test.each(["42", "new-ish", "00000000-0000-0000-0000-00000000000Z"])("/customers/%s is not found", async (id) => {
    expect((await owner.browser.get(`/customers/${id}`)).status).toBe(404);
    expect((await owner.browser.post(`/customers/${id}`, customerForm())).status).toBe(404);
  });
});

describe("who may do what", () => {
  test("a technician sees customers but cannot add, change, delete, import or export (404)", async () => {
    const id = await createVia(owner.browser, { name: "Lihat Saja" });
    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    const list = await tech.browser.get("/customers");
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain("Lihat Saja");
    expect(html).not.toContain('href="/customers/new"');
    expect(html).not.toContain("/customers/export.csv");
    const detail = await (await tech.browser.get(`/customers/${id}`)).text();
    expect(detail).toContain("Lihat Saja");
    expect(detail).not.toContain(`action="/customers/${id}"`);
    expect(detail).not.toContain(`action="/customers/${id}/delete"`);

    const count = (await customersOf(cp, owner.tenantId)).length;
    for (const path of ["/customers/new", "/customers/import", "/customers/export.csv"]) {
      expect((await tech.browser.get(path)).status).toBe(404);
    }
    expect((await tech.browser.post("/customers", customerForm({ name: "Teknisi Menambah" }))).status).toBe(404);
    expect((await tech.browser.post(`/customers/${id}`, customerForm({ name: "Diubah" }))).status).toBe(404);
    expect((await tech.browser.post(`/customers/${id}/delete`, { confirmed: "yes" })).status).toBe(404);
    expect((await customersOf(cp, owner.tenantId)).length).toBe(count);
    expect((await customerRow(cp, owner.tenantId, id))?.name).toBe("Lihat Saja");
  });
});

describe("what people type is shown as text", () => {
  test("names, addresses, notes and tags with markup are escaped on every page that shows them", async () => {
    for (const payload of XSS) {
      const id = await createVia(owner.browser, {
        name: `Nama ${payload}`,
        address: `Alamat ${payload}`,
        notes: `Catatan ${payload}`,
        tags: payload.replaceAll(",", " "),
      });
      const detail = await (await owner.browser.get(`/customers/${id}`)).text();
      expectEscaped(detail, `Nama ${payload}`);
      expectEscaped(detail, `Alamat ${payload}`);
      expectEscaped(detail, `Catatan ${payload}`);
      const list = await (await owner.browser.get(`/customers?q=${encodeURIComponent(`Nama ${payload}`)}`)).text();
      expectEscaped(list, `Nama ${payload}`);
    }
    // A search for markup that finds nothing says so, escaped.
    const none = await (await owner.browser.get(`/customers?q=${encodeURIComponent(XSS[1])}zzz`)).text();
    expectEscaped(none, `${XSS[1]}zzz`);
  });
});
