/** RADIUS packet codes (RFC 2865 §3, RFC 2866 §3, RFC 5176 §2.3, RFC 5997). */
export const PacketCode = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccountingRequest: 4,
  AccountingResponse: 5,
  AccessChallenge: 11,
  StatusServer: 12,
  DisconnectRequest: 40,
  DisconnectAck: 41,
  DisconnectNak: 42,
  CoaRequest: 43,
  CoaAck: 44,
  CoaNak: 45,
} as const;
export type PacketCode = (typeof PacketCode)[keyof typeof PacketCode];

const NAMES: Record<number, string> = {
  1: "Access-Request",
  2: "Access-Accept",
  3: "Access-Reject",
  4: "Accounting-Request",
  5: "Accounting-Response",
  11: "Access-Challenge",
  12: "Status-Server",
  40: "Disconnect-Request",
  41: "Disconnect-ACK",
  42: "Disconnect-NAK",
  43: "CoA-Request",
  44: "CoA-ACK",
  45: "CoA-NAK",
};

export const codeName = (code: number): string => NAMES[code] ?? `Code-${code}`;
export const isKnownCode = (code: number): code is PacketCode => code in NAMES;

/** Requests whose authenticator is random (MA signs them) rather than an MD5 over the packet. */
export const RANDOM_AUTHENTICATOR: ReadonlySet<number> = new Set([PacketCode.AccessRequest, PacketCode.StatusServer]);

/** Requests whose authenticator is MD5(header + 16 zero octets + attributes + secret). */
export const DIGEST_AUTHENTICATOR: ReadonlySet<number> = new Set([
  PacketCode.AccountingRequest,
  PacketCode.DisconnectRequest,
  PacketCode.CoaRequest,
]);

export const isRequestCode = (code: number) => RANDOM_AUTHENTICATOR.has(code) || DIGEST_AUTHENTICATOR.has(code);

/** Replies to an Access-Request (or a Status-Server on the auth port) carry MA first, always. */
export const ACCESS_RESPONSE: ReadonlySet<number> = new Set([
  PacketCode.AccessAccept,
  PacketCode.AccessReject,
  PacketCode.AccessChallenge,
]);

/** Which reply codes answer which request (Status-Server: either port's positive answer). */
export const RESPONSES_TO: Readonly<Record<number, readonly number[]>> = {
  [PacketCode.AccessRequest]: [PacketCode.AccessAccept, PacketCode.AccessReject, PacketCode.AccessChallenge],
  [PacketCode.StatusServer]: [PacketCode.AccessAccept, PacketCode.AccountingResponse],
  [PacketCode.AccountingRequest]: [PacketCode.AccountingResponse],
  [PacketCode.DisconnectRequest]: [PacketCode.DisconnectAck, PacketCode.DisconnectNak],
  [PacketCode.CoaRequest]: [PacketCode.CoaAck, PacketCode.CoaNak],
};

export const isResponseCode = (code: number) => Object.values(RESPONSES_TO).some((codes) => codes.includes(code));
