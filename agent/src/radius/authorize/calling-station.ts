// Routers spell the same MAC as AA:BB:CC:DD:EE:FF, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff, and the
// cloud may store yet another spelling: compare them as 12 lower-case hex digits.
const SEPARATORS = /[:\-.\s]/g;
const MAC = /^[0-9a-f]{12}$/;

/** The Calling-Station-Id in one spelling: a MAC as 12 hex digits, anything else trimmed and lower-cased. */
export function normalizeStation(id: string): string {
  const lower = id.trim().toLowerCase();
  const bare = lower.replace(SEPARATORS, "");
  return MAC.test(bare) ? bare : lower;
}

/** Two stations are the same device only when both are known and equal; an absent one matches nothing. */
export function sameStation(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  const na = normalizeStation(a);
  return na !== "" && na === normalizeStation(b);
}
