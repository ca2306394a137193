import { join } from "node:path";
import { createLocalStorage } from "./local-storage.ts";
import { createS3Storage, type S3StorageOptions } from "./s3-storage.ts";
import type { Storage } from "./storage.ts";

export interface CreateStorageOptions {
  dataDir: string;
  /** Present in production; absent means the embedded default, a local directory. */
  s3?: S3StorageOptions;
}

export function createStorage(opts: CreateStorageOptions): Storage {
  if (opts.s3 !== undefined) return createS3Storage(opts.s3);
  return createLocalStorage({ dir: join(opts.dataDir, "files") });
}
