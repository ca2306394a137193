import type { Database, DbContext } from "../../control-plane/src/db/database.ts";
import { rowsOf } from "../../control-plane/src/db/rows.ts";
import { type TableTenancy, tenancyCatalogQuery } from "../../control-plane/src/db/tenancy-guard.ts";
import type { TestOwner } from "./database.ts";
import {
  ident,
  insertStatement,
  literal,
  type Row,
  type TenantFixture,
  tenantFixtures,
  userFixture,
} from "./tenant-fixtures.ts";

// The cross-tenant fuzz, in the database: for every tenant table in the catalog, tenant A
// tries to read, change, move, insert and delete tenant B's rows, and the contexts outside a
// tenant try the same; only the declared widening policies may show more, and only reads.
// Tables come from the catalog, so a new tenant table is covered once it has a fixture, and
// fails the fuzz until it does.

export interface FuzzOptions {
  /** The application's Database (the restricted role): the attacks run through it. */
  database: Database;
  /** Seeds and compares as the owner, bypassing row-level security. */
  owner: TestOwner;
  schema?: string;
  fixtures?: Record<string, TenantFixture>;
}

type WideningContext = "user" | "platform";

/** A policy that shows rows outside `withTenant` on purpose; `rows` says which (SQL, owner side). */
interface Widening {
  context: WideningContext;
  rows: (userId: string) => string;
}

/**
 * Every permissive policy besides `tenant_isolation` (control-plane/src/tenants/tenants.tables.ts):
 * the tenant picker (a person's own memberships and their tenants) and the platform overview.
 * An undeclared one fails the fuzz: it might widen on a setting the fuzz never sets. `rows`
 * is evaluated by the owner, in the public schema, to know exactly which rows may show.
 */
export const WIDENING_POLICIES: Record<string, Record<string, Widening>> = {
  tenants: {
    member_read: {
      context: "user",
      rows: (userId) => `id in (select m.tenant_id from memberships m where m.user_id = ${literal(userId)})`,
    },
    platform_read: { context: "platform", rows: () => "true" },
  },
  memberships: {
    own_memberships: { context: "user", rows: (userId) => `user_id = ${literal(userId)}` },
    platform_read: { context: "platform", rows: () => "true" },
  },
};

interface TenantTable {
  table: string;
  /** The column naming the owning tenant: `tenant_id`, or `id` for `tenants` itself. */
  column: string;
  /** Schema-qualified, quoted. */
  name: string;
  /** The tenant column alone is unique (tenants.id): a second row for A cannot exist. */
  columnUnique: boolean;
}

interface Party {
  label: "A" | "B";
  tenantId: string;
  userId: string;
  seeded: Record<string, Row>;
}

export async function fuzzTenantIsolation(opts: FuzzOptions): Promise<string[]> {
  const { database, owner } = opts;
  const schema = opts.schema ?? "public";
  const fixtures = opts.fixtures ?? tenantFixtures;
  const { tables, violations } = await readCatalog(database, owner, schema);
  const covered: TenantTable[] = [];
  for (const t of tables) {
    if (fixtures[t.table]) covered.push(t);
    else violations.push(`${t.table}: tenant table without a fixture in tests/support/tenant-fixtures.ts`);
  }
  for (const name of Object.keys(fixtures)) {
    if (!tables.some((t) => t.table === name)) violations.push(`${name}: a fixture for no tenant table of ${schema}`);
  }
  const party = (label: Party["label"]): Party => ({
    label,
    tenantId: crypto.randomUUID(),
    userId: crypto.randomUUID(),
    seeded: {},
  });
  const a = party("A");
  const b = party("B");
  // Inserted for A and B in the attacks; a person with no membership yet (memberships' key).
  const spareUser = crypto.randomUUID();
  const fixture = (t: TenantTable, p: Party, userId = p.userId) =>
    (fixtures[t.table] as TenantFixture)({ tenantId: p.tenantId, userId, seeded: p.seeded });
  const fuzz: Fuzz = { database, owner, schema, a, b, insertFor: (t, p) => fixture(t, p, spareUser) };

  try {
    for (const id of [a.userId, b.userId, spareUser])
      await owner.query(insertStatement(schema, "users", userFixture(id)));
    for (const t of covered) {
      for (const p of [a, b]) {
        const row = fixture(t, p);
        await owner.query(insertStatement(schema, t.table, row)).catch((error: Error) => {
          throw new Error(`tenant-fixtures: the ${t.table} fixture does not fit the table: ${error.message}`);
        });
        p.seeded[t.table] = Array.isArray(row) ? (row[0] as Row) : row;
      }
    }
    const before = await snapshots(fuzz, covered);
    // Reads first: the writes commit, so a hole there would change what the reads see.
    for (const t of covered) violations.push(...(await readAttempts(fuzz, t)));
    for (const t of covered) violations.push(...(await writeAttempts(fuzz, t)));
    const after = await snapshots(fuzz, covered);
    for (const t of covered) {
      for (const p of [a, b]) {
        const key = `${t.table}/${p.label}`;
        if (before.get(key) !== after.get(key)) violations.push(`${t.table}: tenant ${p.label}'s rows changed`);
      }
    }
  } finally {
    await cleanUp(fuzz, covered, [a.userId, b.userId, spareUser]);
  }
  return violations;
}

interface Fuzz {
  database: Database;
  owner: TestOwner;
  schema: string;
  a: Party;
  b: Party;
  /** A fresh row of `t` for party `p`, one that does not collide with the seeded ones. */
  insertFor: (t: TenantTable, p: Party) => Row | Row[];
}

/** The tenant tables (tenant_id, or `tenants` itself) and what is wrong with their policies. */
async function readCatalog(database: Database, owner: TestOwner, schema: string) {
  const catalog = await database.withoutTenant(async (tx) =>
    rowsOf<TableTenancy>(await tx.execute(tenancyCatalogQuery(schema))),
  );
  const inSchema = `relnamespace = ${literal(schema)}::regnamespace`;
  // Restrictive policies only ever narrow what the permissive ones allow: not listed.
  const policies = await owner.query(`select c.relname as "table", p.polname as "name", p.polcmd::text as "cmd"
    from pg_policy p join pg_class c on c.oid = p.polrelid where c.${inSchema} and p.polpermissive order by 1, 2`);
  const parents = await owner.query(`select src.relname as "table", dst.relname as "parent"
    from pg_constraint k join pg_class src on src.oid = k.conrelid join pg_class dst on dst.oid = k.confrelid
    where k.contype = 'f' and src.${inSchema}`);
  const uniques = await owner.query(`select c.relname as "table", a.attname as "column"
    from pg_index i join pg_class c on c.oid = i.indrelid
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
    where i.indisunique and i.indnkeyatts = 1 and i.indpred is null and c.${inSchema}`);

  const tables = new Map<string, TenantTable>();
  for (const { table, hasTenantId } of catalog) {
    if (!hasTenantId && table !== "tenants") continue;
    const column = hasTenantId ? "tenant_id" : "id";
    const columnUnique = uniques.some((u) => u.table === table && u.column === column);
    tables.set(table, { table, column, name: `${ident(schema)}.${ident(table)}`, columnUnique });
  }
  const violations: string[] = [];
  for (const { table, name, cmd } of policies as { table: string; name: string; cmd: string }[]) {
    if (!tables.has(table) || name === "tenant_isolation") continue;
    const declared = WIDENING_POLICIES[table]?.[name];
    if (!declared) {
      violations.push(`${table}: policy ${name} is not known to the fuzz; declare what it shows in WIDENING_POLICIES`);
    } else if (cmd !== "r") {
      violations.push(`${table}: policy ${name} widens ${COMMANDS[cmd] ?? cmd}, but a widening policy may only read`);
    }
  }
  return { tables: parentsFirst([...tables.values()], parents as { table: string; parent: string }[]), violations };
}

const COMMANDS: Record<string, string> = { "*": "all commands", a: "insert", w: "update", d: "delete", r: "select" };

/** Seeding order: a table after the tenant tables its foreign keys point to. */
function parentsFirst(tables: TenantTable[], edges: { table: string; parent: string }[]): TenantTable[] {
  const byName = new Map(tables.map((t) => [t.table, t]));
  const ordered: TenantTable[] = [];
  const visit = (t: TenantTable, path: Set<string>) => {
    if (ordered.includes(t) || path.has(t.table)) return;
    path.add(t.table);
    for (const e of edges) {
      const parent = e.table === t.table && e.parent !== t.table ? byName.get(e.parent) : undefined;
      if (parent) visit(parent, path);
    }
    ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return ordered;
}

type Outcome = { ok: true; rows: number } | { ok: false; refused: boolean; message: string };

class RolledBack extends Error {
  constructor(readonly rows: number) {
    super("rolled back on purpose");
  }
}

/**
 * Rows a write touched, counted without RETURNING: RETURNING (like a WHERE that reads a
 * column) makes PostgreSQL check rows against the SELECT policies too, which would hide a
 * WITH CHECK or an UPDATE/DELETE policy that is too wide from the fuzz but not from the app.
 */
function affectedRows(result: unknown): number {
  if (Array.isArray(result)) return (result as { count?: number }).count ?? result.length; // postgres.js
  return (result as { affectedRows?: number }).affectedRows ?? 0; // PGlite
}

/**
 * One statement in its own transaction, as the application role in `context`. A rolled-back
 * probe defers the constraints first: a where-less delete of A's own rows must be counted, not
 * stopped by A's child rows that still point at them (foreign keys between tenant tables are
 * DEFERRABLE for this; migration 0007), and the deferred checks never run.
 */
async function attempt(database: Database, context: DbContext, text: string, rollback = false): Promise<Outcome> {
  try {
    const rows = await database.withContext(context, async (tx) => {
      if (rollback) await tx.execute("set constraints all deferred");
      const n = affectedRows(await tx.execute(text));
      if (rollback) throw new RolledBack(n);
      return n;
    });
    return { ok: true, rows };
  } catch (error) {
    if (error instanceof RolledBack) return { ok: true, rows: error.rows };
    const cause = ((error as { cause?: unknown }).cause ?? error) as { code?: string; message?: string };
    // 42501 is insufficient_privilege: a row-level security refusal, or a missing grant (audit_log,
    // payments and the ledger are append-only).
    return { ok: false, refused: cause.code === "42501", message: cause.message ?? String(error) };
  }
}

async function readRows(database: Database, context: DbContext, text: string): Promise<Row[] | string> {
  try {
    return await database.withContext(context, async (tx) => rowsOf<Row>(await tx.execute(text)));
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : String(error);
  }
}

async function readAttempts(f: Fuzz, t: TenantTable): Promise<string[]> {
  const { a, b } = f;
  const col = ident(t.column);
  const problems: string[] = [];
  const [own] = await f.owner.query(`select count(*)::int as n from ${t.name} where ${col} = ${literal(a.tenantId)}`);
  const counts = await readRows(
    f.database,
    { tenantId: a.tenantId },
    `select count(*)::int as "all", count(*) filter (where ${col} = ${literal(a.tenantId)})::int as "own",
       count(*) filter (where ${col} = ${literal(b.tenantId)})::int as "b" from ${t.name}`,
  );
  if (typeof counts === "string") return [`${t.table}: as tenant A, select failed: ${counts}`];
  const seen = counts[0] as { all: number; own: number; b: number };
  const expected = own?.n as number;
  if (seen.b > 0) problems.push(`${t.table}: as tenant A, select saw ${seen.b} row(s) of tenant B`);
  if (seen.all - seen.own - seen.b > 0) {
    problems.push(
      `${t.table}: as tenant A, select saw ${seen.all - seen.own - seen.b} row(s) of other tenants or none`,
    );
  }
  if (seen.own !== expected || expected === 0) {
    problems.push(
      `${t.table}: as tenant A, select saw ${seen.own} of its own ${expected} row(s), so it proves nothing`,
    );
  }

  const contexts: { label: string; context: DbContext; widening?: WideningContext }[] = [
    { label: "as tenant A with user A", context: { tenantId: a.tenantId, userId: a.userId }, widening: "user" },
    { label: "without a tenant", context: {} },
    { label: "as user A without a tenant", context: { userId: a.userId }, widening: "user" },
    { label: "on the platform read path", context: { platform: true }, widening: "platform" },
  ];
  for (const c of contexts) {
    // Which tenant rows this context may see, computed by the owner from the declarations.
    const allowed = Object.values(WIDENING_POLICIES[t.table] ?? {})
      .filter((w) => w.context === c.widening)
      .map((w) => `(${w.rows(a.userId)})`);
    if (c.context.tenantId) allowed.push(`${col} = ${literal(c.context.tenantId)}`);
    const rowsText = (where: string) =>
      `select to_jsonb(t)::text as row from ${t.name} t where ${col} is not null and (${where})`;
    const expected = new Set((await f.owner.query(rowsText(allowed.join(" or ") || "false"))).map((r) => r.row));
    const visible = await readRows(f.database, c.context, rowsText("true"));
    if (typeof visible === "string") {
      problems.push(`${t.table}: ${c.label}, select failed: ${visible}`);
      continue;
    }
    const seenRows = new Set(visible.map((r) => r.row));
    const extra = [...seenRows].filter((r) => !expected.has(r));
    const missed = [...expected].filter((r) => !seenRows.has(r));
    if (extra.length > 0) {
      problems.push(`${t.table}: ${c.label}, select saw rows no policy allows: ${byTenant(f, t, extra)}`);
    }
    if (missed.length > 0) problems.push(`${t.table}: ${c.label}, select missed ${missed.length} row(s) it should see`);
  }
  return problems;
}

/** "1 of tenant A, 2 of other tenants": whose rows leaked. */
function byTenant(f: Fuzz, t: TenantTable, rows: unknown[]): string {
  const tenantOf = (r: unknown) => (JSON.parse(String(r)) as Row)[t.column];
  const a = rows.filter((r) => tenantOf(r) === f.a.tenantId).length;
  const b = rows.filter((r) => tenantOf(r) === f.b.tenantId).length;
  const parts: [number, string][] = [
    [a, "of tenant A"],
    [b, "of tenant B"],
    [rows.length - a - b, "of other tenants"], // `rows` holds tenant rows only
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, whose]) => `${n} ${whose}`)
    .join(", ");
}

/** One write and the rows it may touch (`limit`); without a limit it must touch none (be refused). */
interface Attack {
  what: string;
  text: string;
  limit?: number;
  /** Rolled back: a probe whose row count is the finding, so it must not disturb what follows. */
  probe?: boolean;
}

async function writeAttempts(f: Fuzz, t: TenantTable): Promise<string[]> {
  const { a, b } = f;
  const col = ident(t.column);
  const [A, B] = [literal(a.tenantId), literal(b.tenantId)];
  const insert = (p: Party) => insertStatement(f.schema, t.table, f.insertFor(t, p));
  const count = async (where: string) =>
    (await f.owner.query(`select count(*)::int as n from ${t.name} where ${where}`))[0]?.n as number;
  const problems: string[] = [];
  const run = async (label: string, context: DbContext, attack: Attack) => {
    const outcome = await attempt(f.database, context, attack.text, attack.probe);
    const line = !outcome.ok
      ? !outcome.refused && `${attack.what} failed, but not on row-level security: ${outcome.message}`
      : attack.limit === undefined
        ? outcome.rows > 0 && `${attack.what} was accepted (${outcome.rows} row(s))`
        : outcome.rows > attack.limit && `${attack.what} touched ${outcome.rows - attack.limit} row(s) it may not`;
    if (line) problems.push(`${t.table}: ${label}, ${line}`);
  };

  // Not vacuous: A can write its own rows (rolled back). Where the tenant column alone is
  // unique (tenants.id) a second row cannot exist, so A rewrites its own row instead.
  const asA = { tenantId: a.tenantId };
  const mine = t.columnUnique
    ? { what: "update of its own row", text: `update ${t.name} set ${col} = ${A} where ${col} = ${A}` }
    : { what: "insert of its own row", text: insert(a) };
  const wrote = await attempt(f.database, asA, mine.text, true);
  if (!wrote.ok)
    problems.push(`${t.table}: as tenant A, ${mine.what} was refused (${wrote.message}), so it proves nothing`);
  else if (wrote.rows === 0) problems.push(`${t.table}: as tenant A, ${mine.what} found no row, so it proves nothing`);

  // The where-less forms matter: a WHERE that reads a column makes PostgreSQL apply the SELECT
  // policies too, which would hide an UPDATE or DELETE policy, or a WITH CHECK, that is too wide.
  // They set a constant (not `col = col`) for the same reason. Probes run first, on the seed.
  const own = await count(`${col} = ${A}`);
  const asTenantA: Attack[] = [
    { what: "update without a where clause", text: `update ${t.name} set ${col} = ${A}`, limit: own, probe: true },
    { what: "delete without a where clause", text: `delete from ${t.name}`, limit: own, probe: true },
    { what: "update of tenant B's rows", text: `update ${t.name} set ${col} = ${col} where ${col} = ${B}`, limit: 0 },
    { what: "move of its rows to tenant B", text: `update ${t.name} set ${col} = ${B}` },
    { what: "insert of a row for tenant B", text: insert(b) },
    { what: "delete of tenant B's rows", text: `delete from ${t.name} where ${col} = ${B}`, limit: 0 },
  ];
  for (const attack of asTenantA) await run("as tenant A", asA, attack);

  const outside: [string, DbContext][] = [
    ["without a tenant", {}],
    ["as user A without a tenant", { userId: a.userId }],
    ["on the platform read path", { platform: true }],
  ];
  // Rows of no tenant (audit_log, notification_outbox) are theirs to touch outside a tenant.
  const global = await count(`${col} is null`);
  const both = `${col} in (${A}, ${B})`;
  for (const [label, context] of outside) {
    // Insert first: should it be accepted, the others have a row to find.
    const attacks: Attack[] = [
      { what: "insert of a row for tenant A", text: insert(a) },
      { what: "update without a where clause", text: `update ${t.name} set ${col} = ${A}`, limit: 0, probe: true },
      { what: "delete without a where clause", text: `delete from ${t.name}`, limit: global, probe: true },
      { what: "update of tenant rows", text: `update ${t.name} set ${col} = ${col} where ${both}`, limit: 0 },
      { what: "delete of tenant rows", text: `delete from ${t.name} where ${both}`, limit: 0 },
    ];
    for (const attack of attacks) await run(label, context, attack);
  }
  return problems;
}

/** Each tenant's rows of each table, as text, for the before/after comparison. */
async function snapshots(f: Fuzz, tables: TenantTable[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const t of tables) {
    for (const p of [f.a, f.b]) {
      const [row] =
        await f.owner.query(`select coalesce(string_agg(to_jsonb(t)::text, chr(10) order by to_jsonb(t)::text), '') as rows
        from ${t.name} t where ${ident(t.column)} = ${literal(p.tenantId)}`);
      result.set(`${t.table}/${p.label}`, String(row?.rows));
    }
  }
  return result;
}

async function cleanUp(f: Fuzz, tables: TenantTable[], users: string[]): Promise<void> {
  const tenants = `(${literal(f.a.tenantId)}, ${literal(f.b.tenantId)})`;
  for (const t of [...tables].reverse())
    await f.owner.query(`delete from ${t.name} where ${ident(t.column)} in ${tenants}`);
  await f.owner.query(`delete from ${ident(f.schema)}."users" where id in (${users.map(literal).join(", ")})`);
}
