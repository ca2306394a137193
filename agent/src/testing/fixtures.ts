import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SiteAddress } from "@kilusi/shared/sync/topics";
import { type AgentConfig, parseConfig } from "../config/config.ts";
import { writeCredentials } from "../store/credentials.ts";
import { openStoreDatabase } from "../store/database.ts";

const dirs: string[] = [];

/** A fresh data directory under the system temp dir (removed by `removeTempDirs`). */
export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kilusi-agent-test-"));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A data directory whose store holds credentials, as `enroll` leaves it. */
export function enrolledDataDir(mqttUrl: string): { dataDir: string; site: SiteAddress; agentId: string } {
  const dataDir = tempDataDir();
  const site = { tenantId: randomUUID(), siteId: randomUUID() };
  const store = openStoreDatabase(dataDir);
  writeCredentials(store, {
    ...site,
    siteName: "Test site",
    agentId: store.installationId,
    mqtt: {
      url: mqttUrl,
      username: `${site.tenantId}.${store.installationId}`,
      password: "s3cret-password",
      caPem: null,
    },
    protocols: [1],
    enrolledAt: new Date().toISOString(),
  });
  const agentId = store.installationId;
  store.close();
  return { dataDir, site, agentId };
}

/** RADIUS on loopback and free ports, so agents started by tests never fight over 1812/1813. */
export const TEST_RADIUS_ENV = {
  KILUSI_AGENT_RADIUS_BIND: "127.0.0.1",
  KILUSI_AGENT_RADIUS_AUTH_PORT: "0",
  KILUSI_AGENT_RADIUS_ACCT_PORT: "0",
} as const;

/** The defaults, with the timings shortened so protocol timeouts show within a test. */
export function testConfig(dataDir: string, env: Record<string, string> = {}): AgentConfig {
  return parseConfig(
    {},
    {
      KILUSI_AGENT_DATA_DIR: dataDir,
      KILUSI_AGENT_HEARTBEAT_SECONDS: "1",
      KILUSI_AGENT_SYNC_TIMEOUT_SECONDS: "2",
      KILUSI_AGENT_JOURNAL_ACK_TIMEOUT_SECONDS: "2",
      KILUSI_AGENT_MQTT_RECONNECT_MIN_SECONDS: "0.1",
      KILUSI_AGENT_MQTT_RECONNECT_MAX_SECONDS: "0.5",
      ...TEST_RADIUS_ENV,
      ...env,
    },
  );
}
