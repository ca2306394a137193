// Topic grammar of the sync contract (DESIGN §6): kilusi/v1/<tenantId>/<siteId>/<direction>/<name>.
// The broker ACL confines an agent to its own <tenantId>/<siteId> subtree; the cloud reads the
// tenant and the site from the topic the broker authorised, never from a payload.

export const TOPIC_ROOT = "kilusi";
/** The topic's major version: a breaking change of the contract gets a new prefix. */
export const TOPIC_VERSION = "v1";

/** Agent → cloud. */
export const UP_NAMES = ["hello", "presence", "heartbeat", "sync-request", "journal", "command-result"] as const;
/** Cloud → agent. */
export const DOWN_NAMES = [
  "welcome",
  "notify",
  "changes",
  "snapshot",
  "heartbeat-ack",
  "journal-ack",
  "command",
] as const;

export type UpName = (typeof UP_NAMES)[number];
export type DownName = (typeof DOWN_NAMES)[number];
export type Direction = "up" | "down";

export interface SiteAddress {
  tenantId: string;
  siteId: string;
}

export interface ParsedTopic extends SiteAddress {
  direction: Direction;
  name: UpName | DownName;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function assertId(what: string, id: string): void {
  if (!UUID.test(id)) throw new Error(`sync topic: ${what} must be a lowercase UUID, got ${JSON.stringify(id)}`);
}

/** The subtree of one site: `kilusi/v1/<tenantId>/<siteId>`. */
export function siteTopicPrefix(site: SiteAddress): string {
  assertId("tenantId", site.tenantId);
  assertId("siteId", site.siteId);
  return `${TOPIC_ROOT}/${TOPIC_VERSION}/${site.tenantId}/${site.siteId}`;
}

export function upTopic(site: SiteAddress, name: UpName): string {
  return `${siteTopicPrefix(site)}/up/${name}`;
}

export function downTopic(site: SiteAddress, name: DownName): string {
  return `${siteTopicPrefix(site)}/down/${name}`;
}

/** What an agent may publish to (its own up/…) and subscribe to (its own down/…). */
export function agentTopicFilters(site: SiteAddress): { publish: string; subscribe: string } {
  const prefix = siteTopicPrefix(site);
  return { publish: `${prefix}/up/#`, subscribe: `${prefix}/down/#` };
}

/** What the cloud subscribes to: every site's up/… (a shared subscription on Mosquitto). */
export const CLOUD_UP_FILTER = `${TOPIC_ROOT}/${TOPIC_VERSION}/+/+/up/#`;

/** Parses a topic of the contract; null for anything else (another version, a bad id, an unknown name). */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split("/");
  if (parts.length !== 6) return null;
  const [root, version, tenantId, siteId, direction, name] = parts as [string, string, string, string, string, string];
  if (root !== TOPIC_ROOT || version !== TOPIC_VERSION) return null;
  if (!UUID.test(tenantId) || !UUID.test(siteId)) return null;
  if (direction === "up" && (UP_NAMES as readonly string[]).includes(name))
    return { tenantId, siteId, direction, name: name as UpName };
  if (direction === "down" && (DOWN_NAMES as readonly string[]).includes(name))
    return { tenantId, siteId, direction, name: name as DownName };
  return null;
}

/**
 * Whether `topic` lies inside the subtree `prefix/` (no wildcards in `topic`). Used by the
 * embedded broker's ACL, for publishes and for subscription filters alike.
 */
export function topicWithin(topic: string, prefix: string): boolean {
  if (topic.includes("+") || topic.includes("#")) {
    // A filter: allowed only when every topic it can match is inside the prefix.
    const filterParts = topic.split("/");
    const prefixParts = prefix.split("/");
    if (filterParts.length < prefixParts.length) return false;
    return prefixParts.every((part, i) => filterParts[i] === part);
  }
  return topic.startsWith(`${prefix}/`);
}
