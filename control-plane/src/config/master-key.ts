import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Config, ConfigError } from "./config.ts";

/**
 * The key that wraps every tenant's data keys. In production it comes from APP_MASTER_KEY;
 * on the embedded default it is generated once into DATA_DIR/master.key (mode 0600), so a
 * newcomer needs no step and a restart keeps reading the same secrets.
 */
export function loadMasterKey(config: Pick<Config, "masterKey" | "dataDir" | "env">): Buffer {
  if (config.masterKey) return config.masterKey;
  if (config.env === "production") throw new ConfigError("APP_MASTER_KEY", "is required in production");
  const file = join(config.dataDir, "master.key");
  try {
    return decode(readFileSync(file, "utf8"), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(config.dataDir, { recursive: true });
  try {
    // `wx`: when two processes start together, one writes and the other reads what it wrote.
    writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return decode(readFileSync(file, "utf8"), file);
}

function decode(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== 32) throw new ConfigError("APP_MASTER_KEY", `file ${file} does not hold 32 base64 bytes`);
  return key;
}
