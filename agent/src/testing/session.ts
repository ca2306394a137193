import type { SiteAddress } from "@kilusi/shared/sync/topics";
import { type Agent, startAgent } from "../agent.ts";
import { CloudPeer } from "./cloud-peer.ts";
import { enrolledDataDir, testConfig } from "./fixtures.ts";
import { type CapturedLogs, captureLogs } from "./logs.ts";

export interface AgentSession {
  agent: Agent;
  cloud: CloudPeer;
  logs: CapturedLogs;
  site: SiteAddress;
  agentId: string;
  dataDir: string;
}

const running: (() => Promise<void>)[] = [];

/**
 * An enrolled agent started in-process against `brokerUrl`, with a cloud peer listening on its
 * site. `welcome` (default on) answers every hello like the control plane: protocol 1 at
 * `currentRevision()`.
 */
export async function startSession(
  brokerUrl: string,
  opts: { env?: Record<string, string>; welcome?: false | (() => number) } = {},
): Promise<AgentSession> {
  const { dataDir, site, agentId } = enrolledDataDir(brokerUrl);
  const cloud = await CloudPeer.connect(brokerUrl, site);
  if (opts.welcome !== false) {
    const current = opts.welcome ?? (() => 0);
    cloud.on((r) => {
      if (r.name === "hello") {
        void cloud.send("welcome", { v: 1, protocol: 1, supported: [1], currentRevision: current() });
      }
    });
  }
  const logs = captureLogs();
  const agent = await startAgent(testConfig(dataDir, opts.env), logs.logger);
  running.push(async () => {
    await agent.stop();
    await cloud.close();
  });
  return { agent, cloud, logs, site, agentId, dataDir };
}

export async function stopSessions(): Promise<void> {
  for (const stop of running.splice(0)) await stop();
}
