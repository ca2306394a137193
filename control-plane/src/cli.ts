// The operator's command line: `npm run kilusi -- <command>` (see platform/operator-cli.ts).

import { runCli } from "./platform/operator-cli.ts";
import { readPassword } from "./platform/password-prompt.ts";

try {
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readPassword: (prompt) => readPassword(prompt),
    interactive: Boolean(process.stdin.isTTY),
  });
  process.exit(code);
} catch (error) {
  process.stderr.write(`kilusi: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
