// One valid row per tenant table, for the cross-tenant fuzz (tenant-fuzz.ts). The fuzz reads
// the tenant tables from the catalog and fails for any table missing here, so a new tenant
// table is not covered until it has a fixture. Column names are SQL's (snake_case). Rows are
// seeded as the owner: bypassing row-level security is the point of a fixture.

export type Row = Record<string, unknown>;

export interface FixtureIds {
  tenantId: string;
  /** A global `users` row (seeded first) to reference, e.g. as the member. */
  userId: string;
  /** This tenant's rows seeded so far, by table (parents first), for foreign keys between tenant tables. */
  seeded: Record<string, Row>;
}

export type TenantFixture = (ids: FixtureIds) => Row;

// Every call gives fresh values for unique columns: the fuzz also inserts a second row for a
// tenant, which must fail or succeed on row-level security, not on a duplicate key.
const fresh = () => crypto.randomUUID();
const short = () => fresh().replaceAll("-", "").slice(0, 12);
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

export const tenantFixtures: Record<string, TenantFixture> = {
  tenants: ({ tenantId }) => ({ id: tenantId, slug: `fuzz-${short()}`, name: "Fuzz ISP" }),
  memberships: ({ tenantId, userId }) => ({ tenant_id: tenantId, user_id: userId, role: "owner" }),
  invitations: ({ tenantId, userId }) => ({
    tenant_id: tenantId,
    id: fresh(),
    email: `invitee-${short()}@example.test`,
    role: "viewer",
    secret_hash: "fuzz",
    invited_by: userId,
    expires_at: inAnHour(),
  }),
  audit_log: ({ tenantId, userId }) => ({
    tenant_id: tenantId,
    actor_user_id: userId,
    action: "fuzz.seed",
    entity_type: "fuzz",
  }),
  notification_outbox: ({ tenantId }) => ({
    id: fresh(),
    tenant_id: tenantId,
    channel: "log",
    recipient: "fuzz@example.test",
    template: "fuzz",
    params: { seeded: true },
  }),
};

/** A global person, referenced by the tenant rows (memberships need one). */
export function userFixture(id: string): Row {
  return { id, email: `fuzz-${id}@example.test`, name: "Fuzz Person", password_hash: "$argon2id$fuzz" };
}

/** A quoted identifier: table and column names come from the catalog and from fixtures. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A quoted literal, as PostgreSQL's quote_literal; the column's type gives it meaning. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return "null";
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value as string | number | bigint | boolean);
  if (text.includes("\0")) throw new TypeError("literal: PostgreSQL text cannot hold NUL");
  const quoted = `'${text.replaceAll("'", "''").replaceAll("\\", "\\\\")}'`;
  // E'' reads the doubled backslashes whatever standard_conforming_strings says.
  return text.includes("\\") ? `E${quoted}` : quoted;
}

/** `insert into schema.table (…) values (…)` for one fixture row. */
export function insertStatement(schema: string, table: string, row: Row): string {
  const columns = Object.keys(row);
  return `insert into ${ident(schema)}.${ident(table)} (${columns.map(ident).join(", ")})
    values (${columns.map((c) => literal(row[c])).join(", ")})`;
}
