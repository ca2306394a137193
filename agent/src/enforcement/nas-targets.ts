import { parseStateEntry } from "@kilusi/shared/sync/site-state";
import type { CoaTarget } from "../radius/coa/coa-client.ts";
import type { DesiredStateStore } from "../store/store.ts";

/**
 * Where a CoA/Disconnect for a session on `nasId` goes, one target per secret the router may
 * hold: the current one, then, while a rotation's overlap lasts, the one being rotated out (a
 * router not yet updated drops requests signed with the new one). Null: the site does not know
 * that NAS, or its entry does not parse.
 */
export function nasTargets(store: DesiredStateStore, nasId: string, now: Date): CoaTarget[] | null {
  const data = store.get("nas", nasId);
  if (!data) return null;
  const parsed = parseStateEntry("nas", data);
  if (!parsed.ok) return null;
  const nas = parsed.value;
  const targets: CoaTarget[] = [{ address: nas.address, port: nas.coaPort, secret: Buffer.from(nas.secret) }];
  const until = nas.previousSecretValidUntil ? Date.parse(nas.previousSecretValidUntil) : Number.NaN;
  if (nas.previousSecret && now.getTime() < until) {
    targets.push({ address: nas.address, port: nas.coaPort, secret: Buffer.from(nas.previousSecret) });
  }
  return targets;
}
