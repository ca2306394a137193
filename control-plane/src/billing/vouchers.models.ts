/**
 * Hotspot voucher codes and the voucher life cycle.
 *
 * Codes are read off paper and typed on a phone, often by someone in a hurry at a warung, so
 * the alphabet leaves out every character that looks like another: 0 O o, 1 l I i, and all
 * lower case (a phone keyboard that capitalises the first letter would otherwise change the
 * code). What remains is 2–9 and A–Z without I and O: 32 characters, 5 bits each.
 *
 * Characters are drawn with crypto.getRandomValues and rejection sampling: a byte is used only
 * if it falls below the largest multiple of the alphabet size, so every character is exactly
 * equally likely (a plain `byte % size` would favour the first 256 % size characters).
 */

export const VOUCHER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
export const MIN_CODE_LENGTH = 4;
export const MAX_CODE_LENGTH = 32;
export const MAX_BATCH = 10_000;
/** log2 of how many codes the space must hold per code handed out. */
export const SPARSENESS_BITS = 16;
const PREFIX = /^[A-Z0-9-]{0,12}$/;

/** Fills the array with random bytes; crypto.getRandomValues unless a test needs a script. */
export type RandomBytes = (bytes: Uint8Array) => Uint8Array;
const cryptoRandom: RandomBytes = (bytes) => crypto.getRandomValues(bytes);

export interface CodeFormat {
  /** Upper-case letters, digits and "-", up to 12; printed as is, in front of every code. */
  prefix: string;
  /** Random characters after the prefix, 4–32. */
  length: number;
  alphabet?: string;
}

export type VoucherFormatError = "vouchers.prefix" | "vouchers.length" | "vouchers.alphabet" | "vouchers.count";

export function checkFormat(format: CodeFormat): VoucherFormatError | null {
  if (!PREFIX.test(format.prefix)) return "vouchers.prefix";
  if (!Number.isInteger(format.length) || format.length < MIN_CODE_LENGTH || format.length > MAX_CODE_LENGTH) {
    return "vouchers.length";
  }
  const alphabet = format.alphabet ?? VOUCHER_ALPHABET;
  if (alphabet.length < 2 || alphabet.length > 256 || new Set(alphabet).size !== alphabet.length) {
    return "vouchers.alphabet";
  }
  return null;
}

/** Bits of randomness in a code (the prefix adds none). */
export function entropyBits(length: number, alphabetSize = VOUCHER_ALPHABET.length): number {
  return length * Math.log2(alphabetSize);
}

/** The random part of a code: `length` characters, each uniform over the alphabet. */
export function randomChars(length: number, alphabet: string, random: RandomBytes = cryptoRandom): string {
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const byte of random(new Uint8Array(length - out.length + 8))) {
      if (byte >= limit) continue;
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateCode(format: CodeFormat, random: RandomBytes = cryptoRandom): string {
  const error = checkFormat(format);
  if (error) throw new RangeError(error);
  return format.prefix + randomChars(format.length, format.alphabet ?? VOUCHER_ALPHABET, random);
}

export type BatchResult =
  | { ok: true; codes: string[] }
  | { ok: false; code: VoucherFormatError | "vouchers.space-too-small" };

/**
 * `count` distinct codes, none in `taken` (codes the tenant already has, when known; the
 * database's unique key is what finally guarantees it). A batch is refused when the tenant's
 * codes would fill more than 1/65536 of the code space: past that, a stranger typing random
 * codes at the hotspot login finds a live one too easily. Six characters allow 16,384 codes,
 * seven 524,288.
 */
export function generateBatch(
  count: number,
  format: CodeFormat,
  taken: ReadonlySet<string> = new Set(),
  random: RandomBytes = cryptoRandom,
): BatchResult {
  const error = checkFormat(format);
  if (error) return { ok: false, code: error };
  if (!Number.isInteger(count) || count < 1 || count > MAX_BATCH) return { ok: false, code: "vouchers.count" };
  const alphabet = format.alphabet ?? VOUCHER_ALPHABET;
  if (Math.log2(count + taken.size) > entropyBits(format.length, alphabet.length) - SPARSENESS_BITS) {
    return { ok: false, code: "vouchers.space-too-small" };
  }
  const codes = new Set<string>();
  // With the space this sparse a repeat is a one-in-65,536 event; thousands mean a broken source.
  for (let attempts = 0; codes.size < count; attempts++) {
    if (attempts > count + 1000) throw new Error("voucher codes keep repeating: the random source is broken");
    const code = generateCode(format, random);
    if (!taken.has(code)) codes.add(code);
  }
  return { ok: true, codes: [...codes] };
}

export const voucherStates = ["new", "sold", "active", "expired", "exhausted", "void"] as const;
export type VoucherState = (typeof voucherStates)[number];
export const voucherEvents = ["sell", "activate", "expire", "exhaust", "void"] as const;
export type VoucherEvent = (typeof voucherEvents)[number];

/**
 * new → sold → active → expired (its validity ran out) or exhausted (its plan's data quota is
 * used, counted over every site's sessions); new or sold → void (a lost sheet, a refund). A
 * voucher that has been used can no longer be voided: its time was consumed, so it ends like any
 * other.
 */
const VOUCHER_TABLE: Partial<Record<VoucherState, Partial<Record<VoucherEvent, VoucherState>>>> = {
  new: { sell: "sold", void: "void" },
  sold: { activate: "active", void: "void" },
  active: { expire: "expired", exhaust: "exhausted" },
};

export type VoucherTransition =
  | { ok: true; to: VoucherState }
  | { ok: false; code: "vouchers.transition-not-allowed"; from: VoucherState; event: VoucherEvent };

export function voucherTransition(state: VoucherState, event: VoucherEvent): VoucherTransition {
  const to = VOUCHER_TABLE[state]?.[event];
  return to ? { ok: true, to } : { ok: false, code: "vouchers.transition-not-allowed", from: state, event };
}
