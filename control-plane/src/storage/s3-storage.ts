import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { DEFAULT_BINARY_TYPE, parseStorageKey, type Storage, toStoredObject } from "./storage.ts";

export interface S3StorageOptions {
  /** For S3-compatible stores (MinIO, R2, Ceph…); AWS itself needs none. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Give both or neither; with neither the SDK's default chain (env, profile, IAM role) applies. */
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

// A readiness probe must answer, not hang on a black-holed endpoint.
const CHECK_TIMEOUT_MS = 5_000;

export function createS3Storage(opts: S3StorageOptions): Storage {
  const { bucket } = opts;
  const client = new S3Client(clientConfig(opts));

  return {
    kind: "s3",

    async put(key, body, putOpts) {
      parseStorageKey(key);
      const object = toStoredObject(body, putOpts);
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: object.body, ContentType: object.contentType }),
      );
    },

    async get(key) {
      parseStorageKey(key);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
        // A plain Uint8Array, whatever the runtime's stream helper returned (Buffer under Node).
        const body = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        return { body, contentType: out.ContentType ?? DEFAULT_BINARY_TYPE, size: body.byteLength };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async delete(key) {
      parseStorageKey(key);
      // S3 answers 204 for absent keys too, so this is idempotent without help.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    async exists(key) {
      parseStorageKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },

    async check() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }), {
          abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
        });
      } catch (error) {
        throw new Error(`S3 bucket ${JSON.stringify(bucket)} is not usable: ${summary(error)}`, { cause: error });
      }
    },

    async close() {
      client.destroy();
    },
  };
}

function clientConfig(opts: S3StorageOptions): S3ClientConfig {
  const config: S3ClientConfig = { region: opts.region, forcePathStyle: opts.forcePathStyle };
  if (opts.endpoint !== undefined) {
    config.endpoint = opts.endpoint;
    // Since early 2025 the SDK adds CRC checksums to every upload by default; many
    // S3-compatible stores reject or mishandle them, so only send them where required.
    config.requestChecksumCalculation = "WHEN_REQUIRED";
    config.responseChecksumValidation = "WHEN_REQUIRED";
  }
  const { accessKeyId, secretAccessKey } = opts;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new Error("S3 storage needs both accessKeyId and secretAccessKey, or neither");
  }
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    config.credentials = { accessKeyId, secretAccessKey };
  }
  return config;
}

// Only a definite "no such key" counts as absent. A 403 is not: AWS answers 403 for
// missing keys when the caller lacks s3:ListBucket, and that misconfiguration must surface
// rather than read as "no file". A missing bucket must surface too where S3 says so (a
// HEAD has no body to tell it apart; check() covers that case).
function isMissing(error: unknown): boolean {
  if (!(error instanceof S3ServiceException) || error.name === "NoSuchBucket") return false;
  return error.name === "NoSuchKey" || error.name === "NotFound" || error.$metadata.httpStatusCode === 404;
}

function summary(error: unknown): string {
  if (error instanceof S3ServiceException) return `${error.name} (HTTP ${error.$metadata.httpStatusCode ?? "?"})`;
  return error instanceof Error ? error.message : String(error);
}
