/** The RADIUS wire codec (ADR 0009): what the agent's RADIUS server and CoA client import. */
export { RADIUS_DICTIONARY } from "../dictionary/dictionary.ts";
export {
  accountingTotals,
  attributeNamed,
  attributesNamed,
  integerOf,
  namedValueOf,
  octets64,
  octetsOf,
  splitOctets64,
  stringOf,
} from "./attributes.ts";
export { codeName, PacketCode } from "./codes.ts";
export { decodePacket } from "./decode.ts";
export {
  type AttributeInput,
  EncodedAttributes,
  encodeRequest,
  encodeResponse,
  type RequestCode,
  type RequestSpec,
  type ResponseCode,
  type ResponseSpec,
} from "./encode.ts";
export type { DecodeErrorCode, DecodeResult, RadiusAttribute, RadiusDecodeError, RadiusPacket } from "./packet.ts";
export { RadiusSelfTestError, radiusSelfTest } from "./self-test.ts";
export {
  type DropReason,
  type NasSecurity,
  type RequestVerdict,
  type ResponseProblem,
  validateRequest,
  verifyResponse,
} from "./validation.ts";
export { type AttributeValue, RadiusEncodeError } from "./values.ts";
