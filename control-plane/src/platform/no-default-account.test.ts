import { describe, expect, test } from "bun:test";
import { type Dirent, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { count } from "drizzle-orm";
import { databaseBackends, openTestDatabase } from "../../../tests/support/database.ts";
import { users } from "../accounts/accounts.tables.ts";

// There is no default account: a fresh database has no one in it, and people come to exist
// only through a short list of deliberate paths. A new call site fails here until it is
// added to the list on purpose.
const ALLOWED = [
  "control-plane/src/accounts/accounts.usecases.ts#signup",
  "control-plane/src/team/invitations.usecases.ts#acceptWithNewAccount",
  "control-plane/src/platform/platform.usecases.ts#createOperator",
  "control-plane/src/demo/demo.usecases.ts#addDemoMember",
];

const repoRoot = join(import.meta.dir, "..", "..", "..");
const SOURCE_DIRS = ["control-plane/src", "control-plane/drizzle", "shared", "web/src", "agent"];
// drizzle's `insert(users)` (also `schema.users`) and SQL's `insert into [public.]users`.
const USER_INSERT = /\binsert\(\s*(?:schema\.)?users\s*\)|\binsert\s+into\s+(?:"?public"?\.)?"?users"?[\s(]/gi;

function sourceFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|tsx|sql|mjs|js)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** `file#function` of every place that inserts into users (the enclosing top-level function). */
function userInsertSites(files: { path: string; text: string }[]): string[] {
  const sites: string[] = [];
  for (const { path, text } of files) {
    for (const match of text.matchAll(USER_INSERT)) {
      const before = text.slice(0, match.index);
      const fns = [...before.matchAll(/^(?:export\s+)?(?:async\s+)?function\s+(\w+)/gm)];
      sites.push(`${path}#${fns.at(-1)?.[1] ?? "(top level)"}`);
    }
  }
  return sites;
}

const backends = await databaseBackends();

describe("no default account", () => {
  for (const kind of backends) {
    test(`a freshly migrated database (${kind}) has no users`, async () => {
      const t = await openTestDatabase(kind);
      try {
        const [row] = await t.database.withoutTenant((tx) => tx.select({ n: count() }).from(users));
        expect(row?.n).toBe(0);
      } finally {
        await t.close();
      }
    }, 120_000);
  }

  test("the scanner finds inserts in every form we write them", () => {
    const found = userInsertSites([
      { path: "a.ts", text: "export async function one() {\n  await tx.insert(users).values({})\n}" },
      { path: "b.ts", text: "function two() {\n  tx.insert( schema.users )\n}" },
      { path: "c.sql", text: 'INSERT INTO "public"."users" ("id") VALUES (1);' },
      { path: "d.ts", text: "function three() {\n  tx.insert(usersArchive); tx.select().from(users)\n}" },
    ]);
    expect(found).toEqual(["a.ts#one", "b.ts#two", "c.sql#(top level)"]);
  });

  test("only sign-up, invitation acceptance, the operator CLI and the demo seed create users", () => {
    const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(repoRoot, dir))).map((file) => ({
      path: relative(repoRoot, file),
      text: readFileSync(file, "utf8"),
    }));
    expect(files.length).toBeGreaterThan(50);
    const sites = userInsertSites(files);
    expect(sites.filter((site) => !ALLOWED.includes(site))).toEqual([]);
    // The paths this area owns must still be found, or the scan has gone blind.
    expect(sites).toContain("control-plane/src/accounts/accounts.usecases.ts#signup");
    expect(sites).toContain("control-plane/src/platform/platform.usecases.ts#createOperator");
    expect(sites).toContain("control-plane/src/demo/demo.usecases.ts#addDemoMember");
  });
});
