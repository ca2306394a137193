/** The agent's release; sent in hello, presence and enrollment. */
export const AGENT_VERSION = "0.5.0";
