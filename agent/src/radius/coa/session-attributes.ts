import { isIPv4, isIPv6 } from "node:net";
import type { AttributeInput } from "../packet/index.ts";

/** Which session a CoA or Disconnect request is about, as the NAS's accounting named it. */
export interface SessionIdentity {
  userName: string | null;
  /** Acct-Session-Id. */
  sessionId: string | null;
  framedIp: string | null;
  /** The NAS's own address as it sent it in NAS-IP-Address (or NAS-IPv6-Address). */
  nasIp: string | null;
}

/**
 * RFC 5176 §3: the session identification attributes (User-Name, Acct-Session-Id,
 * Framed-IP-Address) and the NAS identification (NAS-IP-Address). RouterOS matches on what it
 * gets, so we send all we know; null when nothing identifies a session (a request that would
 * hit whatever the NAS picks, or nothing).
 */
export function sessionAttributes(session: SessionIdentity): AttributeInput[] | null {
  const out: AttributeInput[] = [];
  if (session.userName) out.push(["User-Name", session.userName]);
  if (session.sessionId) out.push(["Acct-Session-Id", session.sessionId]);
  if (session.framedIp && isIPv4(session.framedIp)) out.push(["Framed-IP-Address", session.framedIp]);
  if (session.framedIp && isIPv6(session.framedIp)) out.push(["Framed-IPv6-Address", session.framedIp]);
  if (out.length === 0) return null;
  if (session.nasIp && isIPv4(session.nasIp)) out.push(["NAS-IP-Address", session.nasIp]);
  if (session.nasIp && isIPv6(session.nasIp)) out.push(["NAS-IPv6-Address", session.nasIp]);
  return out;
}
