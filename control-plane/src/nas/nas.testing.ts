// Helpers for the router (NAS) tests. Not imported by the application.
import { and, asc, eq } from "drizzle-orm";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { tenantSecretBox } from "../crypto/tenant-keys.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { siteChanges } from "../sites/sites.tables.ts";
import { nasDevices } from "./nas.tables.ts";
import { NAS_BOX_PURPOSE, nasSecretAad } from "./nas-secret.ts";

let n = 0;

/** A valid router form (both guards on); overrides replace fields, `undefined` leaves one out. */
export function nasFields(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  n++;
  const fields: Record<string, string | undefined> = {
    name: `Mikrotik-${Date.now().toString(36)}${n}`,
    address: `10.${(n >> 8) % 250}.${n % 250}.1`,
    coaPort: "1700",
    requireMessageAuthenticator: "on",
    limitProxyState: "on",
    ...overrides,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** Adds a router through the form and returns its id. */
export async function addNasVia(browser: TestClient, siteId: string, fields: Record<string, string>): Promise<string> {
  const res = await browser.post(`/sites/${siteId}/nas`, fields);
  if (res.status !== 303) throw new Error(`router not added: ${res.status} ${await res.text()}`);
  const match = new RegExp(`^/sites/${siteId}/nas/([0-9a-f-]{36})\\?done=created$`).exec(
    res.headers.get("location") ?? "",
  );
  if (!match?.[1]) throw new Error(`unexpected location ${res.headers.get("location")}`);
  return match[1];
}

/** The stored row, sealed secrets and all. */
export async function nasRow(cp: AssembledControlPlane, tenantId: string, nasId: string) {
  const [row] = await cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(nasDevices)
      .where(and(eq(nasDevices.tenantId, tenantId), eq(nasDevices.id, nasId))),
  );
  return row;
}

/** Opens a router's sealed secret the way the sync path does: the tenant's box, the row's AAD. */
export function openNasSecret(
  cp: AssembledControlPlane,
  tenantId: string,
  nasId: string,
  sealed: string,
  which: "secret" | "previous_secret" = "secret",
): Promise<string> {
  return cp.database.withTenant(tenantId, async (tx) =>
    (await tenantSecretBox(tx, cp, tenantId, NAS_BOX_PURPOSE)).open(sealed, nasSecretAad(nasId, which)),
  );
}

/** The `nas` rows of a site's revision log, oldest first. */
export const nasChangeRows = (cp: AssembledControlPlane, tenantId: string, siteId: string) =>
  cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(siteChanges)
      .where(and(eq(siteChanges.tenantId, tenantId), eq(siteChanges.siteId, siteId), eq(siteChanges.kind, "nas")))
      .orderBy(asc(siteChanges.revision)),
  );

/** The RouterOS lines on a router page, as the text a person copies. */
export function routerOsText(html: string): string {
  const code = /<code id="nas-routeros-lines">([\s\S]*?)<\/code>/.exec(html)?.[1];
  if (code === undefined) throw new Error("no RouterOS lines on the page");
  return code.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&");
}
