import type { CredentialRequest } from "../auth/verify-credentials.ts";
import { octetsOf, type RadiusPacket } from "../packet/index.ts";

/**
 * Which authentication an Access-Request asks for, from the attributes present (RFC 2865 §5.2,
 * §5.3; RFC 2548 §2.3). A request that carries none, or more than one method (RFC 2865 §5.2
 * forbids User-Password with CHAP-Password), gets null: it is rejected, never guessed at.
 */
export function credentialRequest(packet: Pick<RadiusPacket, "attributes">): CredentialRequest | null {
  const userPassword = octetsOf(packet, "User-Password");
  const chapPassword = octetsOf(packet, "CHAP-Password");
  const msChapChallenge = octetsOf(packet, "MS-CHAP-Challenge");
  const msChapResponse = octetsOf(packet, "MS-CHAP-Response");
  const msChap2Response = octetsOf(packet, "MS-CHAP2-Response");
  const found: CredentialRequest[] = [];
  if (userPassword) found.push({ kind: "pap", userPassword });
  if (chapPassword) {
    const chapChallenge = octetsOf(packet, "CHAP-Challenge");
    found.push({ kind: "chap", chapPassword, ...(chapChallenge ? { chapChallenge } : {}) });
  }
  if (msChapChallenge && msChapResponse) found.push({ kind: "mschap", msChapChallenge, msChapResponse });
  if (msChapChallenge && msChap2Response) found.push({ kind: "mschapv2", msChapChallenge, msChap2Response });
  return found.length === 1 ? (found[0] as CredentialRequest) : null;
}
