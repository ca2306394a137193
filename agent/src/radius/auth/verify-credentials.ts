import { randomBytes as systemRandomBytes } from "node:crypto";
import { verifyChap } from "./chap.ts";
import { type MicrosoftReplyAttribute, microsoftAttribute } from "./microsoft.attributes.ts";
import { encodeMppeKeyPair, encodeMsChapV1Keys } from "./mppe-replies.ts";
import { encodeMsChapError, MsChapErrorCode } from "./mschap-error.ts";
import { verifyMsChapV1 } from "./mschap-v1.ts";
import { encodeMsChap2Success, verifyMsChapV2 } from "./mschap-v2.ts";
import { verifyPap } from "./user-password.ts";

/**
 * The credential attributes of one Access-Request, as raw attribute values (no RADIUS header,
 * no vendor header). The server picks the kind from which attributes are present.
 */
export type CredentialRequest =
  | { kind: "pap"; userPassword: Uint8Array }
  /** chapChallenge is absent when the NAS used the Request Authenticator as the challenge. */
  | { kind: "chap"; chapPassword: Uint8Array; chapChallenge?: Uint8Array }
  | { kind: "mschap"; msChapChallenge: Uint8Array; msChapResponse: Uint8Array }
  | { kind: "mschapv2"; msChapChallenge: Uint8Array; msChap2Response: Uint8Array };

export type CredentialKind = CredentialRequest["kind"];

export interface VerifyContext {
  /** The shared secret of the NAS that sent the request. */
  secret: Uint8Array;
  /** The Access-Request's 16-byte Request Authenticator. */
  requestAuthenticator: Uint8Array;
  /** User-Name as received; MS-CHAPv2 drops a "DOMAIN\" prefix itself. */
  userName: string;
  /** Where MPPE salts come from; tests pass a fixed source. */
  randomBytes?: (size: number) => Uint8Array;
}

/**
 * malformed: the attributes cannot be what the kind says (lengths, empty values);
 * mismatch: well formed, wrong password; unsupported: a variant we refuse (LM-only MS-CHAPv1);
 * bad-context: the server passed an empty secret, an authenticator that is not 16 bytes, or a
 * stored password or user name that is not a string.
 */
export type FailureReason = "malformed" | "mismatch" | "unsupported" | "bad-context";

export type VerifyResult =
  | { ok: true; kind: CredentialKind; replyAttributes: MicrosoftReplyAttribute[] }
  | {
      ok: false;
      kind: CredentialKind;
      reason: FailureReason;
      replyAttributes: MicrosoftReplyAttribute[];
    };

const FAILED_MESSAGE = "Authentication failed";

function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

/**
 * Checks one request's credentials against the subscriber's stored cleartext password.
 * Pure apart from the salt source; never throws on hostile input (fuzzed in its test).
 * On success the reply carries MS-CHAP2-Success and the MPPE keys the NAS needs for
 * encryption; on an MS-CHAP failure it carries MS-CHAP-Error for the peer to show.
 */
export function verifyCredentials(
  request: CredentialRequest,
  storedPassword: string,
  ctx: VerifyContext,
): VerifyResult {
  const kind = request.kind;
  const fail = (reason: FailureReason, replyAttributes: MicrosoftReplyAttribute[] = []): VerifyResult => ({
    ok: false,
    kind,
    reason,
    replyAttributes,
  });

  // A server that found no subscriber must not reach here with undefined as the password.
  if (typeof storedPassword !== "string" || typeof ctx.userName !== "string") return fail("bad-context");
  if (!isBytes(ctx.secret) || ctx.secret.length === 0) return fail("bad-context");
  if (!isBytes(ctx.requestAuthenticator) || ctx.requestAuthenticator.length !== 16) {
    return fail("bad-context");
  }
  const { secret, requestAuthenticator } = ctx;
  const randomBytes = ctx.randomBytes ?? systemRandomBytes;

  switch (request.kind) {
    case "pap": {
      if (!isBytes(request.userPassword)) return fail("malformed");
      const outcome = verifyPap(request.userPassword, storedPassword, secret, requestAuthenticator);
      return outcome === "ok" ? { ok: true, kind, replyAttributes: [] } : fail(outcome);
    }
    case "chap": {
      const { chapPassword, chapChallenge } = request;
      if (!isBytes(chapPassword)) return fail("malformed");
      if (chapChallenge !== undefined && !isBytes(chapChallenge)) return fail("malformed");
      const outcome = verifyChap(chapPassword, chapChallenge, requestAuthenticator, storedPassword);
      return outcome === "ok" ? { ok: true, kind, replyAttributes: [] } : fail(outcome);
    }
    case "mschap": {
      const { msChapChallenge, msChapResponse } = request;
      if (!isBytes(msChapChallenge) || !isBytes(msChapResponse)) return fail("malformed");
      const result = verifyMsChapV1(msChapChallenge, msChapResponse, storedPassword);
      if (result.outcome === "malformed") return fail("malformed");
      if (result.outcome !== "ok") {
        const error = encodeMsChapError(result.ident, {
          code: MsChapErrorCode.authenticationFailure,
        });
        return fail(result.outcome, [microsoftAttribute("MS-CHAP-Error", error)]);
      }
      const keys = encodeMsChapV1Keys(storedPassword, secret, requestAuthenticator);
      return { ok: true, kind, replyAttributes: keys };
    }
    case "mschapv2": {
      const { msChapChallenge, msChap2Response } = request;
      if (!isBytes(msChapChallenge) || !isBytes(msChap2Response)) return fail("malformed");
      const result = verifyMsChapV2(msChapChallenge, msChap2Response, ctx.userName, storedPassword);
      if (result.outcome === "malformed") return fail("malformed");
      if (result.outcome === "mismatch") {
        const error = encodeMsChapError(result.ident, {
          code: MsChapErrorCode.authenticationFailure,
          retry: false,
          challenge: msChapChallenge,
          version: 3,
          message: FAILED_MESSAGE,
        });
        return fail("mismatch", [microsoftAttribute("MS-CHAP-Error", error)]);
      }
      const success = encodeMsChap2Success(result.ident, result.authenticatorResponse);
      const keys = encodeMppeKeyPair(result.passwordHash, result.ntResponse, secret, requestAuthenticator, randomBytes);
      return {
        ok: true,
        kind,
        replyAttributes: [microsoftAttribute("MS-CHAP2-Success", success), ...keys],
      };
    }
    default:
      return fail("malformed");
  }
}
