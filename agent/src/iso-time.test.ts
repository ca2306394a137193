import { expect, test } from "bun:test";
import { isoAt } from "./iso-time.ts";

test("isoAt is toISOString of that millisecond, whatever came before", () => {
  for (const ms of [0, 0, 1, 1_764_000_000_123, 1_764_000_000_123, 1_764_000_000_124, -1, 8.64e15, 0]) {
    expect(isoAt(ms)).toBe(new Date(ms).toISOString());
  }
  expect(() => isoAt(Number.NaN)).toThrow(RangeError);
});
