import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createStorage } from "./create-storage.ts";
import { createLocalStorage } from "./local-storage.ts";
import { createS3Storage, type S3StorageOptions } from "./s3-storage.ts";
import { InvalidStorageKeyError, MAX_KEY_LENGTH, MAX_SEGMENT_LENGTH, type Storage } from "./storage.ts";

interface Opened {
  storage: Storage;
  dispose(): Promise<void>;
}

/** Each call must return an empty storage that no other test sees. */
type StorageFactory = () => Promise<Opened>;

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const MAX_KEY = Array.from({ length: 3 }, (_, i) => `${i}`.repeat(MAX_SEGMENT_LENGTH))
  .join("/")
  .slice(0, MAX_KEY_LENGTH);

const BAD_KEYS: [string, string][] = [
  ["empty", ""],
  ["absolute", "/abs"],
  ["trailing slash", "dir/"],
  ["empty segment", "a//b"],
  ["parent at start", "../x"],
  ["parent in the middle", "a/../b"],
  ["bare parent", ".."],
  ["current dir", "./x"],
  ["current dir at end", "a/."],
  ["too long", "x".repeat(MAX_KEY_LENGTH + 1)],
  ["segment too long", "x".repeat(MAX_SEGMENT_LENGTH + 1)],
  ["space", "a b"],
  ["backslash", "a\\..\\b"],
  ["percent-encoded dots", "%2e%2e/x"],
  ["non-ASCII", "café"],
  ["NUL byte", "a\u0000b"],
  ["newline", "a\nb"],
  ["our on-disk marker", "a@object"],
];

function describeStorageContract(name: string, open: StorageFactory): void {
  describe(`${name}: Storage contract`, () => {
    let opened: Opened;
    let storage: Storage;

    beforeEach(async () => {
      opened = await open();
      storage = opened.storage;
    });
    afterEach(async () => {
      await opened.dispose();
    });

    test("round-trips every byte value and the content type", async () => {
      await storage.put("blob.bin", ALL_BYTES, { contentType: "application/x-kilusi-test" });
      const got = await storage.get("blob.bin");
      expect(got).toEqual({ body: ALL_BYTES, contentType: "application/x-kilusi-test", size: 256 });
      expect(got?.body).toBeInstanceOf(Uint8Array);
    });

    test("stores strings as UTF-8 text and bytes as octet-stream by default", async () => {
      await storage.put("note.txt", "Tagihan lunas ✓");
      await storage.put("raw", new Uint8Array([1, 2, 3]));
      const note = await storage.get("note.txt");
      expect(new TextDecoder().decode(note?.body)).toBe("Tagihan lunas ✓");
      expect(note?.contentType).toBe("text/plain; charset=utf-8");
      expect(note?.size).toBe(new TextEncoder().encode("Tagihan lunas ✓").byteLength);
      expect((await storage.get("raw"))?.contentType).toBe("application/octet-stream");
    });

    test("stores only the bytes a Uint8Array view covers", async () => {
      await storage.put("view", ALL_BYTES.subarray(10, 20));
      expect((await storage.get("view"))?.body).toEqual(ALL_BYTES.slice(10, 20));
    });

    test("stores an empty body", async () => {
      await storage.put("empty", new Uint8Array(), { contentType: "text/csv" });
      expect(await storage.get("empty")).toEqual({ body: new Uint8Array(), contentType: "text/csv", size: 0 });
      expect(await storage.exists("empty")).toBe(true);
    });

    test("overwrite replaces body and content type", async () => {
      await storage.put("doc", "first version, longer than the second", { contentType: "text/plain" });
      await storage.put("doc", new Uint8Array([9]), { contentType: "image/png" });
      expect(await storage.get("doc")).toEqual({ body: new Uint8Array([9]), contentType: "image/png", size: 1 });
    });

    test("a missing key reads as null and does not exist", async () => {
      expect(await storage.get("never/written.pdf")).toBeNull();
      expect(await storage.exists("never/written.pdf")).toBe(false);
    });

    test("delete removes the object and is idempotent", async () => {
      await storage.put("gone.txt", "bye");
      expect(await storage.exists("gone.txt")).toBe(true);
      await storage.delete("gone.txt");
      expect(await storage.exists("gone.txt")).toBe(false);
      expect(await storage.get("gone.txt")).toBeNull();
      await storage.delete("gone.txt");
      await storage.delete("never/existed/at.all");
    });

    test("nested keys, and a key that is also a prefix of others, are independent", async () => {
      const keys = ["tenant-1", "tenant-1/invoices", "tenant-1/invoices/2025-01.pdf", "tenant-1/.hidden", "t/_.-/..."];
      for (const key of keys) await storage.put(key, key);
      for (const key of keys) expect(new TextDecoder().decode((await storage.get(key))?.body)).toBe(key);
      await storage.delete("tenant-1");
      expect(await storage.exists("tenant-1")).toBe(false);
      expect(await storage.exists("tenant-1/invoices")).toBe(true);
      expect(await storage.exists("tenant-1/invoices/2025-01.pdf")).toBe(true);
      expect(await storage.exists("tenant-1/invoices/2025")).toBe(false);
    });

    test("accepts the longest allowed key and segment", async () => {
      expect(MAX_KEY.length).toBe(MAX_KEY_LENGTH);
      await storage.put(MAX_KEY, "long");
      expect(await storage.exists(MAX_KEY)).toBe(true);
      await storage.delete(MAX_KEY);
      expect(await storage.exists(MAX_KEY)).toBe(false);
    });

    test.each(BAD_KEYS)("rejects a bad key (%s) in every operation", async (_label, key) => {
      const calls: (() => Promise<unknown>)[] = [
        () => storage.put(key, "x"),
        () => storage.get(key),
        () => storage.delete(key),
        () => storage.exists(key),
      ];
      for (const call of calls) {
        const error = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(InvalidStorageKeyError);
        expect((error as InvalidStorageKeyError).code).toBe("invalid_storage_key");
        expect((error as InvalidStorageKeyError).key).toBe(key);
        expect((error as Error).message).toContain(JSON.stringify(key.slice(0, 80)).slice(0, -1));
      }
    });

    test("rejects a content type that cannot be an HTTP header", async () => {
      await expect(storage.put("a", "x", { contentType: "text/plain\r\nX-Evil: 1" })).rejects.toThrow(TypeError);
      await expect(storage.put("a", "x", { contentType: "" })).rejects.toThrow(TypeError);
      expect(await storage.exists("a")).toBe(false);
    });

    test("concurrent puts to distinct keys all land", async () => {
      const keys = Array.from({ length: 24 }, (_, i) => `batch/${i % 4}/item-${i}.bin`);
      await Promise.all(keys.map((key, i) => storage.put(key, new Uint8Array(1000).fill(i))));
      const got = await Promise.all(keys.map((key) => storage.get(key)));
      got.forEach((object, i) => {
        expect(object?.size).toBe(1000);
        expect(object?.body.every((b) => b === i)).toBe(true);
      });
    });

    test("check() passes on a working backend", async () => {
      await storage.check();
    });
  });
}

async function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `kilusi-${label}-`));
}

/** Every file under dir, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe("local storage", () => {
  describeStorageContract("local", async () => {
    const dir = await tempDir("files");
    return { storage: createLocalStorage({ dir }), dispose: () => rm(dir, { recursive: true, force: true }) };
  });

  let dir: string;
  beforeEach(async () => {
    dir = await tempDir("files");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("a new instance on the same directory reads what an earlier one wrote", async () => {
    await createLocalStorage({ dir }).put("tenant/logo.png", ALL_BYTES, { contentType: "image/png" });
    const reopened = createLocalStorage({ dir });
    expect(await reopened.get("tenant/logo.png")).toEqual({ body: ALL_BYTES, contentType: "image/png", size: 256 });
  });

  test("creates a missing root directory on first write", async () => {
    const root = join(dir, "not", "yet", "there");
    await createLocalStorage({ dir: root }).put("k", "v");
    expect(await filesUnder(root)).toEqual(["k@object"]);
  });

  test("leaves no temp files behind, and ignores one left by a crash", async () => {
    const storage = createLocalStorage({ dir });
    await storage.put("a/report.csv", "v1");
    await storage.put("a/report.csv", "v2");
    expect(await filesUnder(dir)).toEqual(["a/report.csv@object"]);
    // What a crash between write and rename leaves: a partial temp file beside the object.
    await writeFile(join(dir, "a", "@tmp-00000000-0000-0000-0000-000000000000"), '{"v":1,"conte');
    expect(new TextDecoder().decode((await storage.get("a/report.csv"))?.body)).toBe("v2");
    expect(await storage.exists("a/report.csv")).toBe(true);
  });

  // Part of the contract, but checked here only: s3rver rewrites an object's file in place
  // and keeps its metadata in a second file, so racing puts interleave there. S3 itself
  // promises that the last whole PUT wins.
  test("concurrent puts to one key leave one whole version", async () => {
    const storage = createLocalStorage({ dir });
    const versions = Array.from({ length: 8 }, (_, i) => new Uint8Array(64 * 1024).fill(i + 1));
    await Promise.all(versions.map((body, i) => storage.put("contended", body, { contentType: `x/v${i + 1}` })));
    const got = await storage.get("contended");
    const first = got?.body[0] ?? 0;
    expect(first).toBeGreaterThan(0);
    expect(got?.body.every((b) => b === first)).toBe(true);
    expect(got?.contentType).toBe(`x/v${first}`);
  });

  test("a damaged object file is an error, not a missing object", async () => {
    await writeFile(join(dir, "broken@object"), "no header line");
    await expect(createLocalStorage({ dir }).get("broken")).rejects.toThrow(/not in the expected format/);
  });

  test("check() fails when the directory cannot be used", async () => {
    const file = join(dir, "plain-file");
    await writeFile(file, "");
    await expect(createLocalStorage({ dir: file }).check()).rejects.toThrow();
  });

  test("createStorage() defaults to <dataDir>/files", async () => {
    const storage = createStorage({ dataDir: dir });
    expect(storage.kind).toBe("local");
    await storage.put("x/y", "z");
    expect(await filesUnder(dir)).toEqual(["files/x/y@object"]);
  });
});

// s3rver's own runtime is Node, so it runs there, as a separate peer like S3 itself. In
// Bun's process its PUT answers before the bytes are on disk (it waits for its hashing
// Transform to finish, not for the file write stream, which Bun flushes later than Node
// does), and a GET right after a PUT then reads a short or empty object.
const NODE = Bun.which("node");
const S3RVER_MAIN = fileURLToPath(import.meta.resolve("s3rver"));
// Exits when our end of its stdin closes, so a killed test run leaves no server behind.
const S3RVER_SCRIPT = `
const S3rver = require(process.argv[1]);
process.stdin.on("end", () => process.exit(0)).resume();
new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: process.argv[2] })
  .run()
  .then(({ port }) => console.log(JSON.stringify({ port })), (e) => { console.error(e); process.exit(1); });
`;
// s3rver's built-in account; it checks request signatures against this pair.
const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

interface RunningS3rver {
  endpoint: string;
  stop(): Promise<void>;
}

async function startS3rver(node: string, directory: string): Promise<RunningS3rver> {
  const proc = Bun.spawn([node, "-e", S3RVER_SCRIPT, S3RVER_MAIN, directory], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const { port } = JSON.parse(await firstLine(proc.stdout, 15_000)) as { port: number };
    const stop = async () => {
      proc.stdin.end();
      const timer = setTimeout(() => proc.kill(), 5_000);
      await proc.exited;
      clearTimeout(timer);
    };
    return { endpoint: `http://127.0.0.1:${port}`, stop };
  } catch (error) {
    proc.kill();
    const stderr = await new Response(proc.stderr).text();
    throw new Error(`s3rver did not start: ${stderr}`, { cause: error });
  }
}

async function firstLine(stream: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string> {
  const reader = stream.getReader();
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { done, value } = await reader.read();
      if (done) throw new Error("no port line (exited or timed out)");
      text += decoder.decode(value, { stream: true });
    }
    return text.slice(0, text.indexOf("\n"));
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

if (NODE === null) console.warn("SKIPPED S3 storage tests: s3rver needs Node.js; install nodejs");

describe.skipIf(NODE === null)("S3 storage against s3rver", () => {
  let server: RunningS3rver;
  let serverDir: string;
  let endpoint: string;
  let admin: S3Client;
  let buckets = 0;

  const optionsFor = (bucket: string): S3StorageOptions => ({
    endpoint,
    region: "us-east-1",
    bucket,
    forcePathStyle: true,
    ...S3RVER_CREDENTIALS,
  });

  beforeAll(async () => {
    serverDir = await tempDir("s3rver");
    server = await startS3rver(NODE ?? "node", serverDir);
    endpoint = server.endpoint;
    admin = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  });
  afterAll(async () => {
    admin?.destroy();
    await server?.stop();
    await rm(serverDir, { recursive: true, force: true });
  });

  async function freshBucket(): Promise<string> {
    buckets += 1;
    const bucket = `kilusi-test-${buckets}`;
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
  }

  describeStorageContract("s3", async () => {
    const storage = createS3Storage(optionsFor(await freshBucket()));
    return { storage, dispose: async () => storage.close?.() };
  });

  test("objects are stored under the key as given, readable by any S3 client", async () => {
    const bucket = await freshBucket();
    const storage = createS3Storage(optionsFor(bucket));
    await storage.put("tenant-1/receipts/r-1.pdf", ALL_BYTES, { contentType: "application/pdf" });
    const out = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: "tenant-1/receipts/r-1.pdf" }));
    expect(out.ContentType).toBe("application/pdf");
    expect(await out.Body?.transformToByteArray()).toEqual(ALL_BYTES);
    await storage.close?.();
  });

  test("createStorage() picks S3 when S3 options are given", async () => {
    const storage = createStorage({ dataDir: "/nonexistent", s3: optionsFor(await freshBucket()) });
    expect(storage.kind).toBe("s3");
    await storage.put("k", "v");
    expect(await storage.exists("k")).toBe(true);
    await storage.close?.();
  });

  test("check() fails, naming the bucket, when the bucket does not exist", async () => {
    const storage = createS3Storage(optionsFor("kilusi-missing-bucket"));
    await expect(storage.check()).rejects.toThrow(/"kilusi-missing-bucket".*NotFound/);
    await storage.close?.();
  });

  test("check() fails when nothing listens at the endpoint", async () => {
    const storage = createS3Storage({ ...optionsFor("kilusi-test"), endpoint: `http://127.0.0.1:${await freePort()}` });
    await expect(storage.check()).rejects.toThrow(/not usable/);
    await storage.close?.();
  });

  test("refuses half a credential pair", () => {
    expect(() => createS3Storage({ ...optionsFor("b"), secretAccessKey: undefined })).toThrow(/both accessKeyId/);
  });
});

/** A port that was free a moment ago: bound by us, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}
