/** Packets and helpers the packet tests share. */
import { decodePacket } from "./decode.ts";
import type { RadiusPacket } from "./packet.ts";

export const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

// RFC 2865 §7.1, "User Telnet to Specified Host": nemo / arctangent from NAS 192.168.1.16 port 3.
export const RFC_SECRET = Buffer.from("xyzzy5461");
export const RFC_REQUEST = hex(`01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb 98 f4 22 7a 01 06 6e 65 6d 6f
  02 12 0d be 70 8d 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8 01 10 05 06 00 00 00 03`);
export const RFC_ACCEPT = hex(`02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf 9b 55 e0 b2 06 06 00 00 00 01
  0f 06 00 00 00 00 0e 06 c0 a8 01 03`);

export function decoded(bytes: Uint8Array): RadiusPacket {
  const r = decodePacket(bytes);
  if (!r.ok) throw new Error(`expected a packet: ${r.error.code}: ${r.error.message}`);
  return r.packet;
}
