import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type Database, openDatabase } from "../../control-plane/src/db/database.ts";
import { appRolePassword } from "../../control-plane/src/db/migrations.ts";
import { rowsOf } from "../../control-plane/src/db/rows.ts";
import { requirePeer } from "./peers.ts";
import { createScratchDatabase, postgresHint, postgresReachable } from "./postgres.ts";

export interface TestDatabase {
  database: Database;
  /** Owner connection URL (PostgreSQL only): migrations ran as this role. */
  ownerUrl: string | undefined;
  close(): Promise<void>;
}

const testMasterKey = randomBytes(32);

/**
 * A freshly migrated database for one test file: a new database on the real PostgreSQL when
 * one is reachable, else an in-memory PGlite. Either way it runs as the application role.
 */
export async function openTestDatabase(kind: "postgres" | "pglite"): Promise<TestDatabase> {
  if (kind === "pglite") {
    const database = await openDatabase({ kind: "pglite", dir: undefined, appRole: "kilusi_app" }, "");
    return { database, ownerUrl: undefined, close: () => database.close() };
  }
  const scratch = await createScratchDatabase();
  const database = await openDatabase(
    { kind: "postgres", url: scratch.url, appUrl: undefined, appRole: "kilusi_app", poolMax: 4 },
    appRolePassword(testMasterKey),
  );
  return {
    database,
    ownerUrl: scratch.url,
    async close() {
      await database.close();
      await scratch.drop();
    },
  };
}

/** The backends a database test runs on: PGlite always, PostgreSQL when reachable (or a loud skip). */
export async function databaseBackends(): Promise<("postgres" | "pglite")[]> {
  const pg = requirePeer("PostgreSQL", await postgresReachable(), postgresHint);
  return pg ? ["pglite", "postgres"] : ["pglite"];
}

/** The one backend an integration test uses: PostgreSQL when reachable, PGlite otherwise. */
export async function integrationBackend(): Promise<"postgres" | "pglite"> {
  return requirePeer("PostgreSQL", await postgresReachable(), postgresHint) ? "postgres" : "pglite";
}

/** The database's own message for a failed statement (drizzle wraps it as the `cause`). */
export async function databaseError(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  }
  throw new Error("expected the database to refuse the statement, but it succeeded");
}

/** SQL run as the owner, which bypasses row-level security: for seeding fixtures, never for the app. */
export interface TestOwner {
  /** Runs one statement; the caller inlines values with quoted literals. */
  query(text: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * An owner handle on a test database. PostgreSQL: a connection on the owner URL. PGlite: one
 * embedded session whose session user is the superuser, so `set local role none` returns to
 * it for one transaction (which is also why only PostgreSQL proves the role boundary).
 */
export function openTestOwner(t: TestDatabase): TestOwner {
  if (t.database.kind === "pglite") {
    return {
      query: (text) =>
        t.database.withoutTenant(async (tx) => {
          await tx.execute("set local role none");
          return rowsOf<Record<string, unknown>>(await tx.execute(text));
        }),
      close: async () => {},
    };
  }
  if (!t.ownerUrl) throw new Error("openTestOwner: a PostgreSQL test database without an owner URL");
  const client = postgres(t.ownerUrl, { max: 1, onnotice: () => {} });
  return {
    query: async (text) => [...(await client.unsafe<Record<string, unknown>[]>(text))],
    close: () => client.end({ timeout: 1 }),
  };
}
