import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { manualClock, signUp } from "../accounts/accounts.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { escaped, join } from "../team/team.testing.ts";
import {
  auditRows,
  createPlanVia,
  plainPlanFields,
  planFields,
  planRow,
  seedSubscription,
  siteChangeRows,
} from "./plans.testing.ts";

const t = translator("id");
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, manualClock());
});
afterAll(() => cp.close());

describe("editing a plan", () => {
  test("a speed change reaches the site for subscribers on the network, in the same save", async () => {
    const owner = await signUp(cp);
    const fields = plainPlanFields();
    const id = await createPlanVia(owner.browser, fields);
    const active = await seedSubscription(cp, owner.tenantId, id, "active");
    await seedSubscription(cp, owner.tenantId, id, "pending");
    await seedSubscription(cp, owner.tenantId, id, "terminated");
    const page = await (await owner.browser.get(`/plans/${id}`)).text();
    expect(page).toContain(t("plans.form.networkNote", { n: 1 }));

    const res = await owner.browser.post(`/plans/${id}`, { ...fields, download: "30" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/plans/${id}?done=saved`);
    expect((await planRow(cp, owner.tenantId, id))?.downloadKbps).toBe(30_000);
    const changes = await siteChangeRows(cp, owner.tenantId);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.entityId).toBe(active);
    // The fixture made the subscription active without a change row: this is the first after the
    // site's own (its isolation policy, written when the site was created).
    expect(changes[0]).toMatchObject({ kind: "subscriber", op: "upsert", reason: "plan_updated", revision: 2 });
    expect(changes[0]?.payload).toMatchObject({
      status: "active",
      plan: { id, downloadKbps: 30_000, uploadKbps: 10_000 },
    });
    const [updated] = await auditRows(cp, owner.tenantId, "plan.updated");
    expect(updated?.before).toEqual({ downloadKbps: 20_000 });
    expect(updated?.after).toEqual({ downloadKbps: 30_000 });
    const after = await (await owner.browser.get(`/plans/${id}?done=saved`)).text();
    expect(after).toContain(t("plans.notice.saved"));
    expect(after).toContain(">10M/30M</code>");
  });

  test("a change of price writes no site change, of name one (the site holds it); each is audited with only what changed", async () => {
    const owner = await signUp(cp);
    const fields = plainPlanFields();
    const id = await createPlanVia(owner.browser, fields);
    await seedSubscription(cp, owner.tenantId, id, "active");

    expect((await owner.browser.post(`/plans/${id}`, { ...fields, name: "Rumah Baru" })).status).toBe(303);
    expect((await owner.browser.post(`/plans/${id}`, { ...fields, name: "Rumah Baru", price: "175.000" })).status).toBe(
      303,
    );
    expect(await siteChangeRows(cp, owner.tenantId)).toEqual([
      expect.objectContaining({
        kind: "subscriber",
        reason: "plan_updated",
        payload: expect.objectContaining({ plan: expect.objectContaining({ name: "Rumah Baru" }) }),
      }),
    ]);
    const updates = await auditRows(cp, owner.tenantId, "plan.updated");
    expect(updates.map((u) => [u.before, u.after])).toEqual([
      [{ name: fields.name }, { name: "Rumah Baru" }],
      [{ price: 150_000 }, { price: 175_000 }],
    ]);
    expect(await planRow(cp, owner.tenantId, id)).toMatchObject({ name: "Rumah Baru", price: 175_000 });

    // Saving the form unchanged writes nothing.
    expect((await owner.browser.post(`/plans/${id}`, { ...fields, name: "Rumah Baru", price: "175000" })).status).toBe(
      303,
    );
    expect(await auditRows(cp, owner.tenantId, "plan.updated")).toHaveLength(2);
  });

  test("a bad edit shows the errors and what was typed, and changes nothing", async () => {
    const owner = await signUp(cp);
    const fields = plainPlanFields();
    const id = await createPlanVia(owner.browser, fields);
    const res = await owner.browser.post(`/plans/${id}`, { ...fields, price: "-1", burstTime: "8" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(t("plans.error.amount.negative"));
    expect(html).toContain(t("plans.error.burst.incomplete"));
    expect(html).toContain('name="price" type="text" value="-1"');
    expect((await planRow(cp, owner.tenantId, id))?.price).toBe(150_000);
    expect(await auditRows(cp, owner.tenantId, "plan.updated")).toHaveLength(0);
  });

  test("another plan's name is refused, a change of case of its own is not", async () => {
    const owner = await signUp(cp);
    await createPlanVia(owner.browser, plainPlanFields({ name: "Gamer 50" }));
    const fields = plainPlanFields({ name: "Rumah 20" });
    const id = await createPlanVia(owner.browser, fields);
    const taken = await owner.browser.post(`/plans/${id}`, { ...fields, name: "gamer 50" });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain(escaped(t("plans.error.name.taken")));
    expect((await planRow(cp, owner.tenantId, id))?.name).toBe("Rumah 20");
    expect((await owner.browser.post(`/plans/${id}`, { ...fields, name: "RUMAH 20" })).status).toBe(303);
    expect((await planRow(cp, owner.tenantId, id))?.name).toBe("RUMAH 20");
  });

  test("the type and cycle of a plan in use stay; of an unused plan they may change", async () => {
    const owner = await signUp(cp);
    const fields = plainPlanFields();
    const id = await createPlanVia(owner.browser, fields);
    const unused = await owner.browser.post(`/plans/${id}`, { ...fields, type: "static" });
    expect(unused.status).toBe(303);
    await seedSubscription(cp, owner.tenantId, id, "active");
    const type = await owner.browser.post(`/plans/${id}`, { ...fields, type: "hotspot" });
    expect(type.status).toBe(409);
    expect(await type.text()).toContain(t("plans.error.typeLocked"));
    const cycle = await owner.browser.post(`/plans/${id}`, {
      ...fields,
      type: "static",
      cycle: "prepaid",
      validity: "30",
    });
    expect(cycle.status).toBe(409);
    expect(await cycle.text()).toContain(t("plans.error.cycleLocked"));
    expect(await planRow(cp, owner.tenantId, id)).toMatchObject({ type: "static", cycle: "monthly" });
  });
});

describe("who may see plans", () => {
  test("another ISP's plan answers 404 to every page and action, and is left unchanged", async () => {
    const owner = await signUp(cp);
    const fields = planFields();
    const id = await createPlanVia(owner.browser, fields);
    const before = await planRow(cp, owner.tenantId, id);
    const other = await signUp(cp);
    expect((await other.browser.get(`/plans/${id}`)).status).toBe(404);
    expect((await other.browser.post(`/plans/${id}`, { ...fields, name: "Diambil" })).status).toBe(404);
    for (const action of ["archive", "restore", "delete"]) {
      expect((await other.browser.post(`/plans/${id}/${action}`, {})).status).toBe(404);
    }
    expect(await planRow(cp, owner.tenantId, id)).toEqual(before);
    expect(await auditRows(cp, other.tenantId, "plan.updated")).toHaveLength(0);
    expect(await (await other.browser.get("/plans")).text()).not.toContain(fields.name ?? "");
    expect((await owner.browser.get("/plans/not-a-uuid")).status).toBe(404);
  });

  test("a technician gets 404 for the plans area and no menu item", async () => {
    const owner = await signUp(cp);
    const id = await createPlanVia(owner.browser, plainPlanFields());
    const tech = await join(cp, owner.browser, owner.tenantId, "technician");
    expect((await tech.browser.get("/plans")).status).toBe(404);
    expect((await tech.browser.get("/plans/new")).status).toBe(404);
    expect((await tech.browser.get(`/plans/${id}`)).status).toBe(404);
    expect((await tech.browser.post("/plans", plainPlanFields())).status).toBe(404);
    expect((await tech.browser.post(`/plans/${id}/archive`, {})).status).toBe(404);
    expect((await planRow(cp, owner.tenantId, id))?.archivedAt).toBeNull();
    expect(await (await tech.browser.get("/app")).text()).not.toContain('href="/plans"');
  });

  test("the pages speak English when asked", async () => {
    const owner = await signUp(cp);
    const en = translator("en");
    const html = await (await owner.browser.get("/plans", { "accept-language": "en" })).text();
    expect(html).toContain(en("plans.empty.title"));
    const form = await (await owner.browser.get("/plans/new", { "accept-language": "en" })).text();
    expect(form).toContain(en("plans.field.speedUnit.hint"));
  });
});
