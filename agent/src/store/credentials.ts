import type { StoreDatabase } from "./database.ts";

/** What enrollment gave this installation; the password never reaches a log line. */
export interface Credentials {
  tenantId: string;
  siteId: string;
  siteName: string;
  agentId: string;
  mqtt: { url: string; username: string; password: string; caPem: string | null };
  protocols: number[];
  enrolledAt: string;
}

interface Row {
  tenant_id: string;
  site_id: string;
  site_name: string;
  agent_id: string;
  mqtt_url: string;
  username: string;
  password: string;
  ca_pem: string | null;
  protocols: string;
  enrolled_at: string;
}

export function readCredentials(store: StoreDatabase): Credentials | null {
  const row = store.db.query("select * from credentials where id = 1").get() as Row | null;
  if (!row) return null;
  return {
    tenantId: row.tenant_id,
    siteId: row.site_id,
    siteName: row.site_name,
    agentId: row.agent_id,
    mqtt: { url: row.mqtt_url, username: row.username, password: row.password, caPem: row.ca_pem },
    protocols: JSON.parse(row.protocols) as number[],
    enrolledAt: row.enrolled_at,
  };
}

/**
 * Replaces the credentials. The desired state and the journal stay (the journal belongs to the
 * agentId, which does not change); a move to another site clears the desired state and its
 * revision, because revisions count per site and the old site's entries are not this one's.
 */
export function writeCredentials(store: StoreDatabase, c: Credentials): { siteChanged: boolean } {
  let siteChanged = false;
  store.db.transaction(() => {
    const before = readCredentials(store);
    siteChanged = before !== null && (before.tenantId !== c.tenantId || before.siteId !== c.siteId);
    if (siteChanged) {
      store.db.exec("delete from desired_state");
      store.db.exec("delete from snapshot_parts");
      store.db.exec("delete from meta where key in ('applied_revision', 'synced_at')");
    }
    store.db
      .query(
        `insert or replace into credentials
           (id, tenant_id, site_id, site_name, agent_id, mqtt_url, username, password, ca_pem, protocols, enrolled_at)
         values (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.tenantId,
        c.siteId,
        c.siteName,
        c.agentId,
        c.mqtt.url,
        c.mqtt.username,
        c.mqtt.password,
        c.mqtt.caPem,
        JSON.stringify(c.protocols),
        c.enrolledAt,
      );
  })();
  return { siteChanged };
}
