import type { AgentBrokerAccess } from "../agents/agent-enroll.usecases.ts";
import type { CommandSender } from "./commands.usecases.ts";

/** What routes need of the sync machinery: broker access for enrollment, and the command channel. */
export interface SyncHandle {
  access: AgentBrokerAccess;
  /** Where agents dial the broker and what they must trust there (sent at enrollment). */
  agentBroker: { url: string; caPem: string | null };
  sendCommand: CommandSender;
}
