import { hexUpper } from "../bytes.ts";

/** RFC 2759 §6 (and RFC 2433 §5 for MS-CHAPv1) failure codes. */
export const MsChapErrorCode = {
  restrictedLogonHours: 646,
  accountDisabled: 647,
  passwordExpired: 648,
  noDialinPermission: 649,
  authenticationFailure: 691,
  changingPassword: 709,
} as const;

export interface MsChapError {
  code: number;
  /** R=1 lets the peer try again with the new challenge C; we never offer a retry by default. */
  retry?: boolean;
  /** C=: 16 bytes for MS-CHAPv2 (32 hex digits); omitted for MS-CHAPv1. */
  challenge?: Uint8Array;
  /** V=: 3 for MS-CHAPv2 (password change protocol version); omitted for MS-CHAPv1. */
  version?: number;
  /** M=: free text that the peer may show to the user (RFC 2759 §6). */
  message?: string;
}

/** "E=691 R=0 C=<hex> V=3 M=Authentication failed", fields present in that order. */
export function formatMsChapError(error: MsChapError): string {
  const parts = [`E=${error.code}`, `R=${error.retry ? 1 : 0}`];
  if (error.challenge) parts.push(`C=${hexUpper(error.challenge)}`);
  if (error.version !== undefined) parts.push(`V=${error.version}`);
  if (error.message !== undefined) parts.push(`M=${error.message}`);
  return parts.join(" ");
}

/** RFC 2548 §2.1.5 MS-CHAP-Error: the Ident, then the error text. */
export function encodeMsChapError(ident: number, error: MsChapError): Buffer {
  return Buffer.concat([Uint8Array.of(ident & 0xff), Buffer.from(formatMsChapError(error), "utf8")]);
}
