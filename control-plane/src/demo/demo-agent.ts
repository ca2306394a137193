import { join } from "node:path";
import type { Logger } from "@kilusi/shared/logger";
import type { Subprocess } from "bun";
import { and, asc, eq } from "drizzle-orm";
import { createEnrollmentToken } from "../agents/enrollment.usecases.ts";
import type { Clock } from "../clock.ts";
import type { Database } from "../db/database.ts";
import { sites } from "../sites/sites.tables.ts";
import { memberships, tenants } from "../tenants/tenants.tables.ts";
import { DEMO_SLUG } from "./demo.usecases.ts";

/** The agent's entry point in this checkout: the demo runs the same code a site runs, from source. */
const AGENT_CLI = join(import.meta.dir, "..", "..", "..", "agent", "src", "cli.ts");
const seedMeta = { ip: null, requestId: "demo-agent", userAgent: "kilusi demo agent" };

export interface DemoAgent {
  stop(): Promise<void>;
}

/**
 * The embedded default's demo agent (issue 5 §10): the real agent process, enrolled for the
 * demo ISP's first site through the real enrollment endpoint at every start (a re-enrollment
 * of the same installation only rotates its credentials), then run beside the control plane.
 * A failure is logged and the control plane goes on: the demo site then shows as offline.
 */
export async function startDemoAgent(deps: {
  url: string;
  dataDir: string;
  database: Database;
  clock: Clock;
  logger: Logger;
}): Promise<DemoAgent | null> {
  const log = deps.logger.child({ component: "demo-agent" });
  const target = await demoSite(deps.database);
  if (!target) return null;
  const { token } = await createEnrollmentToken(deps, target.actor, target.siteId, seedMeta);
  const env = {
    // The demo's RADIUS ports: loopback and free ones (they are in its "RADIUS listening" line),
    // so a demo never fights a real RADIUS server or another demo over 1812/1813.
    KILUSI_AGENT_RADIUS_BIND: "127.0.0.1",
    KILUSI_AGENT_RADIUS_AUTH_PORT: "0",
    KILUSI_AGENT_RADIUS_ACCT_PORT: "0",
    ...process.env,
    KILUSI_AGENT_DATA_DIR: join(deps.dataDir, "demo-agent"),
  };
  const enroll = Bun.spawn([process.execPath, AGENT_CLI, "enroll", deps.url, token], {
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, err] = await Promise.all([enroll.exited, new Response(enroll.stderr).text()]);
  if (code !== 0) {
    log.error({ code, stderr: err.trim().slice(0, 500) }, "demo agent could not enroll");
    return null;
  }
  const proc: Subprocess = Bun.spawn([process.execPath, AGENT_CLI, "run"], {
    env,
    stdin: "ignore",
    stdout: "inherit",
    stderr: "inherit",
  });
  log.info({ pid: proc.pid, siteId: target.siteId }, "demo agent started");
  return {
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await proc.exited;
      clearTimeout(timer);
    },
  };
}

async function demoSite(database: Database) {
  const [tenant] = await database.withContext({ platform: true }, (tx) =>
    tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, DEMO_SLUG)),
  );
  if (!tenant) return null;
  return database.withTenant(tenant.id, async (tx) => {
    const [site] = await tx
      .select({ id: sites.id })
      .from(sites)
      .where(eq(sites.tenantId, tenant.id))
      .orderBy(asc(sites.createdAt))
      .limit(1);
    const [owner] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.tenantId, tenant.id), eq(memberships.role, "owner")))
      .limit(1);
    if (!site || !owner) return null;
    return { siteId: site.id, actor: { tenantId: tenant.id, userId: owner.userId } };
  });
}
