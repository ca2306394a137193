import { sql } from "drizzle-orm";
import { type MasterSealing, tenantSecretBox } from "../../control-plane/src/crypto/tenant-keys.ts";
import type { Database } from "../../control-plane/src/db/database.ts";
import { NAS_BOX_PURPOSE, nasSecretAad } from "../../control-plane/src/nas/nas-secret.ts";
import { recordNasChanges } from "../../control-plane/src/sites/site-state-nas.ts";

/**
 * A router at a site with a secret the test knows, sealed and logged exactly as the NAS
 * use-case does (the tenant's box, the row's AAD, one site change), for system tests that
 * need the secret before the router exists (radclient, the mock NAS).
 */
export async function seedNas(
  database: Database,
  sealing: MasterSealing,
  tenantId: string,
  siteId: string,
  nas: { address?: string; secret: string; coaPort?: number; requireMessageAuthenticator?: boolean; name?: string },
): Promise<string> {
  const id = crypto.randomUUID();
  await database.withTenant(tenantId, async (tx) => {
    const box = await tenantSecretBox(tx, sealing, tenantId, NAS_BOX_PURPOSE);
    await tx.execute(sql`
      insert into nas_devices (tenant_id, id, site_id, name, address, secret_sealed, coa_port, require_message_authenticator)
      values (${tenantId}, ${id}, ${siteId}, ${nas.name ?? `Router ${id.slice(0, 6)}`}, ${nas.address ?? "127.0.0.1"},
              ${box.seal(nas.secret, nasSecretAad(id, "secret"))}, ${nas.coaPort ?? 1700},
              ${nas.requireMessageAuthenticator ?? true})`);
    await recordNasChanges(tx, tenantId, "nas_added", sql`n.id = ${id}`);
  });
  return id;
}
