import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";

// biome-ignore lint/suspicious/noExplicitAny: the owner connection is used untyped, for DDL only.
export type OwnerConnection = PgDatabase<PgQueryResultHKT, any>;

export const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));

/**
 * Applies the committed drizzle-kit migrations. Several replicas may start at once: a
 * session advisory lock makes them take turns, and the later ones find nothing to do.
 */
export async function applyMigrations(owner: OwnerConnection, driver: "postgres" | "pglite"): Promise<void> {
  await owner.execute(sql`select pg_advisory_lock(hashtext('kilusi:migrations'))`);
  try {
    if (driver === "pglite") await migratePglite(owner as never, { migrationsFolder });
    else await migratePostgres(owner as never, { migrationsFolder });
  } finally {
    await owner.execute(sql`select pg_advisory_unlock(hashtext('kilusi:migrations'))`);
  }
}

/** The application role's password when the control plane provisions the role itself. */
export function appRolePassword(masterKey: Buffer): string {
  return createHmac("sha256", masterKey).update("kilusi/database/app-role/v1").digest("base64url");
}

/**
 * Makes sure the application role exists (when `password` is given: create or update it as a
 * login role) and may read and write the tables, and nothing more: no ownership, no
 * BYPASSRLS, no superuser. Idempotent; runs at every start after the migrations, under the
 * migrations' advisory lock (two processes granting on the same tables at once fail with
 * "tuple concurrently updated") and in one transaction (seen with two `run-billing` starting
 * together).
 */
export async function provisionAppRole(owner: OwnerConnection, role: string, password: string | undefined) {
  await owner.execute(sql`select pg_advisory_lock(hashtext('kilusi:migrations'))`);
  try {
    // One transaction: a process already running as the role never sees the moment between a
    // table-level revoke and the column grants that follow it ("permission denied" mid-run).
    await owner.execute(sql`begin`);
    try {
      await grantAppRole(owner, role, password);
      await owner.execute(sql`commit`);
    } catch (error) {
      await owner.execute(sql`rollback`);
      throw error;
    }
  } finally {
    await owner.execute(sql`select pg_advisory_unlock(hashtext('kilusi:migrations'))`);
  }
}

async function grantAppRole(owner: OwnerConnection, role: string, password: string | undefined) {
  const ident = sql.identifier(role);
  if (password !== undefined) {
    await owner.execute(
      sql.raw(`do $$ begin
      create role ${role} login nosuperuser nobypassrls nocreatedb nocreaterole noinherit;
    exception when duplicate_object then null; end $$`),
    );
    await owner.execute(
      sql`alter role ${ident} with login nosuperuser nobypassrls password ${sql.raw(quoteLiteral(password))}`,
    );
  } else {
    await owner.execute(
      sql.raw(`do $$ begin
      create role ${role} nologin nosuperuser nobypassrls nocreatedb nocreaterole noinherit;
    exception when duplicate_object then null; end $$`),
    );
  }
  await owner.execute(sql`grant usage on schema public to ${ident}`);
  await owner.execute(sql`grant select, insert, update, delete on all tables in schema public to ${ident}`);
  await owner.execute(sql`grant usage, select on all sequences in schema public to ${ident}`);
  // Re-run at every start, after the blanket grant above: a table-level revoke also takes the
  // column grants away, so the columns are granted again after it.
  for (const table of [...APPEND_ONLY_TABLES, ...Object.keys(UPDATABLE_COLUMNS_ONLY)]) {
    await owner.execute(sql`revoke update, delete, truncate on ${sql.identifier(table)} from ${ident}`);
  }
  for (const [table, columns] of Object.entries(UPDATABLE_COLUMNS_ONLY)) {
    const list = sql.join(
      columns.map((c) => sql.identifier(c)),
      sql`, `,
    );
    await owner.execute(sql`grant update (${list}) on ${sql.identifier(table)} to ${ident}`);
  }
}

/**
 * Tables the application may add to but never rewrite: a mistake is undone by a new row (a
 * payment's reversal, a compensating ledger transaction, a void).
 */
export const APPEND_ONLY_TABLES = [
  "audit_log",
  "payments",
  "ledger_transactions",
  "ledger_entries",
  "invoice_lines",
  "journal_records",
];

/** Tables the application never deletes from and may update in these columns only. */
export const UPDATABLE_COLUMNS_ONLY: Record<string, string[]> = {
  // An issued invoice is only ever voided (once: trigger invoices_void_final).
  invoices: ["voided_at", "void_reason"],
  // Deleting a year's counter would hand out its numbers again.
  invoice_counters: ["last_seq"],
};

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
