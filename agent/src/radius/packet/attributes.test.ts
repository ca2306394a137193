import { describe, expect, test } from "bun:test";
import {
  accountingTotals,
  attributesNamed,
  integerOf,
  namedValueOf,
  octets64,
  splitOctets64,
  stringOf,
} from "./attributes.ts";
import { PacketCode } from "./codes.ts";
import { encodeRequest } from "./encode.ts";
import { decoded } from "./test-fixtures.ts";

describe("64-bit counters (RFC 2869 §5.1, §5.2)", () => {
  test("octets64 adds gigawords · 2³², exactly, up to 2⁶⁴ − 1", () => {
    expect(octets64(0, 0)).toBe(0n);
    expect(octets64(5, 0)).toBe(5n);
    expect(octets64(0, 1)).toBe(4_294_967_296n);
    expect(octets64(1_000, 3)).toBe(3n * 4_294_967_296n + 1_000n);
    expect(octets64(0xffffffff, 0xffffffff)).toBe(2n ** 64n - 1n);
  });

  test("octets64 refuses what is not a uint32", () => {
    for (const [o, g] of [
      [-1, 0],
      [0, 2 ** 32],
      [1.5, 0],
      [Number.NaN, 0],
    ]) {
      expect(() => octets64(o as number, g as number)).toThrow(RangeError);
    }
  });

  test("splitOctets64 is its inverse (for Mikrotik-Total-Limit + -Gigawords)", () => {
    for (const total of [0n, 1n, 4_294_967_295n, 4_294_967_296n, 10n * 2n ** 40n + 7n, 2n ** 64n - 1n]) {
      const { octets, gigawords } = splitOctets64(total);
      expect(octets64(octets, gigawords)).toBe(total);
    }
    expect(splitOctets64(5 * 2 ** 32 + 9)).toEqual({ octets: 9, gigawords: 5 });
    expect(() => splitOctets64(2n ** 64n)).toThrow(RangeError);
    expect(() => splitOctets64(-1n)).toThrow(RangeError);
  });

  test("accountingTotals reads a Stop record past 4 GiB in each direction", () => {
    const stop = decoded(
      encodeRequest({
        code: PacketCode.AccountingRequest,
        identifier: 1,
        secret: Buffer.from("s"),
        attributes: [
          ["Acct-Status-Type", "Stop"],
          ["Acct-Session-Id", "81f0"],
          ["Acct-Input-Octets", 123],
          ["Acct-Input-Gigawords", 2],
          ["Acct-Output-Octets", 77],
          ["Acct-Terminate-Cause", "Admin-Reset"],
        ],
      }),
    );
    expect(accountingTotals(stop)).toEqual({ inputOctets: 2n * 2n ** 32n + 123n, outputOctets: 77n });
    expect(namedValueOf(stop, "Acct-Status-Type")).toBe("Stop");
    expect(namedValueOf(stop, "Acct-Terminate-Cause")).toBe("Admin-Reset");
    expect(stringOf(stop, "Acct-Session-Id")).toBe("81f0");
    expect(integerOf(stop, "Acct-Session-Id")).toBeUndefined();
    expect(attributesNamed(stop, "Message-Authenticator")).toHaveLength(1);
  });
});
