/**
 * Datagram → RadiusPacket (RFC 2865 §3, §5, §5.26). Everything the network sends is checked before
 * it is read: header and length field, each attribute's length, each Vendor-Specific's layout and
 * each known attribute's value size. Any fault gives a RadiusDecodeError and no packet at all.
 */
import { type AttributeDef, type Dictionary, RADIUS_DICTIONARY } from "../dictionary/dictionary.ts";
import { isKnownCode } from "./codes.ts";
import {
  type DecodeErrorCode,
  type DecodeResult,
  MAX_PACKET,
  MIN_PACKET,
  type RadiusAttribute,
  type RadiusPacket,
} from "./packet.ts";
import { type AttributeValue, decodedValue, valueProblem } from "./values.ts";

const VENDOR_SPECIFIC = 26;

class Malformed {
  constructor(
    readonly code: DecodeErrorCode,
    readonly message: string,
  ) {}
}

export function decodePacket(datagram: Uint8Array, dictionary: Dictionary = RADIUS_DICTIONARY): DecodeResult {
  try {
    return { ok: true, packet: decodeOrFail(datagram, dictionary) };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, error: { code: error.code, message: error.message } };
    // A bug of ours must not escape into the receive loop either; the fuzz tests expect none.
    return { ok: false, error: { code: "internal", message: `decoder fault: ${String(error)}` } };
  }
}

function decodeOrFail(datagram: Uint8Array, dictionary: Dictionary): RadiusPacket {
  if (datagram.length < MIN_PACKET) {
    throw new Malformed("too-short", `${datagram.length} octets, a RADIUS packet has at least ${MIN_PACKET}`);
  }
  const view = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.length);
  const length = view.readUInt16BE(2);
  if (length < MIN_PACKET) throw new Malformed("bad-length", `length field ${length} < ${MIN_PACKET}`);
  if (length > MAX_PACKET) throw new Malformed("too-long", `length field ${length} > ${MAX_PACKET}`);
  if (length > view.length) {
    throw new Malformed("truncated", `length field ${length} but the datagram has ${view.length} octets`);
  }
  const code = view[0] as number;
  if (!isKnownCode(code)) throw new Malformed("unknown-code", `packet code ${code} is not one we speak`);
  // Our own copy: the caller may reuse its receive buffer, and the padding is dropped.
  const raw = Buffer.from(view.subarray(0, length));
  const attributes: RadiusAttribute[] = [];
  for (let at = MIN_PACKET; at < length; ) {
    if (at + 2 > length) throw new Malformed("bad-attribute", `attribute header cut off at octet ${at}`);
    const type = raw[at] as number;
    const len = raw[at + 1] as number;
    if (len < 2 || at + len > length) {
      throw new Malformed("bad-attribute", `attribute ${type} at octet ${at} has length ${len} (${length - at} left)`);
    }
    const value = raw.subarray(at + 2, at + len);
    if (type === VENDOR_SPECIFIC) attributes.push(...decodeVsa(value, at, dictionary));
    else attributes.push(decodeAttribute(dictionary, 0, type, value, at));
    at += len;
  }
  return { code, identifier: raw[1] as number, authenticator: raw.subarray(4, 20), attributes, raw };
}

function decodeAttribute(
  dictionary: Dictionary,
  vendor: number,
  code: number,
  raw: Buffer,
  offset: number,
): RadiusAttribute {
  const def = dictionary.byCode(vendor, code);
  if (!def) {
    const name = vendor ? `Attr-26.${vendor}.${code}` : `Attr-${code}`;
    return new DecodedAttribute(name, vendor, code, raw, offset, undefined);
  }
  const why = valueProblem(def, raw);
  if (why !== null) throw new Malformed("bad-value", `${why} (octet ${offset})`);
  return new DecodedAttribute(def.name, vendor, code, raw, offset, def);
}

/**
 * An attribute whose value is checked when the packet is decoded but made (a string, a Date, …)
 * only when read: a request carries a dozen attributes and a server reads a few of them.
 */
class DecodedAttribute implements RadiusAttribute {
  private decoded: AttributeValue | undefined;

  constructor(
    readonly name: string,
    readonly vendor: number,
    readonly code: number,
    readonly raw: Buffer,
    readonly offset: number,
    private readonly def: AttributeDef | undefined,
  ) {}

  get value(): AttributeValue {
    this.decoded ??= this.def ? decodedValue(this.def, this.raw) : this.raw;
    return this.decoded;
  }
}

/** RFC 2865 §5.26: vendor id (top octet 0), then the vendor's type-length-value sub-attributes. */
function decodeVsa(value: Buffer, offset: number, dictionary: Dictionary): RadiusAttribute[] {
  if (value.length < 5 || value[0] !== 0) {
    throw new Malformed("bad-vsa", `Vendor-Specific at octet ${offset} has no valid vendor id`);
  }
  const vendor = value.readUInt32BE(0);
  if (!dictionary.vendor(vendor)) {
    // A vendor we do not know keeps its octets whole: relayed or ignored, never guessed at.
    return [new DecodedAttribute("Vendor-Specific", 0, VENDOR_SPECIFIC, value, offset, undefined)];
  }
  const out: RadiusAttribute[] = [];
  for (let at = 4; at < value.length; ) {
    const type = value[at] as number;
    const len = value[at + 1];
    if (len === undefined || len < 2 || at + len > value.length) {
      throw new Malformed("bad-vsa", `vendor ${vendor} sub-attribute ${type} overruns its VSA`);
    }
    out.push(decodeAttribute(dictionary, vendor, type, value.subarray(at + 2, at + len), offset + 2 + at));
    at += len;
  }
  return out;
}
