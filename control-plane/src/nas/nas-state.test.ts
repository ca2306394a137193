// What the agent gets for a router: its secrets in clear, opened on their way out of the cloud,
// from a snapshot and from the revision log alike, and nothing sealed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { StateEntry } from "@kilusi/shared/sync/messages";
import { parseStateEntry } from "@kilusi/shared/sync/site-state";
import { stateHash } from "@kilusi/shared/sync/state-hash";
import { sql } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { signUp } from "../accounts/accounts.testing.ts";
import { rowsOf } from "../db/rows.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { createSiteVia, siteFields } from "../sites/sites.testing.ts";
import { openSiteSecrets } from "../sync/site-secrets.ts";
import { siteSnapshot } from "../sync/snapshot.ts";
import { addNasVia, nasFields, nasRow, openNasSecret } from "./nas.testing.ts";

let cp: AssembledControlPlane;
beforeAll(async () => {
  cp = await assembleTestControlPlane();
}, 60_000);
afterAll(() => cp.close());

const nasEntries = async (tenantId: string, siteId: string) => {
  const snapshot = await cp.database.withTenant(tenantId, (tx) => siteSnapshot(tx, cp, tenantId, siteId));
  expect(snapshot?.unopened).toBe(0);
  return (snapshot?.entries ?? []).filter((e) => e.kind === "nas");
};

/** The routers an agent holds after applying the site's whole log, in order. */
async function replayedNas(tenantId: string, siteId: string): Promise<StateEntry[]> {
  return cp.database.withTenant(tenantId, async (tx) => {
    const rows = rowsOf<{ kind: string; key: string; op: string; data: Record<string, unknown> | null }>(
      await tx.execute(sql`
        select kind, entity_id::text as key, op, payload as data from site_changes
        where tenant_id = ${tenantId} and site_id = ${siteId} and kind = 'nas' order by revision`),
    );
    await openSiteSecrets(tx, cp, tenantId, rows);
    const state = new Map<string, StateEntry>();
    for (const r of rows) {
      if (r.op === "upsert" && r.data) state.set(r.key, { kind: r.kind, key: r.key, data: r.data });
      else state.delete(r.key);
    }
    return [...state.values()];
  });
}

describe("a router in the site's desired state", () => {
  test("after a rotation the agent gets `secret` and `previousSecret` in clear, no sealed field", async () => {
    const owner = await signUp(cp);
    const { tenantId } = owner;
    const siteId = await createSiteVia(owner.browser, siteFields());
    const id = await addNasVia(owner.browser, siteId, nasFields({ address: "10.60.0.1", coaPort: "3799" }));
    const kept = await addNasVia(owner.browser, siteId, nasFields({ address: "10.60.0.2" }));
    const first = await openNasSecret(cp, tenantId, id, (await nasRow(cp, tenantId, id))?.secretSealed as string);
    expect((await owner.browser.post(`/sites/${siteId}/nas/${id}/rotate`, { overlap: "1h" })).status).toBe(303);
    const row = await nasRow(cp, tenantId, id);
    const second = await openNasSecret(cp, tenantId, id, row?.secretSealed as string);

    const entries = await nasEntries(tenantId, siteId);
    expect(entries.map((e) => e.key).sort()).toEqual([id, kept].sort());
    const entry = entries.find((e) => e.key === id);
    expect(Object.keys(entry?.data ?? {}).filter((k) => /sealed/i.test(k))).toEqual([]);
    const parsed = parseStateEntry("nas", entry?.data);
    if (!parsed.ok) throw new Error(parsed.detail);
    expect(parsed.value).toMatchObject({
      address: "10.60.0.1",
      secret: second,
      previousSecret: first,
      coaPort: 3799,
      requireMessageAuthenticator: true,
      limitProxyState: true,
    });
    expect(new Date(parsed.value.previousSecretValidUntil as string).getTime()).toBe(
      row?.previousSecretValidUntil?.getTime() as number,
    );
    const other = parseStateEntry("nas", entries.find((e) => e.key === kept)?.data);
    expect(other.ok && other.value.previousSecret).toBeNull();

    // The log replayed gives the same routers, so the agent's state hash agrees with the cloud's.
    const sorted = (list: StateEntry[]) => [...list].sort((a, b) => a.key.localeCompare(b.key));
    expect(sorted(await replayedNas(tenantId, siteId))).toEqual(sorted(entries));
    expect(stateHash(await replayedNas(tenantId, siteId))).toBe(stateHash(entries));

    expect((await owner.browser.post(`/sites/${siteId}/nas/${id}/end-overlap`, {})).status).toBe(303);
    const ended = parseStateEntry("nas", (await nasEntries(tenantId, siteId)).find((e) => e.key === id)?.data);
    expect(ended.ok && ended.value).toMatchObject({
      secret: second,
      previousSecret: null,
      previousSecretValidUntil: null,
    });

    expect((await owner.browser.post(`/sites/${siteId}/nas/${kept}/delete`, {})).status).toBe(303);
    expect((await nasEntries(tenantId, siteId)).map((e) => e.key)).toEqual([id]);
    expect((await replayedNas(tenantId, siteId)).map((e) => e.key)).toEqual([id]);
  });
});
