import { isIP } from "node:net";
import { sql } from "drizzle-orm";

// The journal records' schemas (shared/src/sync/radius-records.ts) accept what the agent may
// send; PostgreSQL is stricter about some of it (a uuid column, inet, macaddr, timestamps past
// year 9999, int4). A value it would refuse must never reach the statement: one bad record would
// fail the whole batch, and the agent would resend it forever. These say, before the SQL, what
// PostgreSQL will take.

const INT4_MAX = 2_147_483_647;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A uuid in the form PostgreSQL prints it (lower case), or null. */
export function uuidOrNull(value: string | null): string | null {
  return value !== null && UUID.test(value) ? value.toLowerCase() : null;
}

/** An IPv4 or IPv6 address without a zone (inet refuses `fe80::1%eth0`), or null. */
export function inetOrNull(value: string | null): string | null {
  return value !== null && !value.includes("%") && isIP(value) !== 0 ? value : null;
}

const MAC =
  /^(?:[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}|[0-9a-f]{12}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4})$/i;

/** A MAC address in a notation macaddr reads (`aa:bb:…`, `aa-bb-…`, `aabb.ccdd.eeff`, bare hex), or null. */
export function macOrNull(value: string | null): string | null {
  return value !== null && MAC.test(value) ? value.toLowerCase() : null;
}

/** An instant as UTC ISO text PostgreSQL takes (years 1–9999, any offset folded), or null. */
export function instantOrNull(value: string): string | null {
  const at = new Date(value);
  const year = at.getUTCFullYear();
  return Number.isFinite(at.getTime()) && year >= 1 && year <= 9999 ? at.toISOString() : null;
}

/** A count for an int4 column: a session time past 68 years is the NAS's nonsense, capped. */
export const int4 = (n: number): number => Math.min(n, INT4_MAX);

/** A nullable int4 that does not fit is unknown rather than wrong. */
export const int4OrNull = (n: number | null): number | null => (n === null || Math.abs(n) > INT4_MAX ? null : n);

/**
 * Rows sent as one JSON parameter, read with json_to_recordset: about twice as fast as the
 * jsonb variant for a batch (jsonb is built first, then each field converted again).
 */
export const jsonRows = (value: unknown) => sql`json_to_recordset(${JSON.stringify(value)}::json)`;
