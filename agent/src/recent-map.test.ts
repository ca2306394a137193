import { describe, expect, test } from "bun:test";
import { RecentMap } from "./recent-map.ts";

describe("RecentMap", () => {
  test("an entry lives ttl from its last set, then is gone", () => {
    const map = new RecentMap<string>(1_000, 100);
    map.set("a", "first", 0);
    expect(map.get("a", 999)).toBe("first");
    map.set("a", "again", 500);
    expect(map.get("a", 1_499)).toBe("again");
    expect(map.get("a", 1_500)).toBeUndefined();
    map.set("b", "x", 2_000);
    map.delete("b");
    expect(map.get("b", 2_001)).toBeUndefined();
  });

  test("a quiet map keeps what has not expired when its generations turn over", () => {
    const map = new RecentMap<number>(1_000, 100);
    // One set every 400 ms: the generations turn over by age, never by size.
    for (let t = 0; t <= 10_000; t += 400) {
      map.set(`k${t}`, t, t);
      if (t < 1_200) continue;
      expect(map.get(`k${t - 400}`, t)).toBe(t - 400);
      expect(map.get(`k${t - 800}`, t)).toBe(t - 800);
      expect(map.get(`k${t - 1_200}`, t)).toBeUndefined();
      expect(map.size()).toBeLessThanOrEqual(6);
    }
  });

  test("under a flood it holds at most the cap, always the newest half", () => {
    const map = new RecentMap<number>(60_000, 1_000);
    for (let i = 0; i < 100_000; i++) {
      map.set(`k${i}`, i, 0);
      expect(map.size()).toBeLessThanOrEqual(1_000);
    }
    for (let i = 99_500; i < 100_000; i++) expect(map.get(`k${i}`, 1)).toBe(i);
    expect(map.get("k0", 1)).toBeUndefined();
  });

  test("a key set again moves to the young generation and survives the old one's drop", () => {
    const map = new RecentMap<string>(60_000, 4);
    map.set("keep", "v1", 0);
    map.set("x", "x", 0);
    map.set("keep", "v2", 0); // young full (2): rotates, "keep" into the new young one
    map.set("y", "y", 0);
    map.set("z", "z", 0); // rotates again: the first generation is dropped
    expect(map.get("keep", 0)).toBe("v2");
    expect(map.get("x", 0)).toBeUndefined();
  });

  test("without a ttl (Infinity) only the cap drops entries; null is a value; clear() empties it", () => {
    const map = new RecentMap<string | null>(Number.POSITIVE_INFINITY, 4);
    map.set("a", null, 0);
    map.set("b", "B", 0);
    expect(map.get("a", Number.MAX_SAFE_INTEGER)).toBeNull();
    expect(map.get("b", Number.MAX_SAFE_INTEGER)).toBe("B");
    map.set("c", "C", 0);
    map.set("d", "D", 0);
    map.set("e", "E", 0); // the young generation was full: a and b went
    expect(map.get("a", 0)).toBeUndefined();
    expect(map.get("e", 0)).toBe("E");
    expect(map.size()).toBeLessThanOrEqual(4);
    map.clear();
    expect(map.size()).toBe(0);
    expect(map.get("e", 0)).toBeUndefined();
    map.set("f", "F", 0);
    expect(map.get("f", 0)).toBe("F");
  });
});
