import type { Context } from "hono";
import { getConnInfo } from "hono/bun";

/**
 * The address that counts for rate limits and the audit log: the peer's, unless the peer is a
 * trusted proxy, in which case the right-most X-Forwarded-For entry that is not itself a
 * trusted proxy (entries further left are whatever the client claimed).
 */
export function clientIp(c: Context, trustedProxies: readonly string[]): string {
  let peer = "unknown";
  try {
    peer = getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // app.request() in tests has no socket.
  }
  if (!trustedProxies.includes(peer)) return peer;
  const chain = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i] as string;
    if (!trustedProxies.includes(hop)) return hop;
  }
  return peer;
}
