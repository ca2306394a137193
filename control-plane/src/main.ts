// Composition root: read the configuration once, start everything, stop on a signal.
import { ConfigError, parseConfig } from "./config/config.ts";
import { startControlPlane } from "./runtime.ts";

function fail(error: unknown): never {
  // One line that names what to fix; the full error only for what we did not foresee.
  if (error instanceof ConfigError) process.stderr.write(`kilusi: ${error.message}\n`);
  else
    process.stderr.write(
      `kilusi: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  process.exit(1);
}

let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(process.env);
} catch (error) {
  fail(error);
}

const running = await startControlPlane(config).catch(fail);

process.stderr.write(
  [
    "",
    `  Kilusi is running: open ${running.url}`,
    `  Health: ${running.url}/healthz · readiness: ${running.url}/readyz`,
    // Banner: the demo sign-in on the embedded default, else how the first account comes to be.
    ...(running.demo
      ? [
          `  Sign in as ${running.demo.owner.email} / ${running.demo.owner.password}`,
          ...(running.demo.technician
            ? [`  Technician: ${running.demo.technician.email} / ${running.demo.technician.password}`]
            : []),
        ]
      : [
          `  Sign up an ISP at ${running.url}/signup; a platform operator comes from`,
          "  npm run kilusi -- create-operator --email <e-mail> --name <name>",
        ]),
    "  Stop with Ctrl+C.",
    "",
    "",
  ].join("\n"),
);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    running.logger.info({ signal }, "signal received");
    running
      .stop()
      .then(() => process.exit(0))
      .catch((error) => {
        running.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      });
  });
}
