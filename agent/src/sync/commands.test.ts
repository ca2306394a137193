import { afterAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import type { DownMessage } from "@kilusi/shared/sync/messages";
import { openStoreDatabase } from "../store/database.ts";
import { removeTempDirs, tempDataDir } from "../testing/fixtures.ts";
import { captureLogs } from "../testing/logs.ts";
import { type CommandResult, CommandRunner, KEPT_RESULTS } from "./commands.ts";

afterAll(removeTempDirs);

function setup(dataDir = tempDataDir()) {
  const db = openStoreDatabase(dataDir);
  const published: CommandResult[] = [];
  let executions = 0;
  const runner = new CommandRunner({
    store: db,
    agentId: db.installationId,
    publish: (r) => published.push(r) > 0,
    logger: captureLogs().logger,
    handlers: {
      echo: (args) => ({ echoed: args, execution: ++executions }),
      explode: () => {
        throw new Error("boom");
      },
    },
  });
  return { db, runner, published, executions: () => executions };
}

const command = (name: string, overrides: Partial<DownMessage<"command">> = {}): DownMessage<"command"> => ({
  v: 1,
  cmdId: randomUUID(),
  name,
  args: { n: 1 },
  notAfter: new Date(Date.now() + 60_000).toISOString(),
  ...overrides,
});

describe("commands", () => {
  test("a cmdId seen again gets the stored result without a second execution, even after a restart", async () => {
    const dataDir = tempDataDir();
    const a = setup(dataDir);
    const cmd = command("echo");
    const first = await a.runner.handle(cmd);
    expect(first).toEqual({
      v: 1,
      agentId: a.db.installationId,
      cmdId: cmd.cmdId,
      ok: true,
      result: { echoed: { n: 1 }, execution: 1 },
      error: null,
    });
    expect(await a.runner.handle(cmd)).toEqual(first as CommandResult);
    expect(a.executions()).toBe(1);
    expect(a.published).toEqual([first as CommandResult, first as CommandResult]);
    a.db.close();

    const b = setup(dataDir);
    expect(await b.runner.handle(cmd)).toEqual(first as CommandResult);
    expect(b.executions()).toBe(0);
    b.db.close();
  });

  test("a command past notAfter is not executed; its refusal is what a duplicate gets", async () => {
    const { db, runner, executions } = setup();
    const cmd = command("echo", { notAfter: new Date(Date.now() - 1).toISOString() });
    const result = await runner.handle(cmd);
    expect(result).toMatchObject({ ok: false, result: null, error: { code: "command.expired" } });
    expect(executions()).toBe(0);
    expect(await runner.handle({ ...cmd, notAfter: new Date(Date.now() + 60_000).toISOString() })).toEqual(
      result as CommandResult,
    );
    expect(executions()).toBe(0);
    db.close();
  });

  test("an unknown name, or a name inherited from Object, is command.unknown; a throwing handler is command.failed", async () => {
    const { db, runner } = setup();
    expect(await runner.handle(command("reboot"))).toMatchObject({ ok: false, error: { code: "command.unknown" } });
    expect(await runner.handle(command("toString"))).toMatchObject({ ok: false, error: { code: "command.unknown" } });
    expect(await runner.handle(command("explode"))).toMatchObject({
      ok: false,
      error: { code: "command.failed", message: "boom" },
    });
    db.close();
  });

  test(`only the last ${KEPT_RESULTS} results are kept`, async () => {
    const { db, runner, executions } = setup();
    const cmds = Array.from({ length: KEPT_RESULTS + 5 }, () => command("echo"));
    for (const cmd of cmds) await runner.handle(cmd);
    const kept = db.db.query("select count(*) as n from command_results").get() as { n: number };
    expect(kept.n).toBe(KEPT_RESULTS);
    await runner.handle(cmds.at(-1) as DownMessage<"command">);
    expect(executions()).toBe(KEPT_RESULTS + 5);
    await runner.handle(cmds[0] as DownMessage<"command">); // forgotten: executed again
    expect(executions()).toBe(KEPT_RESULTS + 6);
    db.close();
  });
});
