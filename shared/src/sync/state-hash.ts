import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level: equal values give equal text on both sides. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export interface HashableEntry {
  kind: string;
  key: string;
  data: unknown;
}

/**
 * The hash of a site's desired state, the same whether computed by the cloud from its tables or
 * by the agent from its store: SHA-256 over the entries sorted by (kind, key).
 */
export function stateHash(entries: Iterable<HashableEntry>): string {
  const sorted = [...entries].sort((a, b) =>
    a.kind === b.kind ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.kind < b.kind ? -1 : 1,
  );
  const hash = createHash("sha256");
  for (const e of sorted) hash.update(`${e.kind}\t${e.key}\t${canonicalJson(e.data)}\n`);
  return hash.digest("hex");
}
