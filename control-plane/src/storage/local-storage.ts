import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { access, mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parseStorageKey, type Storage, type StoredObject, toStoredObject } from "./storage.ts";

export interface LocalStorageOptions {
  dir: string;
}

// On disk, key "a/b/c.pdf" is the file "<dir>/a/b/c.pdf@object". Directories keep the bare
// segment names and '@' can never appear in a segment, so key "a" (file "a@object") and
// key "a/x" (directory "a") coexist, as they do on S3; temp files ("@tmp-…") can never be
// mistaken for either.
const OBJECT_SUFFIX = "@object";
const TEMP_PREFIX = "@tmp-";

// Each file holds one JSON header line, then the body. Type and body live in one file so a
// single rename replaces both: a reader never sees a new body with an old content type.
const FORMAT_VERSION = 1;
const NEWLINE = 0x0a;

interface Header {
  v: number;
  contentType: string;
}

export function createLocalStorage(opts: LocalStorageOptions): Storage {
  const root = resolve(opts.dir);
  const pathOf = (key: string) => `${join(root, ...parseStorageKey(key))}${OBJECT_SUFFIX}`;

  return {
    kind: "local",

    async put(key, body, putOpts) {
      const file = pathOf(key);
      const object = toStoredObject(body, putOpts);
      await writeAtomically(file, encode(object));
    },

    async get(key) {
      const file = pathOf(key);
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
      } catch (error) {
        if (isAbsent(error)) return null;
        throw error;
      }
      return decode(bytes, file);
    },

    async delete(key) {
      const file = pathOf(key);
      try {
        await unlink(file);
      } catch (error) {
        if (!isAbsent(error)) throw error;
      }
      // Empty directories stay: removing them would race with a put creating a sibling.
    },

    async exists(key) {
      const file = pathOf(key);
      try {
        return (await stat(file)).isFile();
      } catch (error) {
        if (isAbsent(error)) return false;
        throw error;
      }
    },

    async check() {
      await mkdir(root, { recursive: true });
      await access(root, constants.R_OK | constants.W_OK | constants.X_OK);
    },
  };
}

async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  // Same directory as the target, so the rename stays on one filesystem and is atomic.
  const temp = join(dir, `${TEMP_PREFIX}${randomUUID()}`);
  try {
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  // The rename is only durable once the directory entry itself reaches the disk.
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function encode(object: StoredObject): Uint8Array {
  const header: Header = { v: FORMAT_VERSION, contentType: object.contentType };
  // JSON.stringify escapes control characters, so the header never contains a raw newline.
  const head = new TextEncoder().encode(`${JSON.stringify(header)}\n`);
  const out = new Uint8Array(head.byteLength + object.body.byteLength);
  out.set(head, 0);
  out.set(object.body, head.byteLength);
  return out;
}

function decode(bytes: Uint8Array, file: string): StoredObject {
  const end = bytes.indexOf(NEWLINE);
  const header = end < 0 ? null : parseHeader(new TextDecoder().decode(bytes.subarray(0, end)));
  if (header === null) throw new Error(`stored object ${file} is not in the expected format`);
  // A plain Uint8Array view, not the Buffer readFile returns: callers compare and hash it.
  const body = new Uint8Array(bytes.buffer, bytes.byteOffset + end + 1, bytes.byteLength - end - 1);
  return { body, contentType: header.contentType, size: body.byteLength };
}

function parseHeader(text: string): Header | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return null;
    const { v, contentType } = value as Record<string, unknown>;
    if (v !== FORMAT_VERSION || typeof contentType !== "string") return null;
    return { v, contentType };
  } catch {
    return null;
  }
}

function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  // ENOTDIR: a path component is a plain file, so nothing can be stored below it.
  return code === "ENOENT" || code === "ENOTDIR";
}
