/**
 * FreeRADIUS's radclient as the NAS: it hides User-Password, computes CHAP and MS-CHAPv1 itself,
 * and decrypts the MS-MPPE and MS-CHAP-MPPE-Keys values of our reply with its own code. The
 * test answers on a loopback UDP socket with a minimal codec of its own (the real server is
 * not this folder's job), so what is proven is the crypto against an independent peer.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { udp } from "bun";
import { requirePeer } from "../../../../tests/support/peers.ts";
import { md5 } from "../bytes.ts";
import type { MicrosoftReplyAttribute } from "./microsoft.attributes.ts";
import { encodeMsChap2Response } from "./mschap-v2.ts";
import { type CredentialRequest, type VerifyResult, verifyCredentials } from "./verify-credentials.ts";

const SECRET = "kilusi-interop-secret";
const PASSWORD = "clientPass";
// Three User-Password blocks, so the chaining past the first block meets FreeRADIUS's too.
const LONG_PASSWORD = "correct horse battery staple, 3 blocks!!";
const PASSWORDS: Record<string, string> = { User: PASSWORD, long: LONG_PASSWORD };
const available = requirePeer("radclient", Bun.which("radclient") !== null, "apt-get install freeradius-utils");

interface Attribute {
  type: number;
  vendorId?: number;
  value: Buffer;
}

function parseAttributes(packet: Buffer): Attribute[] {
  const out: Attribute[] = [];
  const end = Math.min(packet.readUInt16BE(2), packet.length);
  for (let i = 20; i + 2 <= end; ) {
    const type = packet[i] as number;
    const length = packet[i + 1] as number;
    if (length < 2) break;
    const value = packet.subarray(i + 2, i + length);
    if (type === 26 && value.length >= 6) {
      out.push({
        type: value[4] as number,
        vendorId: value.readUInt32BE(0),
        value: value.subarray(6, 4 + (value[5] as number)),
      });
    } else {
      out.push({ type, value });
    }
    i += length;
  }
  return out;
}

const find = (attrs: Attribute[], type: number, vendorId?: number) =>
  attrs.find((a) => a.type === type && a.vendorId === vendorId)?.value;

/** Reads the credential attributes the way the real server will: by which ones are present. */
function credentialRequest(attrs: Attribute[]): CredentialRequest | null {
  const userPassword = find(attrs, 2);
  if (userPassword) return { kind: "pap", userPassword };
  const chapPassword = find(attrs, 3);
  if (chapPassword) {
    const chapChallenge = find(attrs, 60);
    return { kind: "chap", chapPassword, ...(chapChallenge ? { chapChallenge } : {}) };
  }
  const msChapChallenge = find(attrs, 11, 311);
  const msChapResponse = find(attrs, 1, 311);
  if (msChapChallenge && msChapResponse) return { kind: "mschap", msChapChallenge, msChapResponse };
  const msChap2Response = find(attrs, 25, 311);
  if (msChapChallenge && msChap2Response) return { kind: "mschapv2", msChapChallenge, msChap2Response };
  return null;
}

function vendorSpecific(a: MicrosoftReplyAttribute): Buffer {
  const header = Buffer.alloc(8);
  header[0] = 26;
  header[1] = 8 + a.value.length;
  header.writeUInt32BE(a.vendorId, 2);
  header[6] = a.type;
  header[7] = 2 + a.value.length;
  return Buffer.concat([header, a.value]);
}

function reply(request: Buffer, result: VerifyResult): Buffer {
  const attrs = Buffer.concat(result.replyAttributes.map(vendorSpecific));
  const packet = Buffer.concat([Buffer.alloc(20), attrs]);
  packet[0] = result.ok ? 2 : 3;
  packet[1] = request[1] as number;
  packet.writeUInt16BE(packet.length, 2);
  request.copy(packet, 4, 4, 20);
  md5(packet, Buffer.from(SECRET)).copy(packet, 4);
  return packet;
}

let socket: udp.Socket<"buffer"> | undefined;
const results: VerifyResult[] = [];

beforeAll(async () => {
  if (!available) return;
  socket = await Bun.udpSocket({
    hostname: "127.0.0.1",
    socket: {
      data(s, data, port, address) {
        const attrs = parseAttributes(data);
        const request = credentialRequest(attrs);
        const userName = find(attrs, 1)?.toString("utf8") ?? "";
        const result: VerifyResult = request
          ? verifyCredentials(request, PASSWORDS[userName] ?? "", {
              secret: Buffer.from(SECRET),
              requestAuthenticator: data.subarray(4, 20),
              userName,
            })
          : { ok: false, kind: "pap", reason: "malformed", replyAttributes: [] };
        results.push(result);
        s.send(reply(data, result), port, address);
      },
    },
  });
});

afterAll(() => socket?.close());

async function radclient(attributes: string): Promise<string> {
  const proc = Bun.spawn(["radclient", "-x", "-r", "1", "-t", "5", `127.0.0.1:${socket?.port}`, "auth", SECRET], {
    stdin: new TextEncoder().encode(`${attributes}\n`),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  return out + err;
}

describe.skipIf(!available)("radclient (FreeRADIUS) as the NAS", () => {
  test.each([
    ["PAP", "User", PASSWORD, (pw: string) => `User-Password = "${pw}"`],
    ["PAP, a password of three blocks", "long", LONG_PASSWORD, (pw: string) => `User-Password = "${pw}"`],
    ["CHAP over the Request Authenticator", "User", PASSWORD, (pw: string) => `CHAP-Password = "${pw}"`],
    [
      "CHAP with a CHAP-Challenge",
      "User",
      PASSWORD,
      (pw: string) => `CHAP-Password = "${pw}", CHAP-Challenge = 0x0123456789abcdef0123`,
    ],
    ["MS-CHAPv1", "User", PASSWORD, (pw: string) => `MS-CHAP-Password = "${pw}"`],
  ])("%s: the right password gets Access-Accept, a wrong one Access-Reject", async (_, user, pw, credential) => {
    const right = await radclient(`User-Name = "${user}", ${credential(pw)}`);
    expect(right).toContain("Received Access-Accept");
    const wrong = await radclient(`User-Name = "${user}", ${credential(`${pw.slice(0, -1)}?`)}`);
    expect(wrong).toContain("Received Access-Reject");
  });

  test("MS-CHAPv1: radclient decrypts our MS-CHAP-MPPE-Keys to LM-Key + hash of the NT hash", async () => {
    const out = await radclient(`User-Name = "User", MS-CHAP-Password = "${PASSWORD}"`);
    expect(out).toContain("Received Access-Accept");
    // LM hash of CLIENTPASS (first 8 bytes), then RFC 2759's PasswordHashHash.
    expect(out.toLowerCase()).toMatch(/ms-chap-mppe-keys = 0x[0-9a-f]{16}41c00c584bd2d91c4017a2a12fa59f3f\b/);
  });

  test("MS-CHAPv2: radclient decrypts our MS-MPPE keys to the RFC 3079 §3.5 values", async () => {
    const authenticatorChallenge = Buffer.from("5B5D7C7D7B3F2F3E3C2C602132262628", "hex");
    const response = encodeMsChap2Response({
      ident: 7,
      authenticatorChallenge,
      peerChallenge: Buffer.from("21402324255E262A28295F2B3A337C7E", "hex"),
      userName: "User",
      password: PASSWORD,
    });
    const out = await radclient(
      `User-Name = "User", MS-CHAP-Challenge = 0x${authenticatorChallenge.toString("hex")}, MS-CHAP2-Response = 0x${response.toString("hex")}`,
    );
    expect(out).toContain("Received Access-Accept");
    const lower = out.toLowerCase();
    expect(lower).toContain("ms-mppe-send-key = 0x8b7cdc149b993a1ba118cb153f56dccb");
    expect(lower).toContain("ms-mppe-recv-key = 0xd5f0e9521e3ea9589645e86051c82226");
    // MS-CHAP2-Success: ident 7 then "S=407A...", which radclient prints as octets.
    expect(lower).toContain(
      `ms-chap2-success = 0x07${Buffer.from("S=407A5589115FD0D6209F510FE9C04566932CDA56").toString("hex")}`,
    );
  });

  test("MS-CHAPv2 with a wrong password: Access-Reject carrying MS-CHAP-Error", async () => {
    const authenticatorChallenge = Buffer.from("00112233445566778899aabbccddeeff", "hex");
    const response = encodeMsChap2Response({
      ident: 9,
      authenticatorChallenge,
      peerChallenge: Buffer.alloc(16, 0x42),
      userName: "User",
      password: "not-the-password",
    });
    const out = await radclient(
      `User-Name = "User", MS-CHAP-Challenge = 0x${authenticatorChallenge.toString("hex")}, MS-CHAP2-Response = 0x${response.toString("hex")}`,
    );
    expect(out).toContain("Received Access-Reject");
    // radclient prints the string attribute with its leading ident byte escaped.
    expect(out).toMatch(/MS-CHAP-Error = ".+E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3 M=Authentication failed"/);
  });

  test("the server saw each kind it was sent", () => {
    expect(new Set(results.map((r) => r.kind))).toEqual(new Set(["pap", "chap", "mschap", "mschapv2"]));
  });
});
