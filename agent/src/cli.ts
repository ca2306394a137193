#!/usr/bin/env bun
// kilusi-agent: the site agent's command line (also the entry of the compiled binary).
import { createLogger, type Logger } from "@kilusi/shared/logger";
import { type Agent, NotEnrolledError, startAgent } from "./agent.ts";
import { type AgentConfig, ConfigError, configTemplate, loadConfig } from "./config/config.ts";
import { EnrollError, enroll } from "./enroll.ts";
import { loadJournal, waitDrained } from "./load-journal.ts";
import { writeFully } from "./output.ts";
import { RadiusSelfTestError } from "./radius/packet/index.ts";
import { RadiusBindError } from "./radius/server/radius-server.ts";
import { readStoreStatus } from "./status.ts";
import { AGENT_VERSION } from "./version.ts";

const USAGE = `usage: kilusi-agent [--config <path>] <command>

commands:
  run                                   run the agent (sync with the cloud, journal, commands)
  enroll <url> <token> [--insecure]     trade a one-time enrollment token for this site's credentials
  status                                print the store's state as JSON (site, revision, state hash, journal)
  load-journal --count N [--rate R] [--exit-when-drained]
                                        run the agent and append N test.load records (tests, benchmarks);
                                        prints {"journaled":<seq>} per committed record
options:
  --config <path>    TOML configuration (default /etc/kilusi/agent.toml when present)
  --print-config     print every configuration key with its default, as TOML
  --version          print the agent's version
`;

class UsageError extends Error {}

// Synchronous writes: the process may exit right after, and a pipe must still get every byte.
const out = (text: string) => writeFully(1, text);
const err = (text: string) => writeFully(2, text);

interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(["--config", "--count", "--rate"]);
const BOOL_FLAGS = new Set(["--insecure", "--exit-when-drained", "--print-config", "--version", "--help", "-h"]);

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      flags.set(name, value);
    } else if (BOOL_FLAGS.has(arg)) flags.set(arg, true);
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  return { positional, flags };
}

function numberFlag(args: Args, flag: string, opts: { integer: boolean; min: number }): number | undefined {
  const raw = args.flags.get(flag);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (
    raw === true ||
    raw.trim() === "" ||
    !Number.isFinite(n) ||
    n < opts.min ||
    (opts.integer && !Number.isInteger(n))
  ) {
    throw new UsageError(`${flag} must be ${opts.integer ? "a whole number" : "a number"} of at least ${opts.min}`);
  }
  return n;
}

/** Runs the agent until SIGTERM/SIGINT (or `until` resolves), then shuts down in order. */
async function runAgent(config: AgentConfig, logger: Logger, until?: (agent: Agent) => Promise<void>): Promise<number> {
  const agent = await startAgent(config, logger);
  process.on("unhandledRejection", (error) => logger.error({ err: String(error) }, "unhandled rejection"));
  const stopped = new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(1);
      signalled = true;
      logger.info({ signal }, "shutting down");
      agent.stop().then(
        () => resolve(0),
        (error) => {
          logger.error({ err: String(error) }, "shutdown failed");
          resolve(1);
        },
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    until?.(agent).then(
      () => agent.stop().then(() => resolve(0)),
      (error) => {
        logger.error({ err: String(error) }, "load failed");
        agent.stop().then(() => resolve(1));
      },
    );
  });
  return stopped;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.flags.has("--help") || args.flags.has("-h")) {
    out(USAGE);
    return 0;
  }
  if (args.flags.has("--version")) {
    out(`kilusi-agent ${AGENT_VERSION}\n`);
    return 0;
  }
  if (args.flags.has("--print-config")) {
    out(configTemplate());
    return 0;
  }
  const [command, ...rest] = args.positional;
  const configPath = args.flags.get("--config");
  const config = loadConfig({ path: typeof configPath === "string" ? configPath : undefined, env: process.env });
  const logger = createLogger({ name: "kilusi-agent", level: config.logLevel });
  switch (command) {
    case "run":
      if (rest.length) throw new UsageError("run takes no arguments");
      return runAgent(config, logger);
    case "enroll": {
      const [url, token, ...more] = rest;
      if (!url || !token || more.length) throw new UsageError("enroll needs <url> <token>");
      const done = await enroll({ url, token, insecure: args.flags.has("--insecure"), dataDir: config.dataDir });
      for (const warning of done.warnings) err(`kilusi-agent: warning: ${warning}\n`);
      out(
        `kilusi-agent: enrolled at site "${done.siteName}" (tenant ${done.tenantId}, site ${done.siteId}) as agent ${done.agentId}; broker ${done.mqtt.url}${done.siteChanged ? "; the previous site's desired state was cleared" : ""}\n`,
      );
      return 0;
    }
    case "status":
      out(`${JSON.stringify(readStoreStatus(config), null, 2)}\n`);
      return 0;
    case "load-journal": {
      // 0 is allowed: run, send what the journal holds, exit once drained.
      const count = numberFlag(args, "--count", { integer: true, min: 0 });
      if (count === undefined) throw new UsageError("load-journal needs --count N");
      const rate = numberFlag(args, "--rate", { integer: false, min: 0.001 });
      const exitWhenDrained = args.flags.has("--exit-when-drained");
      return runAgent(config, logger, async (agent) => {
        await loadJournal(agent, { count, rate });
        logger.info({ count, journal: agent.journal.status() }, "load journaled");
        if (!exitWhenDrained) return new Promise<void>(() => {});
        await waitDrained(agent);
        logger.info("journal drained");
      });
    }
    case undefined:
      throw new UsageError("a command is needed");
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

try {
  process.exitCode = await main(Bun.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    err(`kilusi-agent: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (
    error instanceof ConfigError ||
    error instanceof NotEnrolledError ||
    error instanceof RadiusBindError ||
    error instanceof RadiusSelfTestError
  ) {
    err(`kilusi-agent: ${error.message}\n`);
    process.exitCode = 1;
  } else if (error instanceof EnrollError) {
    err(`kilusi-agent: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    err(`kilusi-agent: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
process.exit(process.exitCode);
