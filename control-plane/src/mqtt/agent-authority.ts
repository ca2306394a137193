import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Who an agent is, as its credentials prove: the broker confines it to this site's subtree. */
export interface AgentIdentity {
  tenantId: string;
  siteId: string;
  agentId: string;
}

/** How a broker learns whether an agent may connect (the control plane's database answers). */
export interface AgentAuthority {
  /** null when unknown, revoked or wrong password (compare in constant time on the caller side of the hash). */
  authenticate(username: string, password: Buffer): Promise<AgentIdentity | null>;
}

/** The control plane's own identity on the embedded broker: it may publish and subscribe anywhere. */
export const CONTROL_PLANE_MQTT_USERNAME = "kilusi-control-plane";

/**
 * Derived from the master key rather than stored, so every replica and every restart agree on it
 * without a new secret to keep; the purpose string keeps it unrelated to the key's other uses.
 */
export function controlPlaneMqttPassword(masterKey: Buffer): string {
  return createHmac("sha256", masterKey).update("mqtt:control-plane").digest("base64url");
}

/** Constant-time comparison of two secrets of any length (both are hashed to equal lengths first). */
export function secretsEqual(a: string | Buffer, b: string | Buffer): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db);
}
