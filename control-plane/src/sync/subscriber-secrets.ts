import { type MasterSealing, tenantSecretBox } from "../crypto/tenant-keys.ts";
import type { Tx } from "../db/database.ts";
import { PPPOE_BOX_PURPOSE, pppoePasswordAad } from "../subscriptions/pppoe-password.ts";

/**
 * The agent answers CHAP and MS-CHAP, which need the password itself: on its way to the site
 * (a change or a snapshot, over the agent's authenticated, ACL-confined connection) a
 * subscriber's sealed password is opened into `password`. At rest in PostgreSQL it stays sealed
 * under the tenant's key, in the revision log too. One function for both paths, so the hash
 * of what the agent holds and of what the cloud computes agree. A password that cannot be
 * opened (a damaged row) goes as null: that subscriber is refused at the site, and the count
 * is returned for the caller to log.
 */
export async function openSubscriberPasswords(
  tx: Tx,
  sealing: MasterSealing,
  tenantId: string,
  items: { kind: string; key: string; data: Record<string, unknown> | null }[],
): Promise<number> {
  const sealed = items.filter((i) => i.kind === "subscriber" && i.data && "passwordSealed" in i.data);
  if (sealed.length === 0) return 0;
  const box = await tenantSecretBox(tx, sealing, tenantId, PPPOE_BOX_PURPOSE);
  let unopened = 0;
  for (const item of sealed) {
    const data = item.data as Record<string, unknown>;
    const { passwordSealed, ...rest } = data;
    let password: string | null = null;
    if (typeof passwordSealed === "string") {
      try {
        password = box.open(passwordSealed, pppoePasswordAad(item.key));
      } catch {
        unopened++;
      }
    }
    item.data = { ...rest, password };
  }
  return unopened;
}
