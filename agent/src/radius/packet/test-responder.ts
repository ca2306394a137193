/**
 * For tests: a loopback UDP RADIUS responder built only from this codec (decode → validate →
 * encode), so a real client such as radclient can be pointed at it. Not the agent's server.
 */
import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { decodePacket } from "./decode.ts";
import { type AttributeInput, encodeResponse, type ResponseCode } from "./encode.ts";
import type { RadiusDecodeError, RadiusPacket } from "./packet.ts";
import { type NasSecurity, type RequestVerdict, validateRequest } from "./validation.ts";

export interface Seen {
  packet?: RadiusPacket;
  error?: RadiusDecodeError;
  verdict?: RequestVerdict;
}

export interface Reply {
  code: ResponseCode;
  attributes: AttributeInput[];
  /** Sign with this instead of the secret the request proved (to test the client's check). */
  secret?: Buffer;
  messageAuthenticator?: boolean;
}

export interface Responder {
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

export async function startResponder(options: {
  nas: NasSecurity;
  now?: () => number;
  answer: (packet: RadiusPacket) => Reply | null;
}): Promise<Responder> {
  const socket = createSocket("udp4");
  const seen: Seen[] = [];
  socket.on("message", (datagram, from) => {
    const decoded = decodePacket(datagram);
    if (!decoded.ok) {
      seen.push({ error: decoded.error });
      return;
    }
    const packet = decoded.packet;
    const verdict = validateRequest(packet, options.nas, (options.now ?? Date.now)());
    seen.push({ packet, verdict });
    if (!verdict.ok) return;
    const reply = options.answer(packet);
    if (!reply) return;
    const secret = reply.secret ?? (verdict.signed ? verdict.secret : (verdict.candidates[0] as Buffer));
    const out = encodeResponse({
      code: reply.code,
      request: packet,
      secret,
      attributes: reply.attributes,
      messageAuthenticator: reply.messageAuthenticator,
    });
    socket.send(out, from.port, from.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve());
  });
  return {
    port: (socket.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
