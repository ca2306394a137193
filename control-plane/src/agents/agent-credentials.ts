import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// An agent's MQTT identity (DESIGN §6): username `<tenantId>.<agentId>`, so the broker's
// authentication can look the agent up inside its tenant (row-level security applies), and a
// password of 32 random bytes, of which only the SHA-256 is kept: with that much entropy a
// slow hash adds nothing, and reconnect storms after an outage stay cheap.

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const USERNAME = new RegExp(`^(${UUID})\\.(${UUID})$`);

export function agentUsername(tenantId: string, agentId: string): string {
  return `${tenantId}.${agentId}`;
}

export function parseAgentUsername(username: string): { tenantId: string; agentId: string } | null {
  const m = USERNAME.exec(username);
  return m ? { tenantId: m[1] as string, agentId: m[2] as string } : null;
}

export function newAgentPassword(): string {
  return randomBytes(32).toString("base64url");
}

export function secretHash(secret: string | Buffer): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Compares a presented secret with a stored SHA-256 in constant time. */
export function secretMatches(presented: string | Buffer, storedHash: string): boolean {
  const a = Buffer.from(secretHash(presented), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
