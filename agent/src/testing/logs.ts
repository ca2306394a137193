import { createLogger, type Logger, type LogLevel } from "@kilusi/shared/logger";

export interface CapturedLogs {
  logger: Logger;
  lines: Record<string, unknown>[];
  /** Lines whose msg contains `text`. */
  find(text: string): Record<string, unknown>[];
}

/** A real logger (the agent's JSON lines, redaction included) whose lines the test can read. */
export function captureLogs(level: LogLevel = "debug"): CapturedLogs {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    name: "kilusi-agent",
    level,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines, find: (text) => lines.filter((l) => String(l.msg).includes(text)) };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(20);
  }
}
