import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@kilusi/shared/logger";
import type { RouteModule } from "../../control-plane/src/app.ts";
import { type Clock, systemClock } from "../../control-plane/src/clock.ts";
import { parseConfig } from "../../control-plane/src/config/config.ts";
import { type AssembledControlPlane, assembleControlPlane } from "../../control-plane/src/runtime.ts";

/**
 * The real control plane, assembled in-process on the embedded defaults (PGlite in a temporary
 * DATA_DIR, aedes on a free port, local files), for tests that call `app.request` or serve it.
 */
export async function assembleTestControlPlane(
  env: Record<string, string> = {},
  clock: Clock = systemClock,
  extraRoutes: readonly RouteModule[] = [],
): Promise<AssembledControlPlane> {
  const dataDir = mkdtempSync(join(tmpdir(), "kilusi-app-"));
  const config = parseConfig({ DATA_DIR: dataDir, MQTT_EMBEDDED_PORT: "0", LOG_LEVEL: "silent", ...env });
  const cp = await assembleControlPlane(
    config,
    createLogger({ name: "test", level: config.logLevel }),
    clock,
    extraRoutes,
  );
  return {
    ...cp,
    async close() {
      await cp.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
