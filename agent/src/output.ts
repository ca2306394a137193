import { writeSync } from "node:fs";

/**
 * Writes all of `text` to `fd` before returning. stdout may be a non-blocking pipe (Bun makes
 * it one): a full pipe answers EAGAIN, and a line must neither be lost nor cut.
 */
export function writeFully(fd: number, text: string): void {
  let bytes = Buffer.from(text);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Bun.sleepSync(1);
    }
  }
}
