import { existsSync } from "node:fs";
import { join } from "node:path";
import { createLogger } from "@kilusi/shared/logger";
import { systemClock } from "../clock.ts";
import { type Config, ConfigError, parseConfig } from "../config/config.ts";
import { loadMasterKey } from "../config/master-key.ts";
import { createSecretBox } from "../crypto/secret-box.ts";
import type { Database } from "../db/database.ts";
import { openConfiguredDatabase } from "../runtime.ts";
import { runTenantJobs } from "./billing-jobs.ts";

export interface JobsCliIo {
  env: Record<string, string | undefined>;
  out(line: string): void;
  err(line: string): void;
}

/**
 * `kilusi run-billing [--tenant <address>]`: one pass of billing and dunning now, for every
 * active ISP or one, against the configured database; prints a line per ISP. Safe beside a
 * running server on PostgreSQL (the same locks as the scheduler's); exit 1 if an ISP failed.
 */
export async function runBillingCommand(io: JobsCliIo, slug: string | undefined): Promise<number> {
  let config: Config;
  try {
    config = parseConfig(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`kilusi: ${error.message}`);
    return 1;
  }
  if (config.database.kind === "pglite" && existsSync(join(config.database.dir, "postmaster.pid"))) {
    io.err(`kilusi: the embedded database in ${config.database.dir} is open in a running Kilusi; stop it first`);
    return 1;
  }
  let database: Database | undefined;
  try {
    const masterKey = loadMasterKey(config);
    database = await openConfiguredDatabase(config, masterKey);
    const results = await runTenantJobs(
      {
        database,
        clock: systemClock,
        logger: createLogger({ name: "kilusi-cli", level: config.logLevel }),
        secretBox: (purpose) => createSecretBox(masterKey, purpose),
        changeRetentionDays: config.agents.changeRetentionDays,
      },
      slug,
    );
    if (slug && results.length === 0) {
      io.err(`kilusi: no active ISP with the address "${slug}"`);
      return 1;
    }
    for (const r of results) {
      io.out(
        r.error
          ? `${r.tenant}: failed: ${r.error}`
          : `${r.tenant}: ${r.invoices} invoices, ${r.reminders} reminders, ${r.isolated} isolated, ${r.restored} restored, ${r.vouchersExpired} vouchers expired, ${r.vouchersReleased} released from the sites`,
      );
    }
    return results.some((r) => r.error) ? 1 : 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`kilusi: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await database?.close();
  }
}
