/** Attribute values ↔ octets, per dictionary type (RFC 2865 §5, RFC 3162, RFC 6929 §2.9, RFC 8044). */
import { isIPv4, isIPv6 } from "node:net";
import { type AttributeDef, FIXED_SIZE } from "../dictionary/dictionary.ts";

/**
 * A decoded value: `string` for string/ipaddr/ipv6addr/ipv6prefix, `number` for integer (uint32),
 * `bigint` for integer64, `Date` for date, `Buffer` for octets, ifid, encrypted and unknown ones.
 */
export type AttributeValue = string | number | bigint | Date | Buffer;

export class RadiusEncodeError extends Error {
  override readonly name = "RadiusEncodeError";
  constructor(
    readonly code: "unknown-attribute" | "bad-value" | "too-long" | "managed-attribute",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Why the `length` octets at `start` in `packet` cannot be a value of `def`'s type (their size,
 * a prefix longer than its bits); null when they can.
 */
export function valueProblem(def: AttributeDef, packet: Buffer, start: number, length: number): string | null {
  const fixed = FIXED_SIZE[def.type] ?? def.length;
  if (fixed !== undefined && length !== fixed) return `${def.name} must be ${fixed} octets, not ${length}`;
  if (def.type === "ipv6prefix" && !def.encrypt) {
    const bits = length < 2 ? 0 : (packet[start + 1] as number);
    if (length < 2 || length > 18 || bits > 128 || (length - 2) * 8 < bits) {
      return `${def.name} is not a prefix (${length} octets, /${bits})`;
    }
  }
  return null;
}

/**
 * The value of the `length` octets at `start` in `packet`, which valueProblem accepted (never
 * throws then); null when the value is those octets themselves (octets, ifid, encrypted), for
 * the caller to copy out.
 */
export function decodedValue(
  def: AttributeDef,
  packet: Buffer,
  start: number,
  length: number,
): Exclude<AttributeValue, Buffer> | null {
  if (def.encrypt) return null;
  switch (def.type) {
    case "string":
      return packet.toString("utf8", start, start + length);
    case "integer":
      return packet.readUInt32BE(start);
    case "integer64":
      return packet.readBigUInt64BE(start);
    case "date":
      return new Date(packet.readUInt32BE(start) * 1000);
    case "ipaddr":
      return `${packet[start]}.${packet[start + 1]}.${packet[start + 2]}.${packet[start + 3]}`;
    case "ipv6addr":
      return formatIPv6(packet.subarray(start, start + 16));
    case "ipv6prefix": {
      const full = Buffer.alloc(16);
      packet.copy(full, 0, start + 2, start + length);
      return `${formatIPv6(full)}/${packet[start + 1] ?? 0}`;
    }
    default:
      return null;
  }
}

/** Encodes a caller's value; a value that does not fit its type is a RadiusEncodeError. */
export function encodeValue(def: AttributeDef, value: unknown): Buffer {
  const bad = (want: string) =>
    new RadiusEncodeError("bad-value", `${def.name} (${def.type}) needs ${want}, got ${describe(value)}`);
  let out: Buffer;
  if (def.encrypt || def.type === "octets" || def.type === "ifid" || def.type === "vsa") {
    if (Buffer.isBuffer(value)) out = value;
    else if (typeof value === "string" && def.type === "octets" && !def.encrypt) out = Buffer.from(value, "utf8");
    else throw bad(def.encrypt ? "the already hidden octets (a Buffer)" : "a Buffer");
  } else if (def.type === "string") {
    if (typeof value !== "string" && !Buffer.isBuffer(value)) throw bad("a string");
    out = Buffer.from(value);
  } else if (def.type === "integer") {
    const n = typeof value === "string" ? def.values?.[value] : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      throw bad(def.values ? `a uint32 or one of ${Object.keys(def.values).join(", ")}` : "a uint32");
    }
    out = Buffer.alloc(4);
    out.writeUInt32BE(n);
  } else if (def.type === "integer64") {
    const n = typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : value;
    if (typeof n !== "bigint" || n < 0n || n >= 2n ** 64n) throw bad("a uint64");
    out = Buffer.alloc(8);
    out.writeBigUInt64BE(n);
  } else if (def.type === "date") {
    const seconds = value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0 || seconds > 0xffffffff) {
      throw bad("a Date or seconds since 1970 (uint32)");
    }
    out = Buffer.alloc(4);
    out.writeUInt32BE(seconds);
  } else if (def.type === "ipaddr") {
    if (typeof value !== "string" || !isIPv4(value)) throw bad("an IPv4 address");
    out = Buffer.from(value.split(".").map(Number));
  } else if (def.type === "ipv6addr") {
    const bytes = typeof value === "string" ? parseIPv6(value) : null;
    if (!bytes) throw bad("an IPv6 address");
    out = bytes;
  } else {
    out = encodePrefix(value, bad);
  }
  const fixed = FIXED_SIZE[def.type] ?? def.length;
  if (fixed !== undefined && out.length !== fixed) throw bad(`${fixed} octets`);
  return out;
}

function encodePrefix(value: unknown, bad: (want: string) => Error): Buffer {
  const [addr, len, extra] = typeof value === "string" ? value.split("/") : [];
  const bits = Number(len);
  const bytes = addr ? parseIPv6(addr) : null;
  if (!bytes || extra !== undefined || !/^\d{1,3}$/.test(len ?? "") || bits > 128) {
    throw bad("an IPv6 prefix like 2001:db8::/56");
  }
  return Buffer.concat([Buffer.from([0, bits]), bytes.subarray(0, Math.ceil(bits / 8))]);
}

/** RFC 5952 text form: lower case, longest run (≥ 2) of zero groups as `::`. */
export function formatIPv6(bytes: Buffer): string {
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.len < 2) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.len).join(":")}`;
}

export function parseIPv6(text: string): Buffer | null {
  if (!isIPv6(text) || text.includes("%")) return null;
  let s = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
    s = `${s.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes("::") ? s.split("::") : [s, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  if (groups.length !== 8) return null;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  });
  return out;
}

/** Names what was given without its content: a wrong value may be a password or a key. */
function describe(value: unknown): string {
  if (Buffer.isBuffer(value)) return `${value.length} octets`;
  if (typeof value === "string") return `a string of ${value.length} characters`;
  if (value instanceof Date) return "a Date";
  return typeof value;
}
