// Vouchers whose validity ran out become `expired` in the cloud (issue 6 §5: the voucher's state
// follows its consumption), through the real jobs pass and a first login ingested from a site.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { voucherStateSchema } from "@kilusi/shared/sync/site-state";
import { and, asc, eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { seedNas } from "../../../tests/support/radius-cloud.ts";
import { type TestIsp, testIsp } from "../billing/money-flow.testing.ts";
import { systemClock } from "../clock.ts";
import { runTenantJobs } from "../jobs/billing-jobs.ts";
import { capturingLogger, ingest, ingestContext, voucherActivated } from "../radius/radius.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { siteChanges } from "../sites/sites.tables.ts";
import { siteSnapshot } from "../sync/snapshot.ts";
import { tenants } from "../tenants/tenants.tables.ts";
import { VOUCHER_SITE_RETENTION_DAYS } from "./voucher-expiry.ts";
import { auditOf, createBatchVia, seedPlan, seedSite, vouchersOf } from "./vouchers.testing.ts";

let cp: AssembledControlPlane;
let isp: TestIsp;

beforeAll(async () => {
  cp = await assembleTestControlPlane();
  isp = await testIsp(cp);
});
afterAll(() => cp.close());

const tenantSlug = async (tenantId: string) => {
  const [row] = await cp.database.withContext({ platform: true }, (tx) =>
    tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, tenantId)),
  );
  if (!row) throw new Error("no tenant");
  return row.slug;
};

test("the jobs expire a voucher at its end; every site keeps it as expired, then a month on lets it go; audited", async () => {
  const tenantId = isp.actor.tenantId;
  const ctx = await ingestContext(cp, tenantId, isp.siteId);
  const nasId = await seedNas(cp.database, cp, tenantId, isp.siteId, { secret: "s".repeat(24), address: "10.0.0.1" });
  const secondSite = await seedSite(cp.database, tenantId);
  const planId = await seedPlan(cp.database, tenantId);
  const batchId = await createBatchVia(isp.browser, { planId, count: "2" });
  const [ended, running] = await vouchersOf(cp.database, tenantId, batchId);
  if (!ended || !running) throw new Error("batch too small");
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  await ingest(cp, ctx, [
    voucherActivated({
      voucherId: ended.id,
      code: ended.code,
      activatedAt: iso(now - 2 * 3_600_000),
      expiresAt: iso(now - 60_000),
      mac: null,
      nasId,
    }),
    voucherActivated({
      voucherId: running.id,
      code: running.code,
      activatedAt: iso(now - 60_000),
      expiresAt: iso(now + 3_600_000),
      mac: null,
      nasId,
    }),
  ]);
  const stateOf = async (id: string) => (await vouchersOf(cp.database, tenantId, batchId)).find((v) => v.id === id);
  expect((await stateOf(ended.id))?.state).toBe("active");

  const { log } = capturingLogger();
  const deps = {
    database: cp.database,
    clock: systemClock,
    logger: log,
    secretBox: cp.secretBox,
    changeRetentionDays: 30,
  };
  const slug = await tenantSlug(tenantId);
  expect(await runTenantJobs(deps, slug)).toMatchObject([{ tenant: slug, vouchersExpired: 1 }]);
  expect((await stateOf(ended.id))?.state).toBe("expired");
  expect((await stateOf(running.id))?.state).toBe("active");

  // Both sites hold the code (a batch without a site is for every site), now as expired, in an
  // entry the agents accept: a login with it is answered "Voucher expired".
  const changesOf = (id: string) =>
    cp.database.withTenant(tenantId, (tx) =>
      tx
        .select()
        .from(siteChanges)
        .where(and(eq(siteChanges.tenantId, tenantId), eq(siteChanges.entityId, id)))
        .orderBy(asc(siteChanges.id)),
    );
  const expiries = (await changesOf(ended.id)).filter((c) => c.reason === "voucher_expired");
  expect(expiries.map((c) => c.siteId).sort()).toEqual([isp.siteId, secondSite].sort());
  for (const c of expiries) {
    expect(c).toMatchObject({ op: "upsert", entityKey: ended.code });
    expect(voucherStateSchema.parse(c.payload)).toMatchObject({ id: ended.id, state: "expired" });
  }
  const snapshot = await cp.database.withTenant(tenantId, (tx) => siteSnapshot(tx, cp, tenantId, isp.siteId));
  const held = snapshot?.entries.find((e) => e.kind === "voucher" && e.key === ended.code);
  expect(voucherStateSchema.parse(held?.data).state).toBe("expired");

  const audited = await auditOf(cp.database, tenantId, "voucher.expired");
  expect(audited).toHaveLength(1);
  expect(audited[0]).toMatchObject({ actorUserId: null, entityId: ended.id, requestId: "job:voucher-expiry" });

  const changesBefore = (await changesOf(ended.id)).length;
  expect(await runTenantJobs(deps, slug)).toMatchObject([{ vouchersExpired: 0, vouchersReleased: 0 }]);
  expect(await changesOf(ended.id)).toHaveLength(changesBefore);
  expect(await auditOf(cp.database, tenantId, "voucher.expired")).toHaveLength(1);

  // A month on, both have ended (the second expires in this same pass) and leave every site;
  // the vouchers keep their state.
  // (The revision log is kept longer here, or the same pass would prune the changes looked at.)
  const later = {
    ...deps,
    changeRetentionDays: 365,
    clock: { now: () => new Date(now + (VOUCHER_SITE_RETENTION_DAYS + 1) * 86_400_000) },
  };
  expect(await runTenantJobs(later, slug)).toMatchObject([{ vouchersExpired: 1, vouchersReleased: 2 }]);
  expect((await stateOf(ended.id))?.state).toBe("expired");
  expect((await stateOf(running.id))?.state).toBe("expired");
  for (const id of [ended.id, running.id]) {
    const left = (await changesOf(id)).filter((c) => c.reason === "voucher_released");
    expect(left.map((c) => [c.siteId, c.op]).sort()).toEqual(
      [isp.siteId, secondSite].sort().map((siteId) => [siteId, "delete"]),
    );
  }
  const after = await cp.database.withTenant(tenantId, (tx) => siteSnapshot(tx, cp, tenantId, isp.siteId));
  expect(after?.entries.filter((e) => e.kind === "voucher" && [ended.code, running.code].includes(e.key))).toEqual([]);
  expect(await auditOf(cp.database, tenantId, "voucher.released")).toHaveLength(2);
  expect(await runTenantJobs(later, slug)).toMatchObject([{ vouchersExpired: 0, vouchersReleased: 0 }]);
});
