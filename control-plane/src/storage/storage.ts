export interface StoredObject {
  body: Uint8Array;
  contentType: string;
  size: number;
}

export interface PutOptions {
  contentType?: string;
}

export interface Storage {
  readonly kind: "local" | "s3";
  put(key: string, body: Uint8Array | string, opts?: PutOptions): Promise<void>;
  /** Resolves to null when no object is stored under the key. */
  get(key: string): Promise<StoredObject | null>;
  /** Deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Throws when the backend cannot be used; readiness probes call it. */
  check(): Promise<void>;
  close?(): Promise<void>;
}

export const MAX_KEY_LENGTH = 512;
// Local storage maps each segment to one file name; 200 leaves room for its suffix under
// the usual NAME_MAX of 255, so a key valid for one backend is valid for both.
export const MAX_SEGMENT_LENGTH = 200;

const SEGMENT = /^[A-Za-z0-9._-]+$/;

export class InvalidStorageKeyError extends Error {
  readonly code = "invalid_storage_key";
  readonly key: string;

  constructor(key: string, reason: string) {
    // A rejected key may be huge or hostile: quote it, and cut it short in the message.
    const shown = key.length > 80 ? `${key.slice(0, 80)}…` : key;
    super(`invalid storage key ${JSON.stringify(shown)}: ${reason}`);
    this.name = "InvalidStorageKeyError";
    this.key = key;
  }
}

function keyProblem(key: string): string | null {
  if (key.length === 0) return "must not be empty";
  if (key.length > MAX_KEY_LENGTH) return `must be at most ${MAX_KEY_LENGTH} characters`;
  if (key.startsWith("/") || key.endsWith("/")) return "must not start or end with '/'";
  for (const segment of key.split("/")) {
    if (segment === "") return "must not contain empty segments ('//')";
    if (segment === "." || segment === "..") return "must not contain '.' or '..' segments";
    if (segment.length > MAX_SEGMENT_LENGTH) return `segments must be at most ${MAX_SEGMENT_LENGTH} characters`;
    if (!SEGMENT.test(segment)) return "segments may only contain A-Z, a-z, 0-9, '.', '_' and '-'";
  }
  return null;
}

/** Returns the segments of a valid key; throws InvalidStorageKeyError otherwise. */
export function parseStorageKey(key: string): string[] {
  // Callers may hand us anything at runtime, whatever the static type says.
  if (typeof key !== "string") throw new InvalidStorageKeyError(String(key), "must be a string");
  const problem = keyProblem(key);
  if (problem !== null) throw new InvalidStorageKeyError(key, problem);
  return key.split("/");
}

export const DEFAULT_BINARY_TYPE = "application/octet-stream";
export const DEFAULT_TEXT_TYPE = "text/plain; charset=utf-8";
const CONTENT_TYPE = /^[\x20-\x7E]{1,255}$/;

/** Normalises a put body so both backends store and report exactly the same bytes and type. */
export function toStoredObject(body: Uint8Array | string, opts?: PutOptions): StoredObject {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const contentType = opts?.contentType ?? (typeof body === "string" ? DEFAULT_TEXT_TYPE : DEFAULT_BINARY_TYPE);
  // It becomes an HTTP header on S3: reject here what S3 would reject, so local agrees.
  if (!CONTENT_TYPE.test(contentType)) throw new TypeError(`invalid content type ${JSON.stringify(contentType)}`);
  return { body: bytes, contentType, size: bytes.byteLength };
}
