/**
 * RADIUS dictionaries as TypeScript data (ADR 0009): the compiled agent reads nothing from disk,
 * so what FreeRADIUS keeps in `dictionary.*` files lives here, checked once when the module loads.
 */
import { RFC_ATTRIBUTES } from "./rfc.attributes.ts";
import { MICROSOFT, MIKROTIK } from "./vendor.attributes.ts";

/**
 * Wire types, as FreeRADIUS names them. `ifid` is 8 octets (RFC 3162), `ipv6prefix` is
 * reserved byte, prefix length, then at most 16 prefix octets (RFC 3162 §2.3).
 */
export type AttributeType =
  | "string"
  | "octets"
  | "integer"
  | "integer64"
  | "ipaddr"
  | "ipv6addr"
  | "ipv6prefix"
  | "ifid"
  | "date"
  | "vsa";

/**
 * How an attribute is hidden on the wire. The codec leaves such values as the raw octets: the
 * hiding needs the shared secret and the request authenticator, and lives with the auth code.
 * `user-password` is RFC 2865 §5.2; `salted` is RFC 2548 §2.4.2 (MS-MPPE-Send/Recv-Key).
 */
export type Encryption = "user-password" | "salted";

export interface AttributeSpec {
  name: string;
  code: number;
  type: AttributeType;
  /** Exact value length in octets (`octets[16]`); fixed-size types imply theirs. */
  length?: number;
  encrypt?: Encryption;
  /** Named integer values; the first name given for a number is the one decoding reports. */
  values?: Readonly<Record<string, number>>;
}

export interface VendorSpec {
  name: string;
  id: number;
  attributes: readonly AttributeSpec[];
}

export interface AttributeDef extends AttributeSpec {
  /** 0 for the standard space, else the IANA enterprise number of the Vendor-Specific attribute. */
  vendor: number;
  /** Number → first name, for decoding. */
  valueNames: ReadonlyMap<number, string>;
}

export interface Dictionary {
  byName(name: string): AttributeDef | undefined;
  byCode(vendor: number, code: number): AttributeDef | undefined;
  vendor(id: number): { name: string; id: number } | undefined;
  /** Every attribute, standard first, in definition order. */
  all(): readonly AttributeDef[];
}

export class DictionaryError extends Error {
  override readonly name = "DictionaryError";
}

/** Value sizes of the fixed-size types; the rest are variable (1..253 octets). */
export const FIXED_SIZE: Partial<Record<AttributeType, number>> = {
  integer: 4,
  integer64: 8,
  ipaddr: 4,
  ipv6addr: 16,
  ifid: 8,
  date: 4,
};

function define(spec: AttributeSpec, vendor: number, where: string): AttributeDef {
  const fail = (why: string) => {
    throw new DictionaryError(`RADIUS dictionary ${where}: ${spec.name} (${spec.code}): ${why}`);
  };
  if (!/^[A-Za-z][A-Za-z0-9.-]*$/.test(spec.name)) fail("bad name");
  if (!Number.isInteger(spec.code) || spec.code < 1 || spec.code > 255) fail("code outside 1..255");
  if (spec.type === "vsa" && (vendor !== 0 || spec.code !== 26)) fail("only attribute 26 is Vendor-Specific");
  if (spec.values && spec.type !== "integer") fail("named values on a non-integer attribute");
  if (spec.encrypt && spec.type !== "octets") fail("an encrypted attribute must be typed octets");
  const fixed = FIXED_SIZE[spec.type];
  if (spec.length !== undefined && (fixed !== undefined || spec.length < 1 || spec.length > 253)) {
    fail("length only for octets, 1..253");
  }
  const valueNames = new Map<number, string>();
  for (const [label, n] of Object.entries(spec.values ?? {})) {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) fail(`value ${label} = ${n} is not a uint32`);
    if (!valueNames.has(n)) valueNames.set(n, label);
  }
  return { ...spec, vendor, valueNames };
}

/** Builds and checks a dictionary; throws a DictionaryError naming the first bad entry. */
export function createDictionary(standard: readonly AttributeSpec[], vendors: readonly VendorSpec[]): Dictionary {
  const byName = new Map<string, AttributeDef>();
  // vendor · 256 + code: a vendor id has 24 bits, so the key is exact (and no string is built per lookup).
  const byCode = new Map<number, AttributeDef>();
  const codeKey = (vendor: number, code: number) => vendor * 256 + code;
  const vendorIds = new Map<number, { name: string; id: number }>();
  const add = (def: AttributeDef, where: string) => {
    if (byName.has(def.name)) throw new DictionaryError(`RADIUS dictionary ${where}: ${def.name} defined twice`);
    const key = codeKey(def.vendor, def.code);
    const clash = byCode.get(key);
    if (clash) {
      throw new DictionaryError(
        `RADIUS dictionary ${where}: ${def.name} and ${clash.name} share ${def.vendor}:${def.code}`,
      );
    }
    byName.set(def.name, def);
    byCode.set(key, def);
  };
  for (const spec of standard) add(define(spec, 0, "standard"), "standard");
  for (const v of vendors) {
    if (!Number.isInteger(v.id) || v.id < 1 || v.id > 0xffffff) {
      throw new DictionaryError(`RADIUS dictionary: vendor ${v.name} has id ${v.id}`);
    }
    if (vendorIds.has(v.id)) throw new DictionaryError(`RADIUS dictionary: vendor ${v.id} defined twice`);
    vendorIds.set(v.id, { name: v.name, id: v.id });
    for (const spec of v.attributes) {
      if (spec.type === "vsa") throw new DictionaryError(`RADIUS dictionary ${v.name}: ${spec.name} cannot nest`);
      add(define(spec, v.id, v.name), v.name);
    }
  }
  if (byName.get("Vendor-Specific")?.type !== "vsa") {
    throw new DictionaryError("RADIUS dictionary: Vendor-Specific (26) must be defined");
  }
  const all = [...byName.values()];
  return {
    byName: (name) => byName.get(name),
    byCode: (vendor, code) =>
      Number.isInteger(code) && code >= 0 && code < 256 ? byCode.get(codeKey(vendor, code)) : undefined,
    vendor: (id) => vendorIds.get(id),
    all: () => all,
  };
}

/** The agent's dictionary: the RFC attributes it meets, MikroTik (14988) and Microsoft (311). */
export const RADIUS_DICTIONARY: Dictionary = createDictionary(RFC_ATTRIBUTES, [MIKROTIK, MICROSOFT]);
