import { randomBytes } from "node:crypto";

// Pure rules of a router (NAS): its generated secret, the overlap a rotation leaves, and the
// RouterOS lines that point the router at its site's agent.

/** 24 random bytes (192 bits), the floor the issue sets for a RADIUS shared secret. */
export const NAS_SECRET_BYTES = 24;

/**
 * A new shared secret: base64url, so its 32 characters (A–Z a–z 0–9 - _) need no quoting or
 * escaping in RouterOS (no quote, backslash, `$`, `?` or space) and survive copy and paste.
 */
export function generateNasSecret(): string {
  return randomBytes(NAS_SECRET_BYTES).toString("base64url");
}

/** How long a rotated-out secret is still accepted, for re-configuring the router meanwhile. */
export const OVERLAPS = { "1h": 3_600_000, "24h": 86_400_000, "7d": 604_800_000 } as const;
export type Overlap = keyof typeof OVERLAPS;
export const DEFAULT_OVERLAP: Overlap = "24h";

/** MikroTik's default `/radius incoming` port, where CoA and Disconnect requests go. */
export const DEFAULT_COA_PORT = 1700;

/** How often the router reports usage; the agent closes a session silent for three of these. */
export const INTERIM_UPDATE = "5m";

/** What the page shows where the agent's address goes: the site has no column for it. */
export const AGENT_IP_PLACEHOLDER = "<agent-ip>";
/** What the page shows where the secret goes until someone asks to see it. */
export const SECRET_PLACEHOLDER = "<secret>";

export interface RouterOsInput {
  /** The router's own address, the source of its RADIUS requests. */
  address: string;
  coaPort: number;
  requireMessageAuthenticator: boolean;
  /** The secret in clear, or null to show the placeholder. */
  secret: string | null;
}

/**
 * The RouterOS v7 lines to paste into the router's terminal. `require-message-auth` is the
 * router's own BlastRADIUS check of our replies (they always carry Message-Authenticator first);
 * when the agent does not require it of the router either, the router is taken to be one from
 * before RouterOS 7.15, which does not know the parameter, so the line leaves it out.
 */
export function routerOsLines(input: RouterOsInput): string[] {
  const radius = [
    "/radius add service=ppp,hotspot",
    `address=${AGENT_IP_PLACEHOLDER}`,
    `secret="${input.secret ?? SECRET_PLACEHOLDER}"`,
    "authentication-port=1812 accounting-port=1813 timeout=3s",
    ...(input.requireMessageAuthenticator ? ["require-message-auth=yes-for-request-resp"] : []),
    `src-address=${input.address}`,
  ];
  return [
    radius.join(" "),
    `/radius incoming set accept=yes port=${input.coaPort}`,
    `/ppp aaa set use-radius=yes accounting=yes interim-update=${INTERIM_UPDATE}`,
    `/ip hotspot profile set [find] use-radius=yes radius-accounting=yes radius-interim-update=${INTERIM_UPDATE}`,
  ];
}

export type OverlapState = "none" | "running" | "ended";

/** Whether the previous secret is still accepted at `now`. */
export function overlapState(validUntil: Date | null, now: Date): OverlapState {
  if (!validUntil) return "none";
  return validUntil.getTime() > now.getTime() ? "running" : "ended";
}
