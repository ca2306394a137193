import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { type ExtractTablesWithRelations, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { ConfigError } from "../config/config.ts";
import { applyMigrations, type OwnerConnection, provisionAppRole } from "./migrations.ts";
import { rowsOf } from "./rows.ts";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DatabaseOptions =
  | { kind: "pglite"; dir: string | undefined; appRole: string }
  | { kind: "postgres"; url: string; appUrl: string | undefined; appRole: string; poolMax: number };

/** What the row-level security policies see in one transaction. */
export interface DbContext {
  /** Tenant rows of this tenant only. */
  tenantId?: string;
  /** The signed-in person: their own memberships and tenants across tenants (the picker). */
  userId?: string;
  /** The platform operator's cross-tenant read path (tenants and memberships only). */
  platform?: boolean;
}

export interface Database {
  readonly kind: "postgres" | "pglite";
  /** The one way to touch tenant data: a transaction in which RLS sees only `tenantId`. */
  withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** A transaction with no tenant set: global tables only; every tenant table reads empty. */
  withoutTenant<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** A transaction with an explicit context, for the few paths that need more than a tenant. */
  withContext<T>(context: DbContext, fn: (tx: Tx) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  stats(): { poolMax: number; activeTransactions: number };
  /**
   * LISTEN on a channel: `handler` gets each NOTIFY payload, delivered at the notifier's COMMIT.
   * Resolves once listening; the returned function stops it.
   */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Migrates as the owner, then hands back a Database that runs as the application role, a
 * role that owns nothing and cannot bypass row-level security (checked, not assumed).
 */
export async function openDatabase(opts: DatabaseOptions, appRolePassword: string): Promise<Database> {
  return opts.kind === "pglite" ? openPglite(opts) : openPostgres(opts, appRolePassword);
}

async function openPostgres(opts: Extract<DatabaseOptions, { kind: "postgres" }>, password: string): Promise<Database> {
  // One connection, so the migration advisory lock and the statements share a session.
  const ownerClient = postgres(opts.url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const owner: OwnerConnection = drizzlePostgres(ownerClient);
    await ownerClient`select 1`.catch((error: Error) => {
      throw new ConfigError("DATABASE_URL", `cannot connect: ${error.message}`);
    });
    await applyMigrations(owner, "postgres");
    await provisionAppRole(owner, opts.appRole, opts.appUrl ? undefined : password);
  } finally {
    await ownerClient.end({ timeout: 5 });
  }
  const appUrl = opts.appUrl ?? withCredentials(opts.url, opts.appRole, password);
  const client = postgres(appUrl, { max: opts.poolMax, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  await client`select 1`.catch(async (error: Error) => {
    await client.end({ timeout: 1 });
    throw new ConfigError(opts.appUrl ? "DATABASE_APP_URL" : "DATABASE_APP_ROLE", `cannot connect: ${error.message}`);
  });
  await assertRestrictedRole(db, opts.appUrl ? "DATABASE_APP_URL" : "DATABASE_APP_ROLE");
  const listen: Listen = async (channel, handler) => {
    const { unlisten } = await client.listen(channel, handler);
    return unlisten;
  };
  return wrap("postgres", db, opts.poolMax, listen, () => client.end({ timeout: 5 }));
}

async function openPglite(opts: Extract<DatabaseOptions, { kind: "pglite" }>): Promise<Database> {
  // Contrib extensions are loaded here; the migrations then CREATE EXTENSION them (0005).
  const client = new PGlite({ dataDir: opts.dir, extensions: { pg_trgm } });
  await client.waitReady;
  const owner = drizzlePglite(client);
  await applyMigrations(owner, "pglite");
  await provisionAppRole(owner, opts.appRole, undefined);
  // PGlite is a single embedded session: drop to the application role for its whole life.
  await client.exec(`set role ${opts.appRole}`);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await assertRestrictedRole(db, "DATABASE_APP_ROLE");
  const listen: Listen = (channel, handler) => client.listen(channel, handler);
  return wrap("pglite", db, 1, listen, () => client.close());
}

function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

async function assertRestrictedRole(db: Db, key: string): Promise<void> {
  const result = await db.execute(sql`
    select r.rolname as role, r.rolsuper, r.rolbypassrls,
           (select count(*)::int from pg_class c where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace) as owned
    from pg_roles r where r.rolname = current_user`);
  const me = rowsOf<{ role: string; rolsuper: boolean; rolbypassrls: boolean; owned: number }>(result)[0];
  if (!me) throw new ConfigError(key, "connects as a role that cannot be found in pg_roles");
  if (me.rolsuper || me.rolbypassrls || me.owned > 0) {
    throw new ConfigError(
      key,
      `connects as role "${me.role}", which ${me.rolsuper ? "is a superuser" : me.rolbypassrls ? "has BYPASSRLS" : "owns tables"}; the application role must own nothing and respect row-level security`,
    );
  }
}

type Listen = Database["listen"];

function wrap(kind: Database["kind"], db: Db, poolMax: number, listen: Listen, end: () => Promise<void>): Database {
  let active = 0;
  const withContext = async <T>(context: DbContext, fn: (tx: Tx) => Promise<T>): Promise<T> => {
    for (const [key, value] of [
      ["tenant", context.tenantId],
      ["user", context.userId],
    ] as const) {
      if (value !== undefined && !UUID.test(value))
        throw new TypeError(`database: "${value}" is not a ${key} id (UUID)`);
    }
    active++;
    try {
      return await db.transaction(async (tx) => {
        if (context.tenantId || context.userId || context.platform) {
          await tx.execute(sql`select set_config('app.tenant_id', ${context.tenantId ?? ""}, true),
                                      set_config('app.user_id', ${context.userId ?? ""}, true),
                                      set_config('app.platform', ${context.platform ? "on" : ""}, true)`);
        }
        return fn(tx as Tx);
      });
    } finally {
      active--;
    }
  };
  return {
    kind,
    withContext,
    withTenant: (tenantId, fn) => withContext({ tenantId }, fn),
    withoutTenant: (fn) => withContext({}, fn),
    async ping() {
      await db.execute(sql`select 1`);
    },
    stats: () => ({ poolMax, activeTransactions: active }),
    listen,
    close: end,
  };
}
