import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { email, personName } from "../accounts/accounts.schemas.ts";
import { PASSWORD_MAX, PASSWORD_MIN } from "../accounts/passwords.ts";
import { systemClock } from "../clock.ts";
import { type Config, ConfigError, parseConfig } from "../config/config.ts";
import { loadMasterKey } from "../config/master-key.ts";
import type { Database } from "../db/database.ts";
import { AppError } from "../http/errors.ts";
import { runBillingCommand } from "../jobs/jobs-cli.ts";
import { openConfiguredDatabase } from "../runtime.ts";
import { createOperator } from "./platform.usecases.ts";

export const USAGE = `Usage: kilusi <command>

Commands:
  run-billing [--tenant <address>]
      Runs billing and dunning now for every active ISP (or the one at <address>), as the
      scheduler does every JOBS_INTERVAL_SECONDS; prints what each ISP got.
  create-operator --email <e-mail> --name <name>
      Creates a platform operator, or makes an existing account one (its password is
      asked for and checked). The password is read from stdin: hidden on a terminal,
      else the first line. At least ${PASSWORD_MIN} characters.

The database is the one the server uses (DATABASE_URL, else the embedded PGlite in DATA_DIR,
which must not be open in a running server at the same time).
`;

export interface CliIo {
  env: Record<string, string | undefined>;
  out(line: string): void;
  err(line: string): void;
  readPassword(prompt: string): Promise<string>;
  /** Whether a person is typing (asked twice then, to catch a typo). */
  interactive: boolean;
}

/** Runs one command; returns the exit code: 0 done, 1 refused or failed, 2 bad usage. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "help" || command === "--help" || command === "-h") {
    io.out(USAGE);
    return 0;
  }
  if (command === "run-billing") {
    let tenant: string | undefined;
    try {
      tenant = parseArgs({ args: [...rest], options: { tenant: { type: "string" } }, strict: true }).values.tenant;
    } catch (error) {
      return usage(io, (error as Error).message);
    }
    return runBillingCommand(io, tenant);
  }
  if (command !== "create-operator") return usage(io, command ? `unknown command "${command}"` : "no command");
  let flags: { email?: string; name?: string };
  try {
    flags = parseArgs({
      args: [...rest],
      options: { email: { type: "string" }, name: { type: "string" } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  const address = email.safeParse(flags.email ?? "");
  if (!address.success) return usage(io, "--email needs an e-mail address");
  const name = personName.safeParse(flags.name ?? "");
  if (!name.success) return usage(io, "--name needs a name (1–100 characters)");
  return createOperatorCommand(io, { email: address.data, name: name.data });
}

function usage(io: CliIo, problem: string): number {
  io.err(`kilusi: ${problem}\n\n${USAGE}`);
  return 2;
}

async function createOperatorCommand(io: CliIo, input: { email: string; name: string }): Promise<number> {
  // Configuration first: a typo in the environment is reported before anyone types a password.
  let config: Config;
  try {
    config = parseConfig(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`kilusi: ${error.message}`);
    return 1;
  }
  // PGlite does not lock its directory: a second process opening it beside a running server
  // would write behind the server's back and corrupt it. PGlite keeps this file while open.
  if (config.database.kind === "pglite" && existsSync(join(config.database.dir, "postmaster.pid"))) {
    io.err(
      `kilusi: the embedded database in ${config.database.dir} is open in a running Kilusi; stop it first (after a crash: start and stop it once)`,
    );
    return 1;
  }
  const password = await io.readPassword(`Password for ${input.email}: `);
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    io.err(`kilusi: the password needs ${PASSWORD_MIN}–${PASSWORD_MAX} characters; nothing was changed`);
    return 1;
  }
  if (io.interactive && (await io.readPassword("Repeat the password: ")) !== password) {
    io.err("kilusi: the passwords differ; nothing was changed");
    return 1;
  }
  let database: Database | undefined;
  try {
    database = await openConfiguredDatabase(config, loadMasterKey(config));
    const meta = { ip: null, requestId: `cli-${crypto.randomUUID()}`, userAgent: "kilusi-cli" };
    const result = await createOperator({ database, clock: systemClock }, { ...input, password }, meta);
    const what = { created: "created", promoted: "granted to the existing account", unchanged: "already held" }[
      result.outcome
    ];
    io.out(`Platform operator ${input.email}: ${what}. Sign in at /login, then open /platform.`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof AppError) {
      io.err(`kilusi: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await database?.close();
  }
}
