import type { MicrosoftReplyAttribute } from "../auth/microsoft.attributes.ts";
import { type CredentialRequest, type VerifyResult, verifyCredentials } from "../auth/verify-credentials.ts";
import type { RawAttribute } from "../packet/encode.ts";

export interface PasswordAttempt {
  userName: string;
  credentials: CredentialRequest;
  secrets: readonly Buffer[];
  requestAuthenticator: Buffer;
}

export type PasswordCheck =
  | { ok: true; attributes: RawAttribute[] }
  | { ok: false; reason: "wrong_password" | "malformed" | "unsupported"; attributes: RawAttribute[] };

/** The reply attributes verifyCredentials built (already in wire form), as the encoder takes them. */
const raw = (attributes: readonly MicrosoftReplyAttribute[]): RawAttribute[] =>
  attributes.map((a) => ({ code: a.type, vendor: a.vendorId, value: a.value }));

/**
 * The attempt's credentials against the stored password. PAP hides the password with the
 * secret, so while a NAS's secret is being rotated each candidate is tried in turn; CHAP and
 * MS-CHAP do not involve the secret except to encrypt the MPPE keys, which use the first one
 * (the server puts the secret that signed the request first).
 */
export function checkPassword(attempt: PasswordAttempt, storedPassword: string): PasswordCheck {
  const [first, ...others] = attempt.secrets;
  if (!first) return { ok: false, reason: "malformed", attributes: [] };
  const verify = (secret: Buffer): VerifyResult =>
    verifyCredentials(attempt.credentials, storedPassword, {
      secret,
      requestAuthenticator: attempt.requestAuthenticator,
      userName: attempt.userName,
    });
  let result = verify(first);
  if (!result.ok && result.kind === "pap" && result.reason === "mismatch") {
    for (const secret of others) {
      const next = verify(secret);
      if (next.ok) {
        result = next;
        break;
      }
    }
  }
  if (result.ok) return { ok: true, attributes: raw(result.replyAttributes) };
  // bad-context is an authenticator that is not 16 octets or an empty secret: nothing to verify.
  const reason =
    result.reason === "mismatch" ? "wrong_password" : result.reason === "unsupported" ? "unsupported" : "malformed";
  return { ok: false, reason, attributes: raw(result.replyAttributes) };
}
