import { describe, expect, test } from "bun:test";
import { escapeLike, parsePoint, parseTags, phoneSearchPrefix, searchTerms } from "./customers.models.ts";
import { caseVariants, pastPrefix } from "./customers.repository.ts";

describe("phoneSearchPrefix: what people type, as the start of the stored E.164 number", () => {
  test.each([
    ["0812 3456", "+628123456"],
    ["0812-3456-7890", "+6281234567890"],
    ["(0812) 3456", "+628123456"],
    ["+62 812 3456", "+628123456"],
    ["+62812", "+62812"],
    ["62812 34", "+6281234"],
    ["812 3456", "+628123456"],
    ["+1 415 555", "+1415555"],
    ["081", "+6281"],
  ])("%p → %p", (typed, prefix) => {
    expect(phoneSearchPrefix(typed)).toBe(prefix);
  });

  test.each(["08", "+6", "Budi", "0812a", "budi 0812", "", "  "])("%p is no phone number", (typed) => {
    expect(phoneSearchPrefix(typed)).toBeNull();
  });
});

describe("searchTerms", () => {
  test("words of a name, squeezed and capped; the whole text for usernames", () => {
    expect(searchTerms("  budi   san ")).toEqual({ words: ["budi", "san"], phonePrefix: null, text: "budi san" });
    expect(searchTerms("a b c d e f g")?.words).toEqual(["a", "b", "c", "d", "e"]);
    expect(searchTerms("0812 3456")?.phonePrefix).toBe("+628123456");
    expect(searchTerms("   ")).toBeNull();
  });

  test("LIKE wildcards in what is typed are searched for, not obeyed", () => {
    expect(escapeLike("50%_a\\b")).toBe("50\\%\\_a\\\\b");
  });
});

describe("short prefixes in every case", () => {
  test.each([
    ["su", ["su", "sU", "Su", "SU"]],
    ["A", ["A", "a"]],
    ["1a", ["1a", "1A"]],
    ["ß", ["ß"]],
  ])("%p → %p", (prefix, variants) => {
    expect(caseVariants(prefix).sort()).toEqual([...variants].sort());
  });

  test("the first string after a prefix", () => {
    expect(pastPrefix("Su")).toBe("Sv");
    expect(pastPrefix("nanto")).toBe("nantp");
    expect(pastPrefix("+62812")).toBe("+62813");
    expect(pastPrefix("az")).toBe("a{");
    expect(pastPrefix("a\u{10ffff}")).toBe("a\u{10ffff}");
  });
});

describe("parseTags", () => {
  test.each([
    ["vip, Rt 03 ,vip,,", ["vip", "Rt 03"]],
    ["VIP, vip, Vip", ["VIP"]],
    ["  ", []],
    ["a,  b   c ,", ["a", "b c"]],
  ])("%p → %p", (raw, tags) => {
    expect(parseTags(raw)).toEqual({ ok: true, tags });
  });

  test("at most 20 tags of at most 32 characters", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`).join(",");
    expect(parseTags(twenty)).toMatchObject({ ok: true });
    expect(parseTags(`${twenty},t20`)).toEqual({ ok: false, error: "tooMany" });
    // Duplicates do not count against the limit.
    expect(parseTags(`${twenty},t0,T1`)).toMatchObject({ ok: true });
    expect(parseTags("x".repeat(32))).toMatchObject({ ok: true });
    expect(parseTags(`ok, ${"x".repeat(33)}`)).toEqual({ ok: false, error: "tooLong" });
  });
});

describe("parsePoint", () => {
  test.each([
    ["", "", null],
    ["-6.2088", "106.8456", { latitude: -6.2088, longitude: 106.8456 }],
    ["-6,2088", "106,8456", { latitude: -6.2088, longitude: 106.8456 }],
    ["-6.2088, 106.8456", "", { latitude: -6.2088, longitude: 106.8456 }],
    ["-6.2088,106.8456", "", { latitude: -6.2088, longitude: 106.8456 }],
    ["-6.2088 106.8456", "", { latitude: -6.2088, longitude: 106.8456 }],
    ["-6,2088; 106,8456", "", { latitude: -6.2088, longitude: 106.8456 }],
    ["-6, 106", "", { latitude: -6, longitude: 106 }],
    ["90", "-180", { latitude: 90, longitude: -180 }],
    ["+1.5", "2", { latitude: 1.5, longitude: 2 }],
  ])("%p %p → %p", (lat, lng, point) => {
    expect(parsePoint(lat, lng)).toEqual({ ok: true, point });
  });

  test.each([
    ["91", "10", "latitude", "latitudeRange"],
    ["-90.5", "10", "latitude", "latitudeRange"],
    ["10", "180.1", "longitude", "longitudeRange"],
    ["-6.2", "", "longitude", "incomplete"],
    ["", "106.8", "latitude", "incomplete"],
    // A decimal comma is one number, not a pair.
    ["-6,2088", "", "longitude", "incomplete"],
    ["utara", "106", "latitude", "latitude"],
    ["1e2", "106", "latitude", "latitude"],
    ["-6.2", "106.8.1", "longitude", "longitude"],
    ["-6.2, 106.8", "106.8", "latitude", "latitude"],
  ] as const)("%p %p → %p %p", (lat, lng, field, error) => {
    expect(parsePoint(lat, lng)).toEqual({ ok: false, field, error });
  });
});
