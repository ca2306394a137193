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
  const length = ((datagram[2] as number) << 8) | (datagram[3] as number);
  if (length < MIN_PACKET) throw new Malformed("bad-length", `length field ${length} < ${MIN_PACKET}`);
  if (length > MAX_PACKET) throw new Malformed("too-long", `length field ${length} > ${MAX_PACKET}`);
  if (length > datagram.length) {
    throw new Malformed("truncated", `length field ${length} but the datagram has ${datagram.length} octets`);
  }
  const code = datagram[0] as number;
  if (!isKnownCode(code)) throw new Malformed("unknown-code", `packet code ${code} is not one we speak`);
  // Our own copy: the caller may reuse its receive buffer, and the padding is dropped. Nothing
  // here takes a view of it (see `octets`).
  const raw = Buffer.allocUnsafe(length);
  raw.set(length === datagram.length ? datagram : datagram.subarray(0, length));
  const attributes: RadiusAttribute[] = [];
  for (let at = MIN_PACKET; at < length; ) {
    if (at + 2 > length) throw new Malformed("bad-attribute", `attribute header cut off at octet ${at}`);
    const type = raw[at] as number;
    const len = raw[at + 1] as number;
    if (len < 2 || at + len > length) {
      throw new Malformed("bad-attribute", `attribute ${type} at octet ${at} has length ${len} (${length - at} left)`);
    }
    if (type === VENDOR_SPECIFIC) decodeVsa(raw, at, dictionary, attributes);
    else attributes.push(decodeAttribute(dictionary, 0, type, raw, at));
    at += len;
  }
  return { code, identifier: raw[1] as number, authenticator: octets(raw, 4, 16), attributes, raw };
}

/**
 * A copy of `length` octets of `packet` from `start`. Not a view: JavaScriptCore keeps a small
 * typed array inside its own heap until something takes a view of it or reads its `.buffer`,
 * and then moves it out, an allocation and a copy; a view is itself dearer than a copy of a
 * few octets (measured: tests/bench/radius-path.ts).
 */
function octets(packet: Buffer, start: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  packet.copy(out, 0, start, start + length);
  return out;
}

/** The attribute whose type octet is at `offset` in `packet` (a VSA's sub-attribute header). */
function decodeAttribute(
  dictionary: Dictionary,
  vendor: number,
  code: number,
  packet: Buffer,
  offset: number,
): RadiusAttribute {
  const def = dictionary.byCode(vendor, code);
  if (!def) {
    const name = vendor ? `Attr-26.${vendor}.${code}` : `Attr-${code}`;
    return new DecodedAttribute(name, vendor, code, packet, offset, undefined);
  }
  const why = valueProblem(def, packet, offset + 2, (packet[offset + 1] as number) - 2);
  if (why !== null) throw new Malformed("bad-value", `${why} (octet ${offset})`);
  return new DecodedAttribute(def.name, vendor, code, packet, offset, def);
}

/**
 * An attribute whose value is checked when the packet is decoded but made (its octets, then a
 * string, a Date, …) only when read: a request carries a dozen attributes and a server reads a
 * few of them.
 */
class DecodedAttribute implements RadiusAttribute {
  private octets_: Buffer | undefined;
  private decoded: AttributeValue | undefined;

  constructor(
    readonly name: string,
    readonly vendor: number,
    readonly code: number,
    private readonly packet: Buffer,
    readonly offset: number,
    private readonly def: AttributeDef | undefined,
  ) {}

  get raw(): Buffer {
    this.octets_ ??= octets(this.packet, this.offset + 2, this.length());
    return this.octets_;
  }

  get value(): AttributeValue {
    if (this.decoded === undefined) {
      const made = this.def ? decodedValue(this.def, this.packet, this.offset + 2, this.length()) : null;
      this.decoded = made ?? this.raw;
    }
    return this.decoded;
  }

  private length(): number {
    return (this.packet[this.offset + 1] as number) - 2;
  }
}

/**
 * RFC 2865 §5.26: the Vendor-Specific at `offset` in `packet` holds a vendor id (top octet 0),
 * then the vendor's type-length-value sub-attributes; each goes into `out`.
 */
function decodeVsa(packet: Buffer, offset: number, dictionary: Dictionary, out: RadiusAttribute[]): void {
  const start = offset + 2;
  const end = offset + (packet[offset + 1] as number);
  if (end - start < 5 || packet[start] !== 0) {
    throw new Malformed("bad-vsa", `Vendor-Specific at octet ${offset} has no valid vendor id`);
  }
  const vendor = packet.readUInt32BE(start);
  if (!dictionary.vendor(vendor)) {
    // A vendor we do not know keeps its octets whole: relayed or ignored, never guessed at.
    out.push(new DecodedAttribute("Vendor-Specific", 0, VENDOR_SPECIFIC, packet, offset, undefined));
    return;
  }
  for (let at = start + 4; at < end; ) {
    const type = packet[at] as number;
    const len = packet[at + 1];
    if (len === undefined || len < 2 || at + len > end) {
      throw new Malformed("bad-vsa", `vendor ${vendor} sub-attribute ${type} overruns its VSA`);
    }
    out.push(decodeAttribute(dictionary, vendor, type, packet, at));
    at += len;
  }
}
