import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Credential {
  email: string;
  password: string;
}

/**
 * The demo sign-ins live in `<DATA_DIR>/demo-login.txt`, mode 0600, in clear text: on the
 * embedded default the master key sits in the same directory, so sealing them with it would
 * protect nothing. The file exists so that a restart prints the same password.
 */
export function demoLoginFile(dataDir: string): string {
  return join(dataDir, "demo-login.txt");
}

export function writeDemoLogins(dataDir: string, logins: readonly Credential[]): void {
  mkdirSync(dataDir, { recursive: true });
  const file = demoLoginFile(dataDir);
  const text = [
    "# Kilusi demo sign-ins (embedded default only). Delete the data directory to start over.",
    ...logins.map((l) => `${l.email} ${l.password}`),
    "",
  ].join("\n");
  writeFileSync(file, text, { mode: 0o600 });
  // `mode` applies only when the file is created; an older file keeps its bits otherwise.
  chmodSync(file, 0o600);
}

/** The sign-ins written at first start, or null when the file is gone or not ours. */
export function readDemoLogins(dataDir: string): Credential[] | null {
  let text: string;
  try {
    text = readFileSync(demoLoginFile(dataDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const logins: Credential[] = [];
  for (const line of text.split("\n")) {
    const match = /^(\S+@\S+) (\S+)$/.exec(line.trim());
    if (match) logins.push({ email: match[1] as string, password: match[2] as string });
  }
  return logins.length > 0 ? logins : null;
}
