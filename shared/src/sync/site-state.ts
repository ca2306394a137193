// The desired-state entries a site holds (DESIGN §6), one schema per kind. The cloud builds
// them in SQL (control-plane/src/sites/site-state.sql.ts) and the agent parses each entry it
// reads with `parseStateEntry`, which never throws: an entry that does not parse is treated as
// absent (the subscriber is refused) and logged with its kind and key.
import { z } from "zod";

const instant = z.iso.datetime({ offset: true });
const kbps = z.number().int().min(0).nullable();

/** A plan's network attributes, as the subscriber and voucher entries carry them. */
export const planStateSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  downloadKbps: kbps,
  uploadKbps: kbps,
  burstDownloadKbps: kbps,
  burstUploadKbps: kbps,
  burstThresholdDownloadKbps: kbps,
  burstThresholdUploadKbps: kbps,
  burstTimeSeconds: z.number().int().min(0).nullable(),
  /** Framed-Pool (RouterOS IP pool name). */
  addressPool: z.string().nullable(),
  /** Mikrotik-Group (PPP or hotspot user profile). */
  profileName: z.string().nullable(),
  quotaBytes: z.number().int().min(0).nullable(),
  /** Acct-Interim-Interval the NAS should use, seconds. */
  interimSeconds: z.number().int().min(60).max(86_400).optional(),
});

/** kind `subscriber`, key = subscription id. Only active and isolated subscribers are on a site. */
export const subscriberStateSchema = z.object({
  status: z.enum(["active", "isolated"]),
  access: z.enum(["pppoe", "static", "mac"]),
  /** PPPoE User-Name; null for static/MAC access. */
  username: z.string().nullable(),
  /** The PPPoE password in clear (opened by the cloud on its way here); null when not PPPoE. */
  password: z.string().nullable(),
  staticIp: z.string().nullable(),
  mac: z.string().nullable(),
  expiresAt: instant.nullable(),
  plan: planStateSchema,
});

/** kind `nas`, key = NAS id. A router allowed to ask this site's RADIUS server. */
export const nasStateSchema = z.object({
  name: z.string(),
  /** The source address its requests come from (IPv4 or IPv6 text). */
  address: z.string(),
  secret: z.string().min(1),
  /** The secret being rotated out, accepted until `previousSecretValidUntil`. */
  previousSecret: z.string().nullable(),
  previousSecretValidUntil: instant.nullable(),
  /** Where CoA/Disconnect requests go (MikroTik default 1700). */
  coaPort: z.number().int().min(1).max(65_535),
  requireMessageAuthenticator: z.boolean(),
  limitProxyState: z.boolean(),
});

/** kind `voucher`, key = the code as typed at the hotspot login. */
export const voucherStateSchema = z.object({
  id: z.string(),
  /**
   * new/sold: never used; active: validity running from activatedAt; expired: it ran out
   * (expiresAt); exhausted: the plan's data quota is used, counted by the cloud over every site.
   */
  state: z.enum(["new", "sold", "active", "expired", "exhausted"]),
  validitySeconds: z.number().int().min(1),
  activatedAt: instant.nullable(),
  expiresAt: instant.nullable(),
  /** The device bound at first login; with macBinding, other devices are refused. */
  mac: z.string().nullable(),
  macBinding: z.boolean(),
  plan: planStateSchema,
});

/** kind `policy`, key `isolation`: what an isolated subscriber gets instead of the plan. */
export const isolationPolicySchema = z.object({
  /** Mikrotik-Address-List (the firewall list that redirects to the payment page). */
  addressList: z.string(),
  /** Mikrotik-Group (PPP profile for isolated users). */
  profile: z.string(),
  /** Mikrotik-Rate-Limit while isolated, e.g. "256k/256k"; null: none sent. */
  rateLimit: z.string().nullable(),
  /** Framed-Pool while isolated; null: the plan's pool. */
  pool: z.string().nullable(),
});

export const ISOLATION_POLICY_KEY = "isolation";

export const stateSchemas = {
  subscriber: subscriberStateSchema,
  nas: nasStateSchema,
  voucher: voucherStateSchema,
  policy: isolationPolicySchema,
} as const;

export type StateKind = keyof typeof stateSchemas;
export type PlanState = z.infer<typeof planStateSchema>;
export type SubscriberState = z.infer<typeof subscriberStateSchema>;
export type NasState = z.infer<typeof nasStateSchema>;
export type VoucherState = z.infer<typeof voucherStateSchema>;
export type IsolationPolicy = z.infer<typeof isolationPolicySchema>;
export type StateOf<K extends StateKind> = z.infer<(typeof stateSchemas)[K]>;

export function parseStateEntry<K extends StateKind>(
  kind: K,
  data: unknown,
): { ok: true; value: StateOf<K> } | { ok: false; detail: string } {
  const result = stateSchemas[kind].safeParse(data);
  if (result.success) return { ok: true, value: result.data as StateOf<K> };
  return { ok: false, detail: result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
}
