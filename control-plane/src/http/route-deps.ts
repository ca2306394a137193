import type { Logger } from "@kilusi/shared/logger";
import type { AssetUrls } from "@kilusi/web/assets.ts";
import type { Clock } from "../clock.ts";
import type { Config } from "../config/config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Database } from "../db/database.ts";
import type { createLoginThrottle, createRateLimiter } from "../rate-limits/rate-limits.ts";
import type { SessionPolicy } from "../sessions/sessions.ts";
import type { Storage } from "../storage/storage.ts";
import type { SyncHandle } from "../sync/sync-handle.ts";

/** What every domain's routes may use; built once in createApp. */
export interface RouteDeps {
  config: Config;
  logger: Logger;
  database: Database;
  storage: Storage;
  clock: Clock;
  assets: AssetUrls;
  policy: SessionPolicy;
  throttle: ReturnType<typeof createLoginThrottle>;
  limiter: ReturnType<typeof createRateLimiter>;
  /** Seals a secret at rest for one purpose (e.g. "users/totp"), bound to its row by AAD. */
  secretBox(purpose: string): SecretBox;
  /** Agent enrollment and commands (sync/). */
  sync: SyncHandle;
}
