// Helpers for the sites and enrollment tests. Not imported by the application.
import { and, eq, sql } from "drizzle-orm";
import type { TestClient } from "../../../tests/support/http-client.ts";
import { agentEnrollmentTokens, siteAgents } from "../agents/agents.tables.ts";
import { rowsOf } from "../db/rows.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { siteCommands } from "../sync/commands.tables.ts";
import { completeCommand } from "../sync/commands.usecases.ts";
import { sites } from "./sites.tables.ts";

let n = 0;
const unique = () => `${Date.now().toString(36)}${++n}`;

/** A valid site form; overrides replace fields. */
export function siteFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    name: `Menara ${unique()}`,
    location: "Desa Sukamaju, RT 03",
    timeZone: "",
    hotspotLoginUrl: "",
    ...overrides,
  };
}

/** Creates a site through the form and returns its id. */
export async function createSiteVia(browser: TestClient, fields: Record<string, string>): Promise<string> {
  const res = await browser.post("/sites", fields);
  if (res.status !== 303) throw new Error(`site not created: ${res.status} ${await res.text()}`);
  const match = /^\/sites\/([0-9a-f-]{36})\?done=created$/.exec(res.headers.get("location") ?? "");
  if (!match?.[1]) throw new Error(`unexpected location ${res.headers.get("location")}`);
  return match[1];
}

export const siteRows = (cp: AssembledControlPlane, tenantId: string) =>
  cp.database.withTenant(tenantId, (tx) => tx.select().from(sites).where(eq(sites.tenantId, tenantId)));

export async function siteRow(cp: AssembledControlPlane, tenantId: string, siteId: string) {
  const [row] = await cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(sites)
      .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId))),
  );
  return row;
}

/**
 * An agent as enrollment and its heartbeats leave it (plain insert): the status columns are what
 * the sync bridge writes from presence and heartbeat messages.
 */
export async function seedAgent(
  cp: AssembledControlPlane,
  tenantId: string,
  siteId: string,
  values: Partial<typeof siteAgents.$inferInsert> = {},
): Promise<string> {
  const id = crypto.randomUUID();
  const now = new Date();
  await cp.database.withTenant(tenantId, (tx) =>
    tx.insert(siteAgents).values({
      tenantId,
      id,
      siteId,
      secretHash: "0".repeat(64),
      enrolledAt: now,
      credentialsRotatedAt: now,
      ...values,
    }),
  );
  return id;
}

export async function agentRow(cp: AssembledControlPlane, tenantId: string, agentId: string) {
  const [row] = await cp.database.withTenant(tenantId, (tx) =>
    tx
      .select()
      .from(siteAgents)
      .where(and(eq(siteAgents.tenantId, tenantId), eq(siteAgents.id, agentId))),
  );
  return row;
}

export const commandRows = (cp: AssembledControlPlane, tenantId: string) =>
  cp.database.withTenant(tenantId, (tx) =>
    tx.select().from(siteCommands).where(eq(siteCommands.tenantId, tenantId)).orderBy(siteCommands.createdAt),
  );

/** The agent's answer to a command, recorded the way the sync bridge records a command-result. */
export async function answerCommand(
  cp: AssembledControlPlane,
  at: { tenantId: string; siteId: string; agentId: string; cmdId: string; now: Date },
  answer: { ok: true; result: Record<string, unknown> } | { ok: false; error: { code: string; message: string } },
): Promise<void> {
  const { cmdId, now, ...ctx } = at;
  const message = answer.ok
    ? { v: 1 as const, agentId: ctx.agentId, cmdId, ok: true, result: answer.result, error: null }
    : { v: 1 as const, agentId: ctx.agentId, cmdId, ok: false, result: null, error: answer.error };
  const known = await cp.database.withTenant(ctx.tenantId, (tx) => completeCommand(tx, ctx, message, now));
  if (!known) throw new Error(`command ${cmdId} is not known`);
}

export const tokenRows = (cp: AssembledControlPlane, tenantId: string) =>
  cp.database.withTenant(tenantId, (tx) =>
    tx.select().from(agentEnrollmentTokens).where(eq(agentEnrollmentTokens.tenantId, tenantId)),
  );

/**
 * Tables in which some row, as text, contains `needle`, searched as the application reads them
 * (inside the tenant); each table in its own transaction, so one the role may not read is
 * reported as unreadable instead of ending the search.
 */
export async function tablesContaining(cp: AssembledControlPlane, tenantId: string, needle: string) {
  const tables = await cp.database.withTenant(tenantId, async (tx) =>
    rowsOf<{ name: string }>(
      await tx.execute(
        sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
      ),
    ).map((r) => r.name),
  );
  const found: string[] = [];
  const unreadable: string[] = [];
  for (const table of tables) {
    try {
      const rows = await cp.database.withTenant(tenantId, async (tx) =>
        rowsOf(
          await tx.execute(
            sql`select 1 from ${sql.identifier(table)} t where position(${needle} in t::text) > 0 limit 1`,
          ),
        ),
      );
      if (rows.length > 0) found.push(table);
    } catch {
      unreadable.push(table);
    }
  }
  return { tables, found, unreadable };
}
