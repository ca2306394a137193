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

/** One row, or rows that are only valid together (a ledger transaction's balanced entries). */
export type TenantFixture = (ids: FixtureIds) => Row | Row[];

// Every call gives fresh values for unique columns: the fuzz also inserts a second row for a
// tenant, which must fail or succeed on row-level security, not on a duplicate key.
const fresh = () => crypto.randomUUID();
const short = () => fresh().replaceAll("-", "").slice(0, 12);
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
// For unique keys that are numbers: an invoice's (year, seq) and period, a counter's year.
let serial = 0;
const next = () => ++serial;
const period = (n: number) => `${2000 + (Math.floor(n / 12) % 8000)}-${String((n % 12) + 1).padStart(2, "0")}`;
const seeded = (ids: FixtureIds, table: string) => {
  const row = ids.seeded[table];
  if (!row) throw new Error(`tenant-fixtures: ${table} must be seeded first (a foreign key points at it)`);
  return row;
};

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
  sites: ({ tenantId }) => ({ tenant_id: tenantId, id: fresh(), name: `Site ${short()}` }),
  site_changes: (ids) => ({
    tenant_id: ids.tenantId,
    site_id: seeded(ids, "sites").id,
    kind: "subscriber",
    op: "upsert",
    entity_id: fresh(),
    payload: { seeded: true },
  }),
  site_events: (ids) => ({ tenant_id: ids.tenantId, site_id: seeded(ids, "sites").id, kind: "agent.online" }),
  site_agents: (ids) => ({
    tenant_id: ids.tenantId,
    id: fresh(),
    site_id: seeded(ids, "sites").id,
    secret_hash: "fuzz",
    enrolled_at: inAnHour(),
    credentials_rotated_at: inAnHour(),
    // Revoked, so that a second row for the same site passes the one-active-agent index.
    revoked_at: inAnHour(),
  }),
  agent_enrollment_tokens: (ids) => ({
    tenant_id: ids.tenantId,
    id: fresh(),
    site_id: seeded(ids, "sites").id,
    secret_hash: "fuzz",
    expires_at: inAnHour(),
  }),
  journal_records: (ids) => ({
    tenant_id: ids.tenantId,
    agent_id: seeded(ids, "site_agents").id,
    seq: next(),
    site_id: seeded(ids, "sites").id,
    kind: "agent.event",
    recorded_at: inAnHour(),
    data: { seeded: true },
  }),
  site_commands: (ids) => ({
    tenant_id: ids.tenantId,
    id: fresh(),
    site_id: seeded(ids, "sites").id,
    name: "diagnostics",
    not_after: inAnHour(),
  }),
  nas_devices: (ids) => ({
    tenant_id: ids.tenantId,
    id: fresh(),
    site_id: seeded(ids, "sites").id,
    name: `Router ${short()}`,
    address: `10.${next() % 250}.${next() % 250}.${(next() % 250) + 1}`,
    secret_sealed: "v1.fuzz.fuzz.fuzz",
  }),
  radius_accounting: (ids) => ({
    tenant_id: ids.tenantId,
    site_id: seeded(ids, "sites").id,
    unique_id: fresh().replaceAll("-", "").padEnd(64, "0"),
    agent_id: seeded(ids, "site_agents").id,
    seq: next(),
    status_type: "Start",
    input_octets: 0,
    output_octets: 0,
    event_at: inAnHour(),
    data: { seeded: true },
  }),
  radius_sessions: (ids) => ({
    tenant_id: ids.tenantId,
    site_id: seeded(ids, "sites").id,
    nas_id: fresh(),
    acct_session_id: short(),
    started_at: inAnHour(),
    last_update_at: inAnHour(),
  }),
  enforcement_events: (ids) => ({
    tenant_id: ids.tenantId,
    site_id: seeded(ids, "sites").id,
    subscription_id: fresh(),
    revision: next(),
    reason: "isolated",
    action: "disconnect",
    outcome: "ack",
    requested_at: inAnHour(),
    completed_at: inAnHour(),
  }),
  billing_settings: ({ tenantId }) => ({ tenant_id: tenantId }),
  tenant_data_keys: ({ tenantId }) => ({ tenant_id: tenantId, wrapped_key: "v1.fuzz.fuzz.fuzz" }),
  plans: ({ tenantId }) => ({
    tenant_id: tenantId,
    id: fresh(),
    name: `Plan ${short()}`,
    type: "pppoe",
    price: 150_000,
    cycle: "monthly",
    download_kbps: 10_240,
    upload_kbps: 5_120,
  }),
  customers: ({ tenantId }) => ({
    tenant_id: tenantId,
    id: fresh(),
    name: "Fuzz Customer",
    phone_e164: "+6281234567890",
  }),
  customer_search_terms: (ids) => ({
    tenant_id: ids.tenantId,
    customer_id: seeded(ids, "customers").id,
    term: `fuzz${short()}`,
  }),
  subscriptions: (ids) => ({
    tenant_id: ids.tenantId,
    id: fresh(),
    customer_id: seeded(ids, "customers").id,
    plan_id: seeded(ids, "plans").id,
    site_id: seeded(ids, "sites").id,
    access: "pppoe",
    pppoe_username: `fuzz-${short()}`,
    pppoe_password_sealed: "sealed",
    billing_day: 1,
  }),
  invoice_counters: ({ tenantId }) => ({ tenant_id: tenantId, year: 2000 + (next() % 8000), last_seq: 0 }),
  invoices: (ids) => {
    const n = next();
    return {
      tenant_id: ids.tenantId,
      id: fresh(),
      number: `INV/2026/${short()}`,
      year: 2026,
      seq: n,
      subscription_id: seeded(ids, "subscriptions").id,
      customer_id: seeded(ids, "customers").id,
      period: period(n),
      issued_on: "2026-01-01",
      due_on: "2026-01-08",
      currency: "IDR",
      subtotal: 100_000,
      tax: 11_000,
      total: 111_000,
    };
  },
  invoice_lines: (ids) => ({
    tenant_id: ids.tenantId,
    invoice_id: seeded(ids, "invoices").id,
    position: (next() % 30_000) + 1,
    kind: "plan",
    description: "Fuzz plan",
    unit_price: 100_000,
    tax_rate_bp: 1100,
    tax_inclusive: false,
    net: 100_000,
    tax: 11_000,
    gross: 111_000,
  }),
  invoice_reminders: (ids) => ({
    tenant_id: ids.tenantId,
    invoice_id: seeded(ids, "invoices").id,
    offset_days: (next() % 121) - 30,
    sent_on: "2026-01-05",
  }),
  payments: (ids) => ({
    tenant_id: ids.tenantId,
    id: fresh(),
    customer_id: seeded(ids, "customers").id,
    method: "cash",
    amount: 50_000,
    received_at: new Date().toISOString(),
    collector_user_id: ids.userId,
  }),
  ledger_transactions: (ids) => ({
    tenant_id: ids.tenantId,
    id: fresh(),
    kind: "payment",
    occurred_at: new Date().toISOString(),
    created_by: ids.userId,
    payment_id: seeded(ids, "payments").id,
  }),
  // Balanced only together: one entry alone fails the sum-zero check when it commits.
  ledger_entries: (ids) => {
    const transaction = { tenant_id: ids.tenantId, transaction_id: seeded(ids, "ledger_transactions").id };
    return [
      { ...transaction, account: "cash", amount: 50_000 },
      { ...transaction, account: "receivable", customer_id: seeded(ids, "customers").id, amount: -50_000 },
    ];
  },
  voucher_batches: (ids) => ({
    tenant_id: ids.tenantId,
    id: fresh(),
    plan_id: seeded(ids, "plans").id,
    count: 1,
    prefix: "FZ",
    code_length: 12,
    price: 5_000,
    validity_hours: 24,
    created_by: ids.userId,
  }),
  vouchers: (ids) => ({
    tenant_id: ids.tenantId,
    id: fresh(),
    batch_id: seeded(ids, "voucher_batches").id,
    code: `FZ${short().toUpperCase()}`,
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

/** `insert into schema.table (…) values (…), …` for a fixture's rows, in one statement. */
export function insertStatement(schema: string, table: string, rows: Row | Row[]): string {
  const list = Array.isArray(rows) ? rows : [rows];
  const columns = [...new Set(list.flatMap((row) => Object.keys(row)))];
  const values = list.map((row) => `(${columns.map((c) => (c in row ? literal(row[c]) : "default")).join(", ")})`);
  return `insert into ${ident(schema)}.${ident(table)} (${columns.map(ident).join(", ")})
    values ${values.join(", ")}`;
}
