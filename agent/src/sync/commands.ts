import type { Logger } from "@kilusi/shared/logger";
import type { DownMessage, UpMessage } from "@kilusi/shared/sync/messages";
import type { StoreDatabase } from "../store/database.ts";

export type CommandResult = UpMessage<"command-result">;
export type CommandHandler = (
  args: Record<string, unknown>,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** Results kept for dedupe: a cmdId seen again gets the stored result, not a second execution. */
export const KEPT_RESULTS = 1000;

export interface CommandRunnerOptions {
  store: StoreDatabase;
  agentId: string;
  handlers: Record<string, CommandHandler>;
  publish: (result: CommandResult) => boolean;
  logger: Logger;
  now?: () => number;
}

/**
 * Commands from the cloud (DESIGN §6): executed at most once per cmdId, never after notAfter.
 * The result is stored before it is published, so a command re-sent because the result was
 * lost (disconnect, cloud restart) is answered from the store.
 */
export class CommandRunner {
  private readonly running = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly o: CommandRunnerOptions) {
    this.now = o.now ?? Date.now;
  }

  async handle(m: DownMessage<"command">): Promise<CommandResult | null> {
    const db = this.o.store.db;
    const stored = db.query("select payload from command_results where cmd_id = ?").get(m.cmdId) as {
      payload: string;
    } | null;
    if (stored) {
      const result = JSON.parse(stored.payload) as CommandResult;
      this.o.logger.info({ cmdId: m.cmdId, command: m.name }, "command seen before; its result sent again");
      this.o.publish(result);
      return result;
    }
    // The same cmdId again while it runs: its result follows when it finishes.
    if (this.running.has(m.cmdId)) return null;
    this.running.add(m.cmdId);
    try {
      const result = await this.execute(m);
      db.transaction(() => {
        db.query("insert or ignore into command_results (cmd_id, payload) values (?, ?)").run(
          m.cmdId,
          JSON.stringify(result),
        );
        db.query("delete from command_results where id <= (select max(id) from command_results) - ?").run(KEPT_RESULTS);
      })();
      this.o.logger.info({ cmdId: m.cmdId, command: m.name, ok: result.ok, error: result.error?.code }, "command done");
      this.o.publish(result);
      return result;
    } finally {
      this.running.delete(m.cmdId);
    }
  }

  private async execute(m: DownMessage<"command">): Promise<CommandResult> {
    const fail = (code: string, message: string): CommandResult => ({
      v: 1,
      agentId: this.o.agentId,
      cmdId: m.cmdId,
      ok: false,
      result: null,
      error: { code, message: message.slice(0, 1000) },
    });
    if (this.now() > Date.parse(m.notAfter))
      return fail("command.expired", `not executed: notAfter ${m.notAfter} passed`);
    const handler = Object.hasOwn(this.o.handlers, m.name) ? this.o.handlers[m.name] : undefined;
    if (!handler) return fail("command.unknown", `this agent has no command ${JSON.stringify(m.name)}`);
    try {
      return { v: 1, agentId: this.o.agentId, cmdId: m.cmdId, ok: true, result: await handler(m.args), error: null };
    } catch (error) {
      this.o.logger.error({ cmdId: m.cmdId, command: m.name, err: String(error) }, "command failed");
      return fail("command.failed", error instanceof Error ? error.message : String(error));
    }
  }
}
