import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  checkFormat,
  entropyBits,
  generateBatch,
  generateCode,
  type RandomBytes,
  randomChars,
  VOUCHER_ALPHABET,
  type VoucherEvent,
  type VoucherState,
  voucherEvents,
  voucherStates,
  voucherTransition,
} from "./vouchers.models.ts";

/** Hands out the given bytes in order, round and round. */
const scripted = (...values: number[]): RandomBytes => {
  let next = 0;
  return (bytes) => {
    for (let i = 0; i < bytes.length; i++) bytes[i] = values[next++ % values.length] as number;
    return bytes;
  };
};

describe("alphabet", () => {
  test("32 characters, none that look like another, no lower case", () => {
    expect(VOUCHER_ALPHABET).toHaveLength(32);
    expect(new Set(VOUCHER_ALPHABET).size).toBe(32);
    for (const c of "0Oo1lIi") expect(VOUCHER_ALPHABET).not.toContain(c);
    expect(VOUCHER_ALPHABET).toBe(VOUCHER_ALPHABET.toUpperCase());
    expect(entropyBits(8)).toBe(40);
    expect(entropyBits(10, 10)).toBeCloseTo(33.22, 2);
  });
});

describe("codes", () => {
  test("rejection sampling skips bytes past the last whole multiple of the alphabet", () => {
    // Alphabet of 3: 256 % 3 = 1, so byte 255 is rejected; 254 % 3 = 2 → "c", 0 → "a", 4 → "b".
    expect(randomChars(3, "abc", scripted(255, 254, 255, 0, 4))).toBe("cab");
    // 32 divides 256: nothing is rejected, byte 33 is the second character.
    expect(randomChars(2, VOUCHER_ALPHABET, scripted(255, 33))).toBe("Z3");
  });

  test("prefix and length", () => {
    const code = generateCode({ prefix: "KLS-", length: 8 });
    expect(code).toMatch(/^KLS-[2-9A-HJ-NP-Z]{8}$/);
  });

  test.each([
    [{ prefix: "kls", length: 8 }, "vouchers.prefix"],
    [{ prefix: "A B", length: 8 }, "vouchers.prefix"],
    [{ prefix: "ABCDEFGHJKLMN", length: 8 }, "vouchers.prefix"],
    [{ prefix: "", length: 3 }, "vouchers.length"],
    [{ prefix: "", length: 33 }, "vouchers.length"],
    [{ prefix: "", length: 6.5 }, "vouchers.length"],
    [{ prefix: "", length: 8, alphabet: "AAB" }, "vouchers.alphabet"],
    [{ prefix: "", length: 8, alphabet: "A" }, "vouchers.alphabet"],
  ] as const)("%o is refused with %s", (format, code) => {
    expect(checkFormat(format)).toBe(code);
    expect(generateBatch(1, format)).toEqual({ ok: false, code });
  });

  test("every character is about equally likely", () => {
    const counts = new Map<string, number>();
    for (const c of randomChars(64_000, VOUCHER_ALPHABET)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(32);
    // Expected 2000 each; a 5σ band (σ ≈ 44) never fails by chance in practice.
    for (const n of counts.values()) expect(Math.abs(n - 2000)).toBeLessThan(225);
  });

  test("a batch is unique, avoids taken codes, and refuses a space too small", () => {
    const batch = generateBatch(2000, { prefix: "V", length: 6 });
    if (!batch.ok) throw new Error(batch.code);
    expect(new Set(batch.codes).size).toBe(2000);
    for (const code of batch.codes) expect(code).toMatch(/^V[2-9A-HJ-NP-Z]{6}$/);

    // Each 5-character code asks for 13 bytes: the first draw is the taken "22222", the next is not.
    const draws = scripted(...Array(13).fill(0), 1, ...Array(12).fill(0));
    const small = generateBatch(1, { prefix: "", length: 5 }, new Set(["22222"]), draws);
    expect(small).toEqual({ ok: true, codes: ["32222"] });

    expect(() => generateBatch(2, { prefix: "", length: 8 }, new Set(), scripted(7))).toThrow(/repeating/);
    expect(generateBatch(17_000, { prefix: "", length: 6 })).toEqual({ ok: false, code: "vouchers.count" });
    expect(generateBatch(600, { prefix: "", length: 5 })).toEqual({ ok: false, code: "vouchers.space-too-small" });
    expect(
      generateBatch(10, { prefix: "", length: 6 }, new Set(Array.from({ length: 16_380 }, (_, i) => `${i}`))),
    ).toEqual({
      ok: false,
      code: "vouchers.space-too-small",
    });
  });

  test("property: any valid format gives codes of the prefix and alphabet", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z0-9-]{0,12}$/),
        fc.integer({ min: 4, max: 32 }),
        fc.uniqueArray(fc.constantFrom(..."ABCDEFGHJKLMNPQRSTUVWXYZ23456789!#"), { minLength: 2, maxLength: 34 }),
        (prefix, length, chars) => {
          const alphabet = chars.join("");
          const code = generateCode({ prefix, length, alphabet });
          expect(code.startsWith(prefix)).toBe(true);
          expect(code).toHaveLength(prefix.length + length);
          for (const c of code.slice(prefix.length)) expect(alphabet).toContain(c);
        },
      ),
      { numRuns: 300 },
    );
  });
});

const EXPECTED: Record<VoucherState, Partial<Record<VoucherEvent, VoucherState>>> = {
  new: { sell: "sold", void: "void" },
  sold: { activate: "active", void: "void" },
  active: { expire: "expired", exhaust: "exhausted" },
  expired: {},
  exhausted: {},
  void: {},
};

describe("voucher state machine", () => {
  for (const state of voucherStates) {
    for (const event of voucherEvents) {
      const to = EXPECTED[state][event];
      test(`${state} + ${event} → ${to ?? "refused"}`, () => {
        expect(voucherTransition(state, event)).toEqual(
          to ? { ok: true, to } : { ok: false, code: "vouchers.transition-not-allowed", from: state, event },
        );
      });
    }
  }
});
