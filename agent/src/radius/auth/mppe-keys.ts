import { head, sha1 } from "../bytes.ts";

// RFC 3079 §3.4: the constants, verbatim.
const MASTER_MAGIC = Buffer.from("This is the MPPE Master Key", "ascii");
const MAGIC2 = Buffer.from(
  "On the client side, this is the send key; on the server side, it is the receive key.",
  "ascii",
);
const MAGIC3 = Buffer.from(
  "On the client side, this is the receive key; on the server side, it is the send key.",
  "ascii",
);
const SHS_PAD1 = Buffer.alloc(40, 0x00);
const SHS_PAD2 = Buffer.alloc(40, 0xf2);
// GetAsymmetricStartKey's SHA-1 input, the master key's 16 octets first and then the constant
// rest; the key is written in before each (synchronous) hash and wiped after it.
const START_KEY_INPUT2 = Buffer.concat([Buffer.alloc(16), SHS_PAD1, MAGIC2, SHS_PAD2]);
const START_KEY_INPUT3 = Buffer.concat([Buffer.alloc(16), SHS_PAD1, MAGIC3, SHS_PAD2]);

/** RFC 3079 §3.4 GetMasterKey: 16 bytes from the hash of the NT hash and the NT-Response. */
export function getMasterKey(passwordHashHash: Uint8Array, ntResponse: Uint8Array): Buffer {
  return head(sha1(passwordHashHash, ntResponse, MASTER_MAGIC), 16);
}

/** RFC 3079 §3.4 GetAsymmetricStartKey; keyLength is 8 (40/56-bit) or 16 (128-bit). */
export function getAsymmetricStartKey(
  masterKey: Uint8Array,
  keyLength: 8 | 16,
  isSend: boolean,
  isServer: boolean,
): Buffer {
  const input = isSend === isServer ? START_KEY_INPUT3 : START_KEY_INPUT2;
  input.set(masterKey.length === 16 ? masterKey : masterKey.subarray(0, 16), 0);
  const key = head(sha1(input), keyLength);
  input.fill(0, 0, 16);
  return key;
}

/**
 * The two 128-bit start keys from the authenticator's side, which is the side the RADIUS
 * attributes are named for (RFC 2548 §2.4.2: MS-MPPE-Send-Key is the key the NAS sends with).
 */
export function msChapV2MppeKeys(
  passwordHashHash: Uint8Array,
  ntResponse: Uint8Array,
): { sendKey: Buffer; recvKey: Buffer } {
  const master = getMasterKey(passwordHashHash, ntResponse);
  return {
    sendKey: getAsymmetricStartKey(master, 16, true, true),
    recvKey: getAsymmetricStartKey(master, 16, false, true),
  };
}
