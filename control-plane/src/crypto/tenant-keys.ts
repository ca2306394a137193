import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Tx } from "../db/database.ts";
import { createSecretBox, type SecretBox } from "./secret-box.ts";
import { tenantDataKeys } from "./tenant-keys.tables.ts";

/** The master-key purpose that wraps tenant data keys. */
export const TENANT_KEY_PURPOSE = "tenants/data-key";

export interface MasterSealing {
  secretBox(purpose: string): SecretBox;
}

/**
 * A secret box for one purpose of one tenant (e.g. "subscriptions/pppoe"), keyed from the
 * tenant's data key. The key is made on first use inside the caller's tenant transaction; when
 * two transactions race to make it, the one stored first wins and both use it.
 */
export async function tenantSecretBox(
  tx: Tx,
  sealing: MasterSealing,
  tenantId: string,
  purpose: string,
): Promise<SecretBox> {
  const wrap = sealing.secretBox(TENANT_KEY_PURPOSE);
  const stored = async () =>
    (await tx.select().from(tenantDataKeys).where(eq(tenantDataKeys.tenantId, tenantId)))[0]?.wrappedKey;
  let wrapped = await stored();
  if (!wrapped) {
    const fresh = wrap.seal(randomBytes(32).toString("base64"), tenantId);
    await tx.insert(tenantDataKeys).values({ tenantId, wrappedKey: fresh }).onConflictDoNothing();
    wrapped = await stored();
    if (!wrapped) throw new Error(`tenant data key: none stored for tenant ${tenantId}`);
  }
  return createSecretBox(Buffer.from(wrap.open(wrapped, tenantId), "base64"), purpose);
}

/**
 * The tenant's box for `purpose` when the tenant has a data key, else null — read only, for
 * paths that open what was sealed and must not write (the sync answers, under the site lock).
 * Nothing can be sealed for a tenant without a key, so null means there is nothing to open.
 */
export async function existingTenantSecretBox(
  tx: Tx,
  sealing: MasterSealing,
  tenantId: string,
  purpose: string,
): Promise<SecretBox | null> {
  const [row] = await tx.select().from(tenantDataKeys).where(eq(tenantDataKeys.tenantId, tenantId));
  if (!row) return null;
  const wrap = sealing.secretBox(TENANT_KEY_PURPOSE);
  return createSecretBox(Buffer.from(wrap.open(row.wrappedKey, tenantId), "base64"), purpose);
}
