import type { Agent } from "./agent.ts";
import { writeFully } from "./output.ts";
import { JournalFullError } from "./store/journal.ts";

export interface LoadOptions {
  count: number;
  /** Records per second; undefined: as fast as group commit takes them (500 at a time). */
  rate: number | undefined;
}

/**
 * The load generator behind `kilusi-agent load-journal` (tests and benchmarks): appends `count`
 * `test.load` records {i} through the running agent's journal and prints `{"journaled":<seq>}`
 * on stdout once each has committed. A full journal is waited out, never skipped.
 */
export async function loadJournal(agent: Agent, opts: LoadOptions): Promise<void> {
  // A group commit resolves many appends in one tick: their lines go out in one write.
  let lines = "";
  const print = (seq: number) => {
    if (lines === "")
      queueMicrotask(() => {
        const text = lines;
        lines = "";
        writeFully(1, text);
      });
    lines += `{"journaled":${seq}}\n`;
  };
  const one = async (i: number) => {
    for (;;) {
      try {
        print(await agent.journal.append("test.load", { i }));
        return;
      } catch (error) {
        if (!(error instanceof JournalFullError)) throw error;
        await Bun.sleep(100);
      }
    }
  };
  if (opts.rate === undefined) {
    for (let start = 0; start < opts.count; start += 500) {
      const chunk = Array.from({ length: Math.min(500, opts.count - start) }, (_, k) => one(start + k));
      await Promise.all(chunk);
    }
    return;
  }
  const began = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < opts.count; i++) {
    const due = began + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 1) await Bun.sleep(wait);
    inFlight.push(one(i));
  }
  await Promise.all(inFlight);
}

/** Resolves when every record has been acknowledged by the cloud (and so deleted). */
export async function waitDrained(agent: Agent, pollMs = 100): Promise<void> {
  while (agent.journal.status().backlog > 0) await Bun.sleep(pollMs);
}
