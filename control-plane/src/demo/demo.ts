import type { Logger } from "@kilusi/shared/logger";
import type { RequestMeta } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import type { Config } from "../config/config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import { randomToken } from "../crypto/tokens.ts";
import type { Database } from "../db/database.ts";
import { AppError } from "../http/errors.ts";
import { createLoginThrottle, createRateLimiter } from "../rate-limits/rate-limits.ts";
import { DEMO_OWNER_EMAIL, DEMO_TECHNICIAN_EMAIL, demoTenantExists, seedDemoTenant } from "./demo.usecases.ts";
import { seedDemoBilling } from "./demo-billing.ts";
import { type Credential, readDemoLogins, writeDemoLogins } from "./demo-login-file.ts";

export interface DemoLogin {
  owner: Credential;
  technician: Credential | null;
}

/**
 * Only the embedded default gets a demo ISP: a newcomer's `npm start` (PGlite, development).
 * Never in production and never against a real PostgreSQL (DATABASE_URL set), where a known
 * account would be a hole.
 */
export function demoWanted(config: Pick<Config, "env" | "database">): boolean {
  return config.env === "development" && config.database.kind === "pglite";
}

/** 96 random bits in five groups of four (base32, lower case): easy to read off a terminal. */
export function demoPassword(): string {
  return (randomToken(12).match(/.{4}/g) ?? []).join("-");
}

const seedMeta: RequestMeta = { ip: null, requestId: "demo-seed", userAgent: null };

/**
 * Creates the demo ISP at the first start of the embedded default and returns its sign-ins;
 * later starts return the same ones from `<DATA_DIR>/demo-login.txt`. Null when no demo is
 * wanted, or when the demo exists but its file was deleted (the passwords are not recoverable).
 */
export async function ensureDemoTenant(deps: {
  config: Config;
  database: Database;
  clock: Clock;
  logger: Logger;
  secretBox: (purpose: string) => SecretBox;
}): Promise<DemoLogin | null> {
  const { config, database, clock, logger } = deps;
  if (!demoWanted(config)) return null;
  if (await demoTenantExists({ database })) {
    const logins = readDemoLogins(config.dataDir);
    const owner = logins?.find((l) => l.email === DEMO_OWNER_EMAIL);
    if (!owner) {
      logger.warn({ dataDir: config.dataDir }, "demo ISP exists but demo-login.txt is gone; its passwords are unknown");
      return null;
    }
    return { owner, technician: logins?.find((l) => l.email === DEMO_TECHNICIAN_EMAIL) ?? null };
  }
  const owner = { email: DEMO_OWNER_EMAIL, password: demoPassword() };
  const technician = { email: DEMO_TECHNICIAN_EMAIL, password: demoPassword() };
  // Written before the accounts exist: a crash in between leaves a file for no demo, which the
  // next start overwrites, never a demo whose password nobody knows.
  writeDemoLogins(config.dataDir, [owner, technician]);
  const accounts = {
    database,
    clock,
    policy: { idleMs: config.auth.idleMs, absoluteMs: config.auth.absoluteMs },
    throttle: createLoginThrottle({ database, clock }),
    limiter: createRateLimiter({ database, clock }),
  };
  try {
    const demo = await seedDemoTenant(accounts, { owner, technician }, seedMeta);
    await seedDemoBilling(
      { database, clock, secretBox: deps.secretBox },
      { tenantId: demo.tenantId, userId: demo.ownerId },
      seedMeta,
    );
  } catch (error) {
    // Someone already took the address or an e-mail by hand: the demo is a convenience, not a
    // reason to refuse to start.
    if (error instanceof AppError) {
      logger.warn({ code: error.code }, "demo ISP not created");
      return null;
    }
    throw error;
  }
  logger.info({ slug: "demo", owner: owner.email }, "demo ISP created");
  return { owner, technician };
}
