import { createInterface } from "node:readline";

/**
 * Reads a password from stdin. On a terminal: raw mode, nothing echoed, Backspace works,
 * Ctrl+C cancels. Otherwise (a pipe, a test, a script): the first line, without its line end;
 * nothing else is trimmed, because spaces are allowed in passwords.
 */
export function readPassword(prompt: string, input = process.stdin, output = process.stderr): Promise<string> {
  return input.isTTY ? readHidden(prompt, input, output) : readLine(input);
}

async function readLine(input: NodeJS.ReadStream): Promise<string> {
  const lines = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) return line;
    return "";
  } finally {
    lines.close();
  }
}

function readHidden(prompt: string, input: NodeJS.ReadStream, output: NodeJS.WritableStream): Promise<string> {
  output.write(prompt);
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = () => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      output.write("\n");
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n" || (ch === "\u0004" && value === "")) {
          finish();
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          finish();
          reject(new Error("cancelled"));
          return;
        }
        if (ch === "\u007f" || ch === "\b") value = [...value].slice(0, -1).join("");
        // Other control characters (arrow keys' escape sequences) are not part of a password.
        else if (ch >= " ") value += ch;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on("data", onData);
  });
}
