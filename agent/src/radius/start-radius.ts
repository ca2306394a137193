import type { Logger } from "@kilusi/shared/logger";
import type { AgentConfig } from "../config/config.ts";
import type { StoreDatabase } from "../store/database.ts";
import type { Journal } from "../store/journal.ts";
import type { DesiredStateStore } from "../store/store.ts";
import { Accounting } from "./accounting/accounting.ts";
import { Authorizer } from "./authorize/authorizer.ts";
import { radiusSelfTest } from "./packet/index.ts";
import { NasTable } from "./server/nas-table.ts";
import { RadiusServer, type RadiusServerStats } from "./server/radius-server.ts";
import { SessionTable } from "./sessions/session-table.ts";

export interface RadiusService {
  authPort: number;
  acctPort: number;
  sessions: SessionTable;
  server: RadiusServer;
  /**
   * Stops taking datagrams and closes the ports (synchronously; the promise is for callers that
   * shut several services down in turn). The journal stays open: the agent closes it after.
   */
  close(): Promise<void>;
  stats(): RadiusServerStats & { nases: number; sessions: number };
}

/**
 * The agent's RADIUS side: the codec's self-test, then the NAS table, authorization and
 * accounting on the site's store, then the ports. Throws RadiusSelfTestError (broken embedded
 * dictionary or codec) or RadiusBindError (names the address:port) and leaves nothing open.
 */
export async function startRadius(o: {
  config: AgentConfig["radius"];
  db: StoreDatabase;
  store: DesiredStateStore;
  journal: Journal;
  logger: Logger;
  /** How often stale sessions are swept (tests shorten it). */
  sweepIntervalMs?: number;
}): Promise<RadiusService> {
  radiusSelfTest();
  const logger = o.logger.child({ component: "radius" });
  const sessions = new SessionTable(o.db);
  const nases = new NasTable(o.store, logger);
  const { interimSeconds } = o.config;
  const accounting = new Accounting({ store: o.store, sessions, journal: o.journal, logger, interimSeconds });
  const authorizer = new Authorizer({ store: o.store, sessions, journal: o.journal, logger, interimSeconds });
  let server: RadiusServer;
  try {
    server = await RadiusServer.start({
      bind: o.config.bind,
      authPort: o.config.authPort,
      acctPort: o.config.acctPort,
      nases,
      authorizer,
      accounting,
      logger,
    });
  } catch (error) {
    nases.close();
    sessions.close();
    throw error;
  }
  accounting.startSweeping(o.sweepIntervalMs);
  logger.info(
    { bind: o.config.bind, authPort: server.authPort, acctPort: server.acctPort, nases: nases.size() },
    "RADIUS listening",
  );
  let closed = false;
  return {
    authPort: server.authPort,
    acctPort: server.acctPort,
    sessions,
    server,
    close: async () => {
      if (closed) return;
      closed = true;
      accounting.close();
      nases.close();
      server.close();
      sessions.close();
    },
    stats: () => ({ ...server.stats(), nases: nases.size(), sessions: sessions.count() }),
  };
}
