/**
 * A mock NAS for CoA/Disconnect tests: Debian's FreeRADIUS (3.2) running its `coa` virtual
 * server on a loopback port, from a config generated in a temp dir (mock-nas/radiusd.conf).
 * It ACKs every CoA-Request and Disconnect-Request, except those whose User-Name is in
 * `nakUsers`, which get a NAK with Error-Cause (503 Session-Context-Not-Found by default).
 * Each request is written by FreeRADIUS's `detail` module, which `received()` reads back.
 */
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readText } from "./json-lines.ts";

export const FREERADIUS = "/usr/sbin/freeradius";
export const freeradiusHint = "apt-get install freeradius (Debian FreeRADIUS 3.2)";
export const freeradiusInstalled = () => existsSync(FREERADIUS);

export interface NasRequest {
  /** "CoA-Request" or "Disconnect-Request". */
  code: string;
  /** Every attribute as FreeRADIUS printed it, unquoted (several values of one name in order). */
  attributes: Record<string, string[]>;
  userName: string | null;
  sessionId: string | null;
  framedIp: string | null;
  nasIp: string | null;
  rateLimit: string | null;
}

export interface MockNas {
  port: number;
  received(): Promise<NasRequest[]>;
  /** The first request (in arrival order) for which `pred` holds; rejects after `timeoutMs`. */
  waitFor(pred: (r: NasRequest) => boolean, timeoutMs?: number): Promise<NasRequest>;
  /** Everything FreeRADIUS printed (for a failing test's message). */
  output(): string;
  stop(): Promise<void>;
}

export interface MockNasOptions {
  secret: string;
  /** User-Names answered with a NAK. */
  nakUsers?: string[];
  /** The NAK's Error-Cause (RFC 5176 §3.5). */
  nakErrorCause?: number;
  startTimeoutMs?: number;
}

const TEMPLATE = join(import.meta.dir, "mock-nas", "radiusd.conf");
// The secret goes into the config unquoted; FreeRADIUS would expand ${…} or %{…} in it.
const SAFE_SECRET = /^[A-Za-z0-9._~+/=-]{1,128}$/;

/** A UDP port on 127.0.0.1 free right now. */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve());
  });
  const { port } = socket.address() as AddressInfo;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** unlang single-quoted strings are literal; only ' and \ need escaping. */
const unlangLiteral = (s: string) => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;

export async function startMockNas(options: MockNasOptions): Promise<MockNas> {
  if (!SAFE_SECRET.test(options.secret)) throw new Error("mock NAS secret: use letters, digits and ._~+/=- only");
  const nakUsers = options.nakUsers ?? [];
  const nakCondition = nakUsers.length ? nakUsers.map((u) => `&User-Name == ${unlangLiteral(u)}`).join(" || ") : "0";
  const errorCause = options.nakErrorCause ?? 503;
  if (!Number.isInteger(errorCause) || errorCause < 0) throw new Error(`mock NAS: bad Error-Cause ${errorCause}`);
  let lastError: unknown;
  // The port is free when chosen, but another process may take it before FreeRADIUS binds it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeUdpPort();
    try {
      return await launch(options, port, nakCondition, errorCause);
    } catch (error) {
      lastError = error;
      if (!String(error).includes("bind")) break;
    }
  }
  throw lastError;
}

async function launch(options: MockNasOptions, port: number, nakCondition: string, errorCause: number) {
  const dir = mkdtempSync(join(tmpdir(), "kilusi-mock-nas-"));
  const config = readFileSync(TEMPLATE, "utf8")
    .replaceAll("{{DIR}}", dir)
    .replaceAll("{{PORT}}", String(port))
    .replaceAll("{{SECRET}}", options.secret)
    .replaceAll("{{NAK_CONDITION}}", nakCondition)
    .replaceAll("{{ERROR_CAUSE}}", String(errorCause));
  writeFileSync(join(dir, "radiusd.conf"), config, { mode: 0o600 });
  const detailFile = join(dir, "received.detail");

  const proc = Bun.spawn([FREERADIUS, "-f", "-l", "stdout", "-d", dir], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const killOnExit = () => proc.kill("SIGKILL");
  process.once("exit", killOnExit);
  let out = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onChunk = (text: string) => {
      out += text;
      if (out.includes("Ready to process requests")) resolve();
    };
    Promise.all([readText(proc.stdout, onChunk), readText(proc.stderr, onChunk)]).then(() =>
      reject(new Error(`FreeRADIUS (mock NAS) exited before it was ready:\n${out}`)),
    );
  });
  const timeoutMs = options.startTimeoutMs ?? 5_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`FreeRADIUS (mock NAS) not ready after ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
  });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      proc.kill("SIGTERM");
      const killer = setTimeout(() => proc.kill("SIGKILL"), 2_000);
      await proc.exited;
      clearTimeout(killer);
      process.off("exit", killOnExit);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const received = async (): Promise<NasRequest[]> => {
    const file = Bun.file(detailFile);
    return (await file.exists()) ? parseDetail(await file.text()) : [];
  };
  return {
    port,
    received,
    output: () => out,
    stop,
    async waitFor(pred, waitMs = 5_000) {
      const until = Date.now() + waitMs;
      for (;;) {
        const hit = (await received()).find(pred);
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`mock NAS: no matching request within ${waitMs} ms`);
        await Bun.sleep(20);
      }
    },
  } satisfies MockNas;
}

/**
 * rlm_detail's format: a header line, then `\tName = value` lines, then a blank line. A block
 * not yet followed by its blank line may be half written, so it is left for the next read.
 */
export function parseDetail(text: string): NasRequest[] {
  const blocks = text.split("\n\n");
  blocks.pop();
  return blocks
    .filter((b) => b.trim() !== "")
    .map((block) => {
      const attributes: Record<string, string[]> = {};
      for (const line of block.split("\n")) {
        const m = /^\t([A-Za-z0-9.-]+) = (.*)$/.exec(line);
        if (!m?.[1] || m[2] === undefined) continue;
        const values = attributes[m[1]] ?? [];
        values.push(unquote(m[2]));
        attributes[m[1]] = values;
      }
      const one = (name: string) => attributes[name]?.[0] ?? null;
      return {
        code: one("Packet-Type") ?? "unknown",
        attributes,
        userName: one("User-Name"),
        sessionId: one("Acct-Session-Id"),
        framedIp: one("Framed-IP-Address"),
        nasIp: one("NAS-IP-Address"),
        rateLimit: one("Mikrotik-Rate-Limit"),
      };
    });
}

function unquote(value: string): string {
  if (!(value.length >= 2 && value.startsWith('"') && value.endsWith('"'))) return value;
  return value.slice(1, -1).replace(/\\([0-7]{3}|.)/g, (_, c: string) => {
    if (c.length === 3) return String.fromCharCode(Number.parseInt(c, 8));
    return ({ n: "\n", r: "\r", t: "\t" } as Record<string, string>)[c] ?? c;
  });
}
