// Every kind of a site's desired state (subscribers, routers, hotspot codes, the isolation
// policy) comes from one SQL definition for its change rows and for the snapshot: an agent that
// replays the revision log holds exactly what a snapshot gives. Checked for two sites after
// tenant-wide and site-only voucher batches, a sale and a void.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { StateEntry } from "@kilusi/shared/sync/messages";
import { stateHash } from "@kilusi/shared/sync/state-hash";
import { sql } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { signUp } from "../accounts/accounts.testing.ts";
import { rowsOf } from "../db/rows.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { createSiteVia, siteFields } from "../sites/sites.testing.ts";
import { createBatchVia, seedPlan } from "../vouchers/vouchers.testing.ts";
import { openSiteSecrets } from "./site-secrets.ts";
import { siteSnapshot } from "./snapshot.ts";

let cp: AssembledControlPlane;
beforeAll(async () => {
  cp = await assembleTestControlPlane();
}, 60_000);
afterAll(() => cp.close());

/** The state an agent holds after applying the site's whole revision log, in order. */
async function replayLog(tenantId: string, siteId: string): Promise<StateEntry[]> {
  return cp.database.withTenant(tenantId, async (tx) => {
    const rows = rowsOf<{ kind: string; key: string; op: string; data: Record<string, unknown> | null }>(
      await tx.execute(sql`
        select kind, coalesce(entity_key, entity_id::text) as key, op, payload as data
        from site_changes where tenant_id = ${tenantId} and site_id = ${siteId} order by revision`),
    );
    await openSiteSecrets(tx, cp, tenantId, rows);
    const state = new Map<string, StateEntry>();
    for (const r of rows) {
      const id = `${r.kind}/${r.key}`;
      if (r.op === "upsert" && r.data) state.set(id, { kind: r.kind, key: r.key, data: r.data });
      else state.delete(id);
    }
    return [...state.values()];
  });
}

const snapshotOf = async (tenantId: string, siteId: string) =>
  (await cp.database.withTenant(tenantId, (tx) => siteSnapshot(tx, cp, tenantId, siteId)))?.entries ?? [];

const sorted = (entries: StateEntry[]) =>
  [...entries].sort((a, b) => `${a.kind}/${a.key}`.localeCompare(`${b.kind}/${b.key}`));

describe("a site's desired state", () => {
  test("replaying the revision log gives the snapshot, kind by kind, at every site", async () => {
    const owner = await signUp(cp);
    const { tenantId } = owner;
    const planId = await seedPlan(cp.database, tenantId);
    const hotspot = await createSiteVia(owner.browser, siteFields({ name: "Hotspot Pasar" }));
    const everywhere = await createBatchVia(owner.browser, { planId, count: "5" });
    const local = await createBatchVia(owner.browser, { planId, count: "4", siteId: hotspot });
    expect(
      (await owner.browser.post(`/vouchers/batches/${everywhere}/sell`, { count: "2", soldTo: "Warung Bu Sri" }))
        .status,
    ).toBe(303);
    expect((await owner.browser.post(`/vouchers/batches/${local}/void`, { reason: "lembar hilang" })).status).toBe(303);

    const sites = rowsOf<{ id: string }>(
      await cp.database.withTenant(tenantId, (tx) =>
        tx.execute(sql`select id from sites where tenant_id = ${tenantId}`),
      ),
    ).map((r) => r.id);
    expect(sites).toHaveLength(2);
    for (const siteId of sites) {
      const snapshot = await snapshotOf(tenantId, siteId);
      const replayed = await replayLog(tenantId, siteId);
      expect(sorted(replayed)).toEqual(sorted(snapshot));
      expect(stateHash(replayed)).toBe(stateHash(snapshot));
      // The tenant-wide codes (2 sold, 3 new) are at both sites; the voided local ones at none.
      const codes = snapshot.filter((e) => e.kind === "voucher");
      expect(codes).toHaveLength(5);
      expect(codes.filter((e) => e.data.state === "sold")).toHaveLength(2);
      expect(codes[0]?.data).toMatchObject({ validitySeconds: 86_400, macBinding: true, activatedAt: null });
      expect(snapshot.filter((e) => e.kind === "policy")).toEqual([
        {
          kind: "policy",
          key: "isolation",
          data: { addressList: "isolir", profile: "isolir", rateLimit: "256k/256k", pool: null },
        },
      ]);
    }
  });
});
