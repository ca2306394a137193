import { createLogger } from "@kilusi/shared/logger";
import type { JournalStatus } from "@kilusi/shared/sync/messages";
import type { AgentConfig } from "./config/config.ts";
import { readCredentials } from "./store/credentials.ts";
import { openStoreDatabase } from "./store/database.ts";
import { Journal } from "./store/journal.ts";
import { DesiredStateStore } from "./store/store.ts";

export interface StoreStatus {
  agentId: string;
  enrolled: boolean;
  tenantId: string | null;
  siteId: string | null;
  siteName: string | null;
  mqttUrl: string | null;
  enrolledAt: string | null;
  appliedRevision: number;
  syncedAt: string | null;
  stateHash: string;
  entries: Record<string, number>;
  journal: JournalStatus;
  lastConnectedAt: string | null;
}

/** What the store says, read beside a running agent (WAL lets a reader in); no secret is included. */
export function readStoreStatus(config: AgentConfig): StoreStatus {
  const db = openStoreDatabase(config.dataDir);
  try {
    const creds = readCredentials(db);
    const store = new DesiredStateStore(db);
    const journal = new Journal(db, {
      maxBytes: config.journal.maxBytes,
      groupCommitMs: config.journal.groupCommitMs,
      logger: createLogger({ name: "kilusi-agent", level: "silent" }),
    });
    return {
      agentId: db.installationId,
      enrolled: creds !== null,
      tenantId: creds?.tenantId ?? null,
      siteId: creds?.siteId ?? null,
      siteName: creds?.siteName ?? null,
      mqttUrl: config.mqtt.url ?? creds?.mqtt.url ?? null,
      enrolledAt: creds?.enrolledAt ?? null,
      appliedRevision: store.appliedRevision(),
      syncedAt: store.syncedAt(),
      stateHash: store.stateHash(),
      entries: store.countsByKind(),
      journal: journal.status(),
      lastConnectedAt: db.getMeta("last_connected_at") ?? null,
    };
  } finally {
    db.close();
  }
}
