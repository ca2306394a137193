import { isIPv4, isIPv6 } from "node:net";

const DOTTED_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const HEX_MAPPED = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * One spelling per address, so the NAS table's key (as the cloud wrote it) and a datagram's
 * source (as the socket reports it) meet: a dual-stack socket reports IPv4 peers as
 * `::ffff:a.b.c.d`, and IPv6 has many spellings of one address. A zone (`%eth0`) is dropped:
 * the cloud does not know the site's interface names. Null: not an IP address.
 */
export function normalizeAddress(text: string): string | null {
  const bare = text.trim().replace(/%[^%]*$/, "");
  const dotted = DOTTED_MAPPED.exec(bare);
  if (dotted) return isIPv4(dotted[1] as string) ? (dotted[1] as string) : null;
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return null;
  // The URL parser prints the RFC 5952 form (lower case, longest zero run compressed).
  const canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  const hex = HEX_MAPPED.exec(canonical);
  if (!hex) return canonical;
  const hi = Number.parseInt(hex[1] as string, 16);
  const lo = Number.parseInt(hex[2] as string, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}
