import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { manualClock } from "../accounts/accounts.testing.ts";
import { type TestIsp, testIsp } from "../billing/money-flow.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { join } from "../team/team.testing.ts";
import { auditOf, invoicesOf, listedIds, moveTo, ownerBrowser, subscribe } from "./invoices.testing.ts";

// "Run billing now" on the invoices page: three subscribers activated in March (their first
// invoices issued at activation) are billed for April on 1 April, once, by the person pressing.

const t = translator("id");
const en = translator("en");
const clock = manualClock(new Date("2026-03-02T03:00:00Z").getTime());
let cp: AssembledControlPlane;
let isp: TestIsp;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
  isp = await testIsp(cp, "Asia/Jakarta", clock);
  const plan = await isp.addPlan({ name: "Rumah 10", price: 100_000 });
  for (const name of ["Ani", "Beni", "Cici"]) await subscribe(cp, isp, await isp.addCustomer(name), plan);
  moveTo(clock, "2026-04-01T01:00:00Z"); // 08:00 WIB
}, 60_000);
afterAll(() => cp.close());

describe("run billing now", () => {
  test("a collector may not (404, nothing billed); the owner bills April once, audited as them", async () => {
    const owner = await ownerBrowser(cp, isp);
    const { browser: collector } = await join(cp, owner, isp.actor.tenantId, "collector");
    expect((await collector.post("/invoices/run-billing", {})).status).toBe(404);
    expect(await invoicesOf(cp, isp.actor.tenantId)).toHaveLength(3);
    expect(await auditOf(cp, isp.actor.tenantId, "billing.run")).toHaveLength(0);

    const res = await owner.post("/invoices/run-billing", { tenantId: crypto.randomUUID() });
    expect(res.status).toBe(303);
    const location = res.headers.get("location") as string;
    expect(location).toBe("/invoices?done=billed&n=3&first=INV%2F2026%2F000004&last=INV%2F2026%2F000006");
    const page = await (await owner.get(location)).text();
    expect(page).toContain(t("invoices.run.done", { n: "3", range: "INV/2026/000004–000006" }));
    const april = (await invoicesOf(cp, isp.actor.tenantId)).filter((i) => i.period === "2026-04");
    expect(april.map((i) => i.number)).toEqual(["INV/2026/000004", "INV/2026/000005", "INV/2026/000006"]);
    expect(listedIds(page).slice(0, 3).sort()).toEqual(april.map((i) => i.id).sort());
    expect(page).toContain("April 2026");
    const [audit, ...more] = await auditOf(cp, isp.actor.tenantId, "billing.run");
    expect(more).toHaveLength(0);
    expect(audit).toMatchObject({
      actorUserId: isp.actor.userId,
      after: { invoices: 3, first: "INV/2026/000004", last: "INV/2026/000006", total: 300_000 },
    });

    // The second press finds nothing left: no invoice, no audit row, and it says so.
    const again = await owner.post("/invoices/run-billing", {});
    expect(again.headers.get("location")).toBe("/invoices?done=billed&n=0");
    expect(await (await owner.get("/invoices?done=billed&n=0")).text()).toContain(t("invoices.run.nothing"));
    expect(await invoicesOf(cp, isp.actor.tenantId)).toHaveLength(6);
    expect(await auditOf(cp, isp.actor.tenantId, "billing.run")).toHaveLength(1);

    owner.cookies.set("lang", "en");
    const english = await (
      await owner.get("/invoices?done=billed&n=1&first=INV/2026/000009&last=INV/2026/000009")
    ).text();
    expect(english).toContain(en("invoices.run.doneOne", { range: "INV/2026/000009" }));
    expect(english).toContain(en("invoices.run.button"));
  });

  test("a notice is only what a run can say: markup in the redirect's numbers is dropped", async () => {
    const owner = await ownerBrowser(cp, isp);
    const page = await (await owner.get("/invoices?done=billed&n=2&first=%3Cb%3Ex&last=INV/2026/1")).text();
    expect(page).not.toContain("<b>x");
    expect(page).toContain(t("invoices.run.doneCount", { n: "2" }));
  });
});
