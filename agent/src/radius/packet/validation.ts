/**
 * Whether a decoded packet is from the NAS it claims to be, as pure functions.
 *
 * Requests (server side): the BlastRADIUS rules of FreeRADIUS 3.2.5+ (CVE-2024-3596):
 * `requireMessageAuthenticator` drops an Access-Request without a Message-Authenticator,
 * `limitProxyState` drops one that has Proxy-State but no Message-Authenticator; Status-Server
 * always needs one (RFC 5997 §3), and so does EAP (RFC 3579 §3.2). Accounting, CoA and
 * Disconnect requests are signed by their Request Authenticator (RFC 2866 §3, RFC 5176 §2.3).
 * During a secret rotation the previous secret is tried second, until its window ends.
 *
 * Responses (client side, CoA/Disconnect): identifier, code, Response Authenticator and MA.
 */
import { messageAuthenticator, packetDigest, sameBytes, ZERO_AUTHENTICATOR } from "./authenticators.ts";
import { DIGEST_AUTHENTICATOR, PacketCode, RANDOM_AUTHENTICATOR, RESPONSES_TO } from "./codes.ts";
import type { RadiusAttribute, RadiusPacket } from "./packet.ts";

export interface NasSecurity {
  secret: Buffer;
  /** The secret being rotated out; tried after `secret` while `now < previousSecretValidUntil`. */
  previousSecret?: Buffer;
  /** Epoch milliseconds; without it a previous secret is not used. */
  previousSecretValidUntil?: number;
  requireMessageAuthenticator: boolean;
  limitProxyState: boolean;
}

export type DropReason =
  | "not-a-request"
  | "missing-message-authenticator"
  | "bad-message-authenticator"
  | "multiple-message-authenticators"
  | "proxy-state-without-message-authenticator"
  | "eap-without-message-authenticator"
  | "bad-request-authenticator";

/**
 * `signed`: a Message-Authenticator or the request authenticator proved `secret`.
 * `unsigned`: an Access-Request without MA that the rules allow; nothing proved which secret the
 * NAS holds, so `candidates` lists the ones to try (e.g. for User-Password), current first.
 */
export type RequestVerdict =
  | { ok: true; signed: true; matched: "current" | "previous"; secret: Buffer }
  | { ok: true; signed: false; candidates: readonly Buffer[] }
  | { ok: false; reason: DropReason };

const MA_CODE = 80;
const PROXY_STATE = 33;
const EAP_MESSAGE = 79;

const standard = (packet: RadiusPacket, code: number): RadiusAttribute[] =>
  packet.attributes.filter((a) => a.vendor === 0 && a.code === code);

function secretsFor(nas: NasSecurity, now: number): { secret: Buffer; which: "current" | "previous" }[] {
  const list: { secret: Buffer; which: "current" | "previous" }[] = [{ secret: nas.secret, which: "current" }];
  if (nas.previousSecret && nas.previousSecretValidUntil !== undefined && now < nas.previousSecretValidUntil) {
    list.push({ secret: nas.previousSecret, which: "previous" });
  }
  return list;
}

export function validateRequest(packet: RadiusPacket, nas: NasSecurity, now: number): RequestVerdict {
  const secrets = secretsFor(nas, now);
  const mas = standard(packet, MA_CODE);
  if (mas.length > 1) return { ok: false, reason: "multiple-message-authenticators" };
  const ma = mas[0];

  if (RANDOM_AUTHENTICATOR.has(packet.code)) {
    if (ma) {
      for (const { secret, which } of secrets) {
        const expected = messageAuthenticator(packet.raw, ma.offset + 2, packet.authenticator, secret);
        if (sameBytes(expected, ma.raw)) return { ok: true, signed: true, matched: which, secret };
      }
      return { ok: false, reason: "bad-message-authenticator" };
    }
    if (packet.code === PacketCode.StatusServer || nas.requireMessageAuthenticator) {
      return { ok: false, reason: "missing-message-authenticator" };
    }
    if (standard(packet, EAP_MESSAGE).length) return { ok: false, reason: "eap-without-message-authenticator" };
    if (nas.limitProxyState && standard(packet, PROXY_STATE).length) {
      return { ok: false, reason: "proxy-state-without-message-authenticator" };
    }
    return { ok: true, signed: false, candidates: secrets.map((s) => s.secret) };
  }

  if (DIGEST_AUTHENTICATOR.has(packet.code)) {
    for (const { secret, which } of secrets) {
      if (!sameBytes(packetDigest(packet.raw, ZERO_AUTHENTICATOR, secret), packet.authenticator)) continue;
      // The digest covers the MA too, but a wrong MA under the right secret is a broken sender.
      if (ma && !sameBytes(messageAuthenticator(packet.raw, ma.offset + 2, ZERO_AUTHENTICATOR, secret), ma.raw)) {
        return { ok: false, reason: "bad-message-authenticator" };
      }
      return { ok: true, signed: true, matched: which, secret };
    }
    return { ok: false, reason: "bad-request-authenticator" };
  }
  return { ok: false, reason: "not-a-request" };
}

export type ResponseProblem =
  | "wrong-identifier"
  | "unexpected-code"
  | "bad-response-authenticator"
  | "missing-message-authenticator"
  | "bad-message-authenticator"
  | "multiple-message-authenticators";

/** Checks a reply against the request we sent (the CoA/Disconnect client's side). */
export function verifyResponse(
  response: RadiusPacket,
  request: Pick<RadiusPacket, "code" | "identifier" | "authenticator">,
  secret: Buffer,
  { requireMessageAuthenticator = false }: { requireMessageAuthenticator?: boolean } = {},
): { ok: true } | { ok: false; problem: ResponseProblem } {
  if (response.identifier !== request.identifier) return { ok: false, problem: "wrong-identifier" };
  if (!RESPONSES_TO[request.code]?.includes(response.code)) return { ok: false, problem: "unexpected-code" };
  if (!sameBytes(packetDigest(response.raw, request.authenticator, secret), response.authenticator)) {
    return { ok: false, problem: "bad-response-authenticator" };
  }
  const mas = standard(response, MA_CODE);
  if (mas.length > 1) return { ok: false, problem: "multiple-message-authenticators" };
  const ma = mas[0];
  if (!ma) return requireMessageAuthenticator ? { ok: false, problem: "missing-message-authenticator" } : { ok: true };
  const expected = messageAuthenticator(response.raw, ma.offset + 2, request.authenticator, secret);
  return sameBytes(expected, ma.raw) ? { ok: true } : { ok: false, problem: "bad-message-authenticator" };
}
