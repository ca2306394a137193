/**
 * Run once at start-up, before the RADIUS ports open: a broken embedded dictionary or codec must
 * stop the agent with a clear line, not reject every subscriber at the first login.
 */
import { type Dictionary, RADIUS_DICTIONARY } from "../dictionary/dictionary.ts";
import { PacketCode } from "./codes.ts";
import { decodePacket } from "./decode.ts";
import { type AttributeInput, encodeRequest, encodeResponse } from "./encode.ts";
import type { RadiusPacket } from "./packet.ts";
import { validateRequest, verifyResponse } from "./validation.ts";
import type { AttributeValue } from "./values.ts";

export class RadiusSelfTestError extends Error {
  override readonly name = "RadiusSelfTestError";
}

/** Attributes the agent cannot work without, where they must be. */
const ESSENTIAL: readonly [name: string, vendor: number, code: number][] = [
  ["User-Name", 0, 1],
  ["User-Password", 0, 2],
  ["CHAP-Password", 0, 3],
  ["Vendor-Specific", 0, 26],
  ["Proxy-State", 0, 33],
  ["Acct-Status-Type", 0, 40],
  ["Message-Authenticator", 0, 80],
  ["Mikrotik-Rate-Limit", 14988, 8],
  ["Mikrotik-Address-List", 14988, 19],
  ["MS-CHAP-Challenge", 311, 11],
  ["MS-CHAP2-Response", 311, 25],
  ["MS-CHAP2-Success", 311, 26],
  ["MS-MPPE-Send-Key", 311, 16],
  ["MS-MPPE-Recv-Key", 311, 17],
];

const SECRET = Buffer.from("kilusi-self-test");

function same(a: AttributeValue | undefined, b: AttributeValue): boolean {
  if (Buffer.isBuffer(b)) return Buffer.isBuffer(a) && a.equals(b);
  if (b instanceof Date) return a instanceof Date && a.getTime() === b.getTime();
  return a === b;
}

function roundTrip(label: string, bytes: Buffer, sent: readonly AttributeInput[], dictionary: Dictionary) {
  const decoded = decodePacket(bytes, dictionary);
  if (!decoded.ok)
    throw new RadiusSelfTestError(`RADIUS self-test failed: ${label} does not decode: ${decoded.error.message}`);
  for (const input of sent) {
    const [name, value] = input as readonly [string, AttributeValue];
    const got = decoded.packet.attributes.find((a) => a.name === name);
    const want = dictionary.byName(name)?.values?.[value as string] ?? value;
    if (!same(got?.value, want))
      throw new RadiusSelfTestError(`RADIUS self-test failed: ${label}: ${name} did not survive encode/decode`);
  }
  return decoded.packet;
}

/** Throws a RadiusSelfTestError saying what is broken; returns nothing when all is well. */
export function radiusSelfTest(dictionary: Dictionary = RADIUS_DICTIONARY): void {
  try {
    exercise(dictionary);
  } catch (error) {
    if (error instanceof RadiusSelfTestError) throw error;
    throw new RadiusSelfTestError(`RADIUS self-test failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function exercise(dictionary: Dictionary): void {
  const fail = (why: string): never => {
    throw new RadiusSelfTestError(`RADIUS self-test failed: ${why}`);
  };
  for (const [name, vendor, code] of ESSENTIAL) {
    const def = dictionary.byName(name);
    if (def?.vendor !== vendor || def.code !== code) fail(`the embedded dictionary lacks ${name} (${vendor}:${code})`);
  }
  const request: AttributeInput[] = [
    ["User-Name", "self-test"],
    ["User-Password", Buffer.alloc(16, 0x5a)],
    ["NAS-IP-Address", "192.0.2.1"],
    ["NAS-Port-Type", "Ethernet"],
    ["Calling-Station-Id", "00:11:22:33:44:55"],
    ["Event-Timestamp", new Date(1_700_000_000_000)],
    ["Mikrotik-Realm", "site"],
    ["MS-CHAP-Challenge", Buffer.alloc(16, 1)],
    ["MS-CHAP2-Response", Buffer.alloc(50, 2)],
    ["Proxy-State", Buffer.from("hop-1")],
  ];
  const requestBytes = encodeRequest({
    code: PacketCode.AccessRequest,
    identifier: 7,
    attributes: request,
    secret: SECRET,
  });
  const asked: RadiusPacket = roundTrip("Access-Request", requestBytes, request, dictionary);
  const nas = { secret: SECRET, requireMessageAuthenticator: true, limitProxyState: true };
  const verdict = validateRequest(asked, nas, 0);
  if (!verdict.ok || !verdict.signed) fail("a signed Access-Request does not validate");
  const tampered = Buffer.from(requestBytes);
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
  const forged = decodePacket(tampered, dictionary);
  if (!forged.ok || validateRequest(forged.packet, nas, 0).ok) fail("a tampered Access-Request validates");

  const reply: AttributeInput[] = [
    ["Mikrotik-Rate-Limit", "10M/20M"],
    ["Mikrotik-Address-List", "active"],
    ["Mikrotik-Total-Limit", 5],
    ["Mikrotik-Total-Limit-Gigawords", 1],
    ["MS-MPPE-Encryption-Policy", "Encryption-Required"],
    ["MS-MPPE-Send-Key", Buffer.alloc(34, 3)],
    ["MS-CHAP2-Success", Buffer.concat([Buffer.from([1]), Buffer.from("S=".padEnd(42, "0"))])],
    ["Framed-IP-Address", "10.0.0.2"],
    ["Session-Timeout", 3600],
  ];
  const replyBytes = encodeResponse({
    code: PacketCode.AccessAccept,
    request: asked,
    attributes: reply,
    secret: SECRET,
  });
  const answered = roundTrip("Access-Accept", replyBytes, reply, dictionary);
  if (answered.attributes[0]?.name !== "Message-Authenticator") fail("Message-Authenticator is not first");
  if (!answered.attributes.some((a) => a.name === "Proxy-State" && a.raw.equals(Buffer.from("hop-1")))) {
    fail("Proxy-State was not copied into the reply");
  }
  const check = verifyResponse(answered, asked, SECRET, { requireMessageAuthenticator: true });
  if (!check.ok) fail(`the Access-Accept does not verify (${check.problem})`);
}
