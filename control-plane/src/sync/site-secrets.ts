import type { MasterSealing } from "../crypto/tenant-keys.ts";
import { existingTenantSecretBox } from "../crypto/tenant-keys.ts";
import type { Tx } from "../db/database.ts";
import { NAS_BOX_PURPOSE, nasSecretAad } from "../nas/nas-secret.ts";
import { PPPOE_BOX_PURPOSE, pppoePasswordAad } from "../subscriptions/pppoe-password.ts";

type Item = { kind: string; key: string; data: Record<string, unknown> | null };

interface SealedField {
  kind: string;
  purpose: string;
  /** The sealed field in the stored state → the clear field the agent gets. */
  from: string;
  to: string;
  aad: (key: string) => string;
}

/**
 * What the agent needs in clear: CHAP and MS-CHAP need the subscriber's password itself, and the
 * RADIUS server and CoA client need each router's secret. At rest in PostgreSQL (the revision
 * log too) they stay sealed under the tenant's key; on their way to the site — a change or a
 * snapshot, over the agent's authenticated, ACL-confined connection — they are opened here,
 * one function for both paths, so the agent's state hash and the cloud's agree.
 */
const SEALED: readonly SealedField[] = [
  { kind: "subscriber", purpose: PPPOE_BOX_PURPOSE, from: "passwordSealed", to: "password", aad: pppoePasswordAad },
  { kind: "nas", purpose: NAS_BOX_PURPOSE, from: "secretSealed", to: "secret", aad: (k) => nasSecretAad(k, "secret") },
  {
    kind: "nas",
    purpose: NAS_BOX_PURPOSE,
    from: "previousSecretSealed",
    to: "previousSecret",
    aad: (k) => nasSecretAad(k, "previous_secret"),
  },
];

/**
 * Replaces each sealed field of `items` by its clear counterpart, in place. A value that cannot
 * be opened (a damaged row) goes as null: that subscriber or router is refused at the site.
 * Returns how many could not be opened, for the caller to log. Reads only (no key is created).
 */
export async function openSiteSecrets(
  tx: Tx,
  sealing: MasterSealing,
  tenantId: string,
  items: Item[],
): Promise<number> {
  const boxes = new Map<string, Awaited<ReturnType<typeof existingTenantSecretBox>>>();
  let unopened = 0;
  for (const field of SEALED) {
    for (const item of items) {
      if (item.kind !== field.kind || !item.data || !(field.from in item.data)) continue;
      const { [field.from]: sealed, ...rest } = item.data;
      let clear: string | null = null;
      if (typeof sealed === "string") {
        if (!boxes.has(field.purpose)) {
          boxes.set(field.purpose, await existingTenantSecretBox(tx, sealing, tenantId, field.purpose));
        }
        try {
          clear = boxes.get(field.purpose)?.open(sealed, field.aad(item.key)) ?? null;
        } catch {
          clear = null;
        }
        if (clear === null) unopened++;
      }
      item.data = { ...rest, [field.to]: clear };
    }
  }
  return unopened;
}
