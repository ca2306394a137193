import { createHash, randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { createSecretBox } from "../../control-plane/src/crypto/secret-box.ts";
import { type Database, openDatabase } from "../../control-plane/src/db/database.ts";
import { appRolePassword } from "../../control-plane/src/db/migrations.ts";
import { rowsOf } from "../../control-plane/src/db/rows.ts";
import { recordSubscriberChanges } from "../../control-plane/src/sites/site-changes.ts";
import { recordPolicyChanges } from "../../control-plane/src/sites/site-state-policy.ts";
import { siteSnapshot } from "../../control-plane/src/sync/snapshot.ts";
import { stateHash } from "../../shared/src/sync/state-hash.ts";
import { createScratchDatabase } from "./postgres.ts";

/**
 * One PostgreSQL database shared by a control-plane process and the test: the test seeds an
 * ISP with a site, a plan and subscribers as the owner, makes site changes through the real
 * code (app role, trigger-numbered revisions), and reads back what the cloud holds.
 */
export interface SyncFixture {
  url: string;
  masterKey: string;
  /** Environment for startControlPlaneProcess. */
  env: Record<string, string>;
  database: Database;
  owner: postgres.Sql;
  tenantId: string;
  siteId: string;
  planId: string;
  /** A one-time enrollment token for the site, as the sites page would issue it. */
  enrollmentToken(siteId?: string): Promise<string>;
  addSite(name: string): Promise<string>;
  /** Adds `count` active subscribers at the site (one activation change each). */
  addSubscribers(count: number, siteId?: string): Promise<void>;
  /** Re-sends every on-network subscriber of the site (one change each), e.g. after a plan edit. */
  touchAll(reason?: "plan_updated", siteId?: string): Promise<number>;
  /** Terminates `count` subscribers (one removal change each). */
  terminate(count: number, siteId?: string): Promise<number>;
  cloudState(siteId?: string): Promise<{ revision: number; hash: string; entries: number }>;
  close(): Promise<void>;
}

let serial = 0;

export async function createSyncFixture(): Promise<SyncFixture> {
  const scratch = await createScratchDatabase("kilusi_sync");
  const key = randomBytes(32);
  const masterKey = key.toString("base64");
  const sealing = { secretBox: (purpose: string) => createSecretBox(key, purpose) };
  const database = await openDatabase(
    { kind: "postgres", url: scratch.url, appUrl: undefined, appRole: "kilusi_app", poolMax: 4 },
    appRolePassword(key),
  );
  const owner = postgres(scratch.url, { max: 2, onnotice: () => {} });
  const tenantId = crypto.randomUUID();
  const siteId = crypto.randomUUID();
  const planId = crypto.randomUUID();
  await owner.unsafe(
    `insert into tenants (id, slug, name) values ('${tenantId}', 'sync-${tenantId.slice(0, 8)}', 'Sync Net')`,
  );
  await owner.unsafe(`insert into billing_settings (tenant_id) values ('${tenantId}')`);
  await owner.unsafe(`insert into sites (tenant_id, id, name) values ('${tenantId}', '${siteId}', 'POP Utama')`);
  // As the sites use-case does: a new site's log starts with the tenant's isolation policy.
  const announcePolicy = (site: string) =>
    database.withTenant(tenantId, (tx) => recordPolicyChanges(tx, tenantId, "site_created", sql`st.id = ${site}`));
  await announcePolicy(siteId);
  await owner.unsafe(`insert into plans (tenant_id, id, name, type, price, cycle, download_kbps, upload_kbps)
    values ('${tenantId}', '${planId}', 'Home 20', 'pppoe', 150000, 'monthly', 20000, 10000)`);

  const onSite = (s?: string) => s ?? siteId;
  return {
    url: scratch.url,
    masterKey,
    env: { DATABASE_URL: scratch.url, APP_MASTER_KEY: masterKey, NODE_ENV: "development" },
    database,
    owner,
    tenantId,
    siteId,
    planId,
    async enrollmentToken(site) {
      const id = crypto.randomUUID();
      const secret = randomBytes(32).toString("base64url");
      const hash = createHash("sha256").update(secret).digest("hex");
      await owner.unsafe(`insert into agent_enrollment_tokens (tenant_id, id, site_id, secret_hash, expires_at)
        values ('${tenantId}', '${id}', '${onSite(site)}', '${hash}', now() + interval '24 hours')`);
      return `${tenantId}.${id}.${secret}`;
    },
    async addSite(name) {
      const id = crypto.randomUUID();
      await owner.unsafe(`insert into sites (tenant_id, id, name) values ('${tenantId}', '${id}', '${name}')`);
      await announcePolicy(id);
      return id;
    },
    async addSubscribers(count, site) {
      const batch = `b${++serial}x${Date.now().toString(36)}`;
      await owner.unsafe(`insert into customers (tenant_id, id, name)
        select '${tenantId}', md5('${batch}c' || g)::uuid, 'Pelanggan ' || g from generate_series(1, ${count}) g`);
      await owner.unsafe(`insert into subscriptions (tenant_id, id, customer_id, plan_id, site_id, access, pppoe_username,
          pppoe_password_sealed, billing_day, status, activated_at)
        select '${tenantId}', md5('${batch}s' || g)::uuid, md5('${batch}c' || g)::uuid, '${planId}', '${onSite(site)}',
               'pppoe', '${batch}u' || g, 'sealed', 1, 'active', now()
        from generate_series(1, ${count}) g`);
      await database.withTenant(tenantId, (tx) =>
        recordSubscriberChanges(tx, tenantId, "activated", sql`s.pppoe_username like ${`${batch}u%`}`),
      );
    },
    touchAll(reason = "plan_updated", site) {
      return database.withTenant(tenantId, (tx) =>
        recordSubscriberChanges(
          tx,
          tenantId,
          reason,
          sql`s.site_id = ${onSite(site)} and s.status in ('active', 'isolated')`,
        ),
      );
    },
    async terminate(count, site) {
      return database.withTenant(tenantId, async (tx) => {
        const ids = rowsOf<{ id: string }>(
          await tx.execute(sql`update subscriptions set status = 'terminated', terminated_at = now()
            where id in (select id from subscriptions where tenant_id = ${tenantId} and site_id = ${onSite(site)}
                         and status = 'active' order by id limit ${count})
            returning id`),
        ).map((r) => r.id);
        if (ids.length === 0) return 0;
        return recordSubscriberChanges(
          tx,
          tenantId,
          "terminated",
          sql`s.id in ${sql.raw(`(${ids.map((i) => `'${i}'`).join(",")})`)}`,
        );
      });
    },
    async cloudState(site) {
      const snapshot = await database.withTenant(tenantId, (tx) => siteSnapshot(tx, sealing, tenantId, onSite(site)));
      if (!snapshot) throw new Error("no such site");
      return { revision: snapshot.revision, hash: stateHash(snapshot.entries), entries: snapshot.entries.length };
    },
    async close() {
      await database.close();
      await owner.end({ timeout: 2 });
      await scratch.drop();
    },
  };
}
