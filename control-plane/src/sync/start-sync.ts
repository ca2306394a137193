import { readFileSync } from "node:fs";
import type { Logger } from "@kilusi/shared/logger";
import { databaseAgentAuthority } from "../agents/agent-authority.ts";
import { agentUsername } from "../agents/agent-credentials.ts";
import type { AgentBrokerAccess } from "../agents/agent-enroll.usecases.ts";
import type { Clock } from "../clock.ts";
import { type Config, ConfigError } from "../config/config.ts";
import { createSecretBox } from "../crypto/secret-box.ts";
import type { Database } from "../db/database.ts";
import { CONTROL_PLANE_MQTT_USERNAME, controlPlaneMqttPassword } from "../mqtt/agent-authority.ts";
import { type BrokerConnection, connectBroker } from "../mqtt/broker-connection.ts";
import { createDynsecClient } from "../mqtt/dynsec.ts";
import { startEmbeddedBroker } from "../mqtt/embedded-broker.ts";
import { controlPlaneUpSubscription } from "../mqtt/subscriptions.ts";
import type { Metrics } from "../observability/metrics.ts";
import { startSyncBridge } from "./sync-bridge.ts";
import type { SyncHandle } from "./sync-handle.ts";

export interface StartedSync {
  broker: BrokerConnection;
  handle: SyncHandle;
  close(): Promise<void>;
}

/**
 * The broker (embedded, or the configured one), the control plane's connection to it, the
 * sync bridge, and how enrollment reaches the broker's access control.
 */
export async function startSync(deps: {
  config: Config;
  logger: Logger;
  database: Database;
  metrics: Metrics;
  clock: Clock;
  masterKey: Buffer;
}): Promise<StartedSync> {
  const { config, logger } = deps;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse())
      await closer().catch((error) => logger.warn({ err: error }, "close failed"));
  };
  try {
    const caPem = readCa(config.agents.caFile);
    let brokerUrl: string;
    let access: AgentBrokerAccess = noProvisioning;
    if (config.mqtt.kind === "embedded") {
      const embedded = await startEmbeddedBroker({
        ...config.mqtt,
        logger,
        authority: databaseAgentAuthority(deps.database),
        controlPlanePassword: controlPlaneMqttPassword(deps.masterKey),
      });
      closers.push(() => embedded.close());
      brokerUrl = embedded.url;
      access = {
        // The authority reads the new credentials from the database: ending old sessions is all.
        enrolled: async (a) => {
          embedded.disconnectAgent(a.tenantId, a.agentId);
        },
        revoked: async (tenantId, agentId) => {
          embedded.disconnectAgent(tenantId, agentId);
        },
      };
    } else brokerUrl = config.mqtt.url;
    const broker = await connectBroker({
      url: brokerUrl,
      logger,
      ...(config.mqtt.kind === "embedded"
        ? { username: CONTROL_PLANE_MQTT_USERNAME, password: controlPlaneMqttPassword(deps.masterKey) }
        : {}),
    });
    closers.push(() => broker.close());
    if (config.mqtt.kind === "external") access = await externalAccess(config, broker, logger);
    const bridge = await startSyncBridge({
      database: deps.database,
      broker,
      logger,
      metrics: deps.metrics,
      clock: deps.clock,
      sealing: { secretBox: (purpose) => createSecretBox(deps.masterKey, purpose) },
      subscription: controlPlaneUpSubscription(config.mqtt.kind === "external" ? "mosquitto" : "embedded"),
    });
    closers.push(() => bridge.close());
    return {
      broker,
      handle: {
        access,
        agentBroker: { url: config.agents.brokerUrl ?? withoutCredentials(brokerUrl), caPem },
        sendCommand: (site, command) => bridge.publish(site, "command", command),
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function readCa(file: string | undefined): string | null {
  if (!file) return null;
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError("MQTT_AGENT_CA_FILE", `cannot be read: ${(error as Error).message}`);
  }
}

function withoutCredentials(url: string): string {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  return u.toString().replace(/\/$/, "");
}

const noProvisioning: AgentBrokerAccess = { enrolled: async () => {}, revoked: async () => {} };

/**
 * Mosquitto with the dynamic-security plugin (ADR 0007): the control plane connects as the
 * plugin's admin, sets up the role model once, and provisions each agent at enrollment. A
 * broker without the plugin does not stop the start: enrollment then fails with
 * broker.unavailable and says why, and MQTT_AGENT_PROVISIONING=none leaves agents to the operator.
 */
async function externalAccess(config: Config, broker: BrokerConnection, logger: Logger): Promise<AgentBrokerAccess> {
  if (config.agents.provisioning === "none") {
    logger.warn("MQTT_AGENT_PROVISIONING=none: the broker's operator must give each enrolled agent its credentials");
    return noProvisioning;
  }
  const dynsec = createDynsecClient(broker.client, { logger });
  const admin = decodeURIComponent(new URL(config.mqtt.kind === "external" ? config.mqtt.url : "mqtt://x").username);
  // Set up at start; a failure (broker down, plugin missing) is retried at the next enrollment
  // instead of leaving enrollment broken until a restart.
  let setUp: Promise<void> | undefined;
  const ready = () => {
    setUp ??= (async () => {
      await dynsec.ensureAgentRoleModel();
      if (admin) await dynsec.ensureControlPlaneRole(admin);
    })().catch((error: Error) => {
      setUp = undefined;
      logger.warn({ err: error.message }, "MQTT dynamic-security set-up failed; enrollment will try it again");
      throw error;
    });
    return setUp;
  };
  // Start-up waits for it (bounded): an enrollment right after the start must not race it.
  await Promise.race([ready().catch(() => {}), Bun.sleep(10_000)]);
  const usernameOf = (tenantId: string, agentId: string) => agentUsername(tenantId, agentId);
  return {
    async enrolled(a) {
      await ready();
      await dynsec.provisionAgent({
        username: a.username,
        password: a.password,
        tenantId: a.tenantId,
        siteId: a.siteId,
      });
    },
    async revoked(tenantId, agentId) {
      await dynsec.revokeAgent(usernameOf(tenantId, agentId));
    },
  };
}
