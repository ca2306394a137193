import type { Subprocess } from "bun";

/** One request for radclient: attribute lines (`Name = value`), without Proxy-State. */
export type RadclientRequest = string[];

export interface RadclientBatch {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Indexes (into the requests) that got an answer so far. */
  answered: Set<number>;
  /** Resolves when at least `n` answers came, or rejects after `timeoutMs`. */
  answeredAtLeast(n: number, timeoutMs?: number): Promise<void>;
  /** radclient's exit (it gives up on the unanswered after its retries). */
  done: Promise<number>;
}

/**
 * Sends many requests with one radclient (`-f`, `-p` in parallel, `-r` tries, `-t` seconds each),
 * tagging request i with Proxy-State = i, which the server echoes (RFC 2865 §5.33): which
 * requests were answered is read from radclient's own output, as a NAS would know it.
 */
export async function radclientBatch(
  target: string,
  kind: "auth" | "acct",
  secret: string,
  requests: readonly RadclientRequest[],
  {
    parallel = 100,
    tries = 3,
    timeoutSeconds = 1,
  }: { parallel?: number; tries?: number; timeoutSeconds?: number } = {},
): Promise<RadclientBatch> {
  const file = `/tmp/kilusi-radclient-${crypto.randomUUID()}.txt`;
  await Bun.write(
    file,
    requests
      .map((attrs, i) => `${[...attrs, `Proxy-State = 0x${i.toString(16).padStart(8, "0")}`].join("\n")}\n`)
      .join("\n"),
  );
  const proc = Bun.spawn(
    [
      "radclient",
      "-x",
      "-p",
      String(parallel),
      "-r",
      String(tries),
      "-t",
      String(timeoutSeconds),
      "-f",
      file,
      target,
      kind,
      secret,
    ],
    { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
  );
  const answered = new Set<number>();
  const waiters = new Set<{ n: number; resolve: () => void }>();
  let inReply = false;
  let tail = "";
  const done = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) {
      tail += decoder.decode(chunk, { stream: true });
      const lines = tail.split("\n");
      tail = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("Received ")) inReply = true;
        else if (line.startsWith("Sent ")) inReply = false;
        else if (inReply) {
          const tag = /^\s+Proxy-State = 0x([0-9a-f]{8})$/.exec(line)?.[1];
          if (tag) answered.add(Number.parseInt(tag, 16));
        }
      }
      for (const w of waiters) {
        if (answered.size >= w.n) {
          waiters.delete(w);
          w.resolve();
        }
      }
    }
    await new Response(proc.stderr).text();
    return proc.exited;
  })();
  return {
    proc,
    answered,
    done,
    answeredAtLeast(n, timeoutMs = 30_000) {
      if (answered.size >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const w = { n, resolve };
        waiters.add(w);
        setTimeout(() => {
          if (waiters.delete(w))
            reject(new Error(`radclient: ${answered.size} answers, wanted ${n}, after ${timeoutMs} ms`));
        }, timeoutMs);
      });
    },
  };
}
