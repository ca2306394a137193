/**
 * RadiusPacket ← our values. Replies to Access-Request (and to Status-Server, RFC 5997 §3) carry
 * Message-Authenticator as their FIRST attribute, always: that is the BlastRADIUS fix on the
 * server's side (CVE-2024-3596; draft-ietf-radext-deprecating-radius §5), since a forged prefix
 * cannot then reach the HMAC. Proxy-State is copied from the request, in order, as RFC 2865 §5.33
 * and RFC 2866 §5.18 demand, so no server can forget it. Faults are ours, so they throw.
 */
import { randomBytes } from "node:crypto";
import { type AttributeDef, type Dictionary, RADIUS_DICTIONARY } from "../dictionary/dictionary.ts";
import {
  AUTHENTICATOR_LENGTH,
  digestInPlace,
  HEADER_LENGTH,
  signInPlace,
  ZERO_AUTHENTICATOR,
} from "./authenticators.ts";
import {
  ACCESS_RESPONSE,
  codeName,
  DIGEST_AUTHENTICATOR,
  PacketCode,
  RANDOM_AUTHENTICATOR,
  RESPONSES_TO,
} from "./codes.ts";
import { MAX_PACKET, type RadiusPacket } from "./packet.ts";
import { type AttributeValue, encodeValue, RadiusEncodeError } from "./values.ts";

/**
 * `[name, value]`, where an integer attribute with named values also takes the name
 * (`["Service-Type", "Framed-User"]`); or raw octets for an attribute the dictionary lacks.
 */
export type AttributeInput = readonly [name: string, value: AttributeValue] | RawAttribute | EncodedAttributes;
export interface RawAttribute {
  code: number;
  vendor?: number;
  value: Buffer;
}

/**
 * Attributes encoded once, with every check an encoder makes, and then copied into replies as
 * they are: what a subscriber's plan gives does not change between its logins.
 */
export class EncodedAttributes {
  private constructor(readonly bytes: Buffer) {}

  /** Throws RadiusEncodeError for what encodeResponse would refuse. */
  static of(inputs: readonly AttributeInput[], dictionary: Dictionary = RADIUS_DICTIONARY): EncodedAttributes {
    const parts: Buffer[] = [];
    encodeAttributes(inputs, dictionary, { allowProxyState: false }, parts);
    return new EncodedAttributes(Buffer.concat(parts));
  }
}

export type RequestCode =
  | typeof PacketCode.AccessRequest
  | typeof PacketCode.StatusServer
  | typeof PacketCode.AccountingRequest
  | typeof PacketCode.DisconnectRequest
  | typeof PacketCode.CoaRequest;

export interface RequestSpec {
  code: RequestCode;
  identifier: number;
  attributes: readonly AttributeInput[];
  secret: Buffer;
  /** Access-Request / Status-Server: the Request Authenticator (random when not given). */
  authenticator?: Buffer;
  /** Include a Message-Authenticator (first). Default true; Status-Server always has one. */
  messageAuthenticator?: boolean;
}

export type ResponseCode =
  | typeof PacketCode.AccessAccept
  | typeof PacketCode.AccessReject
  | typeof PacketCode.AccessChallenge
  | typeof PacketCode.AccountingResponse
  | typeof PacketCode.DisconnectAck
  | typeof PacketCode.DisconnectNak
  | typeof PacketCode.CoaAck
  | typeof PacketCode.CoaNak;

export interface ResponseSpec {
  code: ResponseCode;
  request: Pick<RadiusPacket, "code" | "identifier" | "authenticator" | "attributes">;
  attributes: readonly AttributeInput[];
  secret: Buffer;
  /**
   * Opt in to a first Message-Authenticator on Accounting-Response and CoA/Disconnect ACK/NAK.
   * Access-Accept/Reject/Challenge and any answer to Status-Server always have one.
   */
  messageAuthenticator?: boolean;
}

const MA_CODE = 80;
/** Our packets put Message-Authenticator first: its value starts right after the header and its own two octets. */
const MA_VALUE_AT = HEADER_LENGTH + 2;
const PROXY_STATE = 33;
const VENDOR_SPECIFIC = 26;

export function encodeRequest(spec: RequestSpec, dictionary: Dictionary = RADIUS_DICTIONARY): Buffer {
  const withMa = spec.code === PacketCode.StatusServer || spec.messageAuthenticator !== false;
  const body: Buffer[] = [];
  encodeAttributes(spec.attributes, dictionary, { allowProxyState: true }, body);
  const packet = layout(spec.code, spec.identifier, withMa, body);
  if (RANDOM_AUTHENTICATOR.has(spec.code)) {
    const authenticator = spec.authenticator ?? randomBytes(AUTHENTICATOR_LENGTH);
    if (authenticator.length !== AUTHENTICATOR_LENGTH) {
      throw new RadiusEncodeError("bad-value", "a Request Authenticator is 16 octets");
    }
    if (withMa) signInPlace(packet, MA_VALUE_AT, authenticator, spec.secret);
    else authenticator.copy(packet, 4);
  } else if (DIGEST_AUTHENTICATOR.has(spec.code)) {
    if (spec.authenticator) {
      throw new RadiusEncodeError("bad-value", `${codeName(spec.code)}'s authenticator is computed, not given`);
    }
    if (withMa) signInPlace(packet, MA_VALUE_AT, ZERO_AUTHENTICATOR, spec.secret);
    digestInPlace(packet, ZERO_AUTHENTICATOR, spec.secret);
  } else {
    throw new RadiusEncodeError("bad-value", `${codeName(spec.code)} is not a request`);
  }
  return packet;
}

export function encodeResponse(spec: ResponseSpec, dictionary: Dictionary = RADIUS_DICTIONARY): Buffer {
  const { request } = spec;
  if (!RESPONSES_TO[request.code]?.includes(spec.code)) {
    throw new RadiusEncodeError("bad-value", `${codeName(spec.code)} does not answer ${codeName(request.code)}`);
  }
  const mandatory = ACCESS_RESPONSE.has(spec.code) || request.code === PacketCode.StatusServer;
  const withMa = mandatory || spec.messageAuthenticator === true;
  const body: Buffer[] = [];
  encodeAttributes(spec.attributes, dictionary, { allowProxyState: false }, body);
  for (const a of request.attributes) {
    if (a.vendor === 0 && a.code === PROXY_STATE) body.push(Buffer.from([PROXY_STATE, a.raw.length + 2]), a.raw);
  }
  const packet = layout(spec.code, request.identifier, withMa, body);
  if (withMa) signInPlace(packet, MA_VALUE_AT, request.authenticator, spec.secret);
  digestInPlace(packet, request.authenticator, spec.secret);
  return packet;
}

/** Header, then a zeroed Message-Authenticator when wanted, then the attributes. */
function layout(code: number, identifier: number, withMa: boolean, body: readonly Buffer[]): Buffer {
  if (!Number.isInteger(identifier) || identifier < 0 || identifier > 255) {
    throw new RadiusEncodeError("bad-value", `identifier ${identifier} is not an octet`);
  }
  let length = HEADER_LENGTH + (withMa ? 18 : 0);
  for (const part of body) length += part.length;
  if (length > MAX_PACKET) throw new RadiusEncodeError("too-long", `packet of ${length} octets > ${MAX_PACKET}`);
  const packet = Buffer.alloc(length);
  packet[0] = code;
  packet[1] = identifier;
  packet.writeUInt16BE(length, 2);
  let at = HEADER_LENGTH;
  if (withMa) {
    packet[at] = MA_CODE;
    packet[at + 1] = 18;
    at += 18;
  }
  for (const part of body) {
    packet.set(part, at);
    at += part.length;
  }
  return packet;
}

/** Appends each input's wire form (type, length, value; a VSA with its vendor header) to `parts`. */
function encodeAttributes(
  inputs: readonly AttributeInput[],
  dictionary: Dictionary,
  { allowProxyState }: { allowProxyState: boolean },
  parts: Buffer[],
): void {
  for (const input of inputs) {
    if (input instanceof EncodedAttributes) {
      parts.push(input.bytes);
      continue;
    }
    const { vendor, code, value, name } = resolve(input, dictionary);
    if (vendor === 0 && code === MA_CODE) {
      throw new RadiusEncodeError("managed-attribute", "Message-Authenticator is added by the encoder");
    }
    if (vendor === 0 && code === PROXY_STATE && !allowProxyState) {
      throw new RadiusEncodeError("managed-attribute", "a response's Proxy-State is copied from its request");
    }
    const room = vendor === 0 ? 253 : 247;
    if (value.length > room) {
      throw new RadiusEncodeError("too-long", `${name} has ${value.length} octets, at most ${room} fit`);
    }
    if (vendor === 0) {
      parts.push(Buffer.from([code, value.length + 2]), value);
    } else {
      const head = Buffer.alloc(8);
      head[0] = VENDOR_SPECIFIC;
      head[1] = value.length + 8;
      head.writeUInt32BE(vendor, 2);
      head[6] = code;
      head[7] = value.length + 2;
      parts.push(head, value);
    }
  }
}

function resolve(input: RawAttribute | readonly [name: string, value: AttributeValue], dictionary: Dictionary) {
  if (!Array.isArray(input)) {
    const raw = input as RawAttribute;
    const vendor = raw.vendor ?? 0;
    if (!Number.isInteger(raw.code) || raw.code < 1 || raw.code > 255 || !Buffer.isBuffer(raw.value)) {
      throw new RadiusEncodeError("bad-value", `raw attribute ${raw.code} needs a code 1..255 and a Buffer`);
    }
    if (!Number.isInteger(vendor) || vendor < 0 || vendor > 0xffffff) {
      throw new RadiusEncodeError("bad-value", `vendor ${vendor} is not an enterprise number`);
    }
    return { vendor, code: raw.code, value: raw.value, name: `Attr-${raw.code}` };
  }
  const [name, value] = input as readonly [string, AttributeValue];
  const def: AttributeDef | undefined = dictionary.byName(name);
  if (!def) throw new RadiusEncodeError("unknown-attribute", `no RADIUS attribute named ${name}`);
  return { vendor: def.vendor, code: def.code, value: encodeValue(def, value), name };
}
