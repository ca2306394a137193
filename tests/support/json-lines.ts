import type { Subprocess } from "bun";

type ChildOutput = Subprocess<"ignore", "pipe", "pipe">["stdout"];

/**
 * Reads a child's stdout as JSON lines (pino logs, the agent's `{"journaled": …}`), calling
 * `onLine` for each; a line that is not JSON is passed as `{ unparsed }`. Resolves at EOF.
 */
export async function readJsonLines(
  stream: ChildOutput,
  onLine: (line: Record<string, unknown>) => void,
): Promise<void> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { unparsed: text };
      }
      onLine(line);
    }
  }
}

/** Collects a child's stderr as text. */
export async function readText(stream: ChildOutput, onChunk: (text: string) => void): Promise<void> {
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) onChunk(chunk);
}
