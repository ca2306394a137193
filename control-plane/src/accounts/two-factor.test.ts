import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";
import { eq } from "drizzle-orm";
import { encode } from "uqr";
import { integrationBackend, openTestDatabase, type TestDatabase } from "../../../tests/support/database.ts";
import { createSecretBox } from "../crypto/secret-box.ts";
import { hashSecret } from "../crypto/tokens.ts";
import { recoveryCodes, users } from "./accounts.tables.ts";
import {
  createTotpBox,
  newRecoveryCodes,
  newTotpKey,
  normalizeRecoveryCode,
  openTotpKey,
  RECOVERY_ALPHABET,
  remainingRecoveryCodes,
  replaceRecoveryCodes,
  sealTotpKey,
  totpQrSvg,
  totpUri,
  useRecoveryCode,
  verifyTotp,
} from "./two-factor.ts";

// RFC 6238 appendix B: the SHA-1 seed, and the 8-digit codes of its test vectors.
const RFC_KEY = new TextEncoder().encode("12345678901234567890");
const at = (step: number, offsetSeconds = 10) => new Date((step * 30 + offsetSeconds) * 1000);
const codeFor = (key: Uint8Array, step: number) => generateHOTP(key, BigInt(step), 6);

describe("verifyTotp", () => {
  test.each([
    [59, "94287082", 1],
    [1111111109, "07081804", 37037036],
    [1111111111, "14050471", 37037037],
    [1234567890, "89005924", 41152263],
    [2000000000, "69279037", 66666666],
    [20000000000, "65353130", 666666666],
  ])("RFC 6238 vector T=%i: the last six digits of %s, step %i", (seconds, eightDigits, step) => {
    expect(generateHOTP(RFC_KEY, BigInt(step), 8)).toBe(eightDigits);
    const result = verifyTotp(RFC_KEY, eightDigits.slice(2), { now: new Date(seconds * 1000), lastStep: null });
    expect(result).toEqual({ ok: true, step });
  });

  test("T=59 gives 287082", () => {
    expect(verifyTotp(RFC_KEY, "287082", { now: new Date(59_000), lastStep: null })).toEqual({ ok: true, step: 1 });
  });

  test.each([
    [-2, false],
    [-1, true],
    [0, true],
    [1, true],
    [2, false],
  ])("a code %i steps from now: accepted %p", (drift, accepted) => {
    const key = newTotpKey();
    const now = 58_000_000;
    const result = verifyTotp(key, codeFor(key, now + drift), { now: at(now), lastStep: null });
    expect(result).toEqual(accepted ? { ok: true, step: now + drift } : { ok: false });
  });

  test("a step at or before the last accepted one is refused (replay)", () => {
    const key = newTotpKey();
    const now = 58_000_000;
    const code = codeFor(key, now);
    const first = verifyTotp(key, code, { now: at(now), lastStep: now - 5 });
    expect(first).toEqual({ ok: true, step: now });
    // The same code again, a few seconds later in the same step.
    expect(verifyTotp(key, code, { now: at(now, 25), lastStep: now })).toEqual({ ok: false });
    // The previous step's code is still within drift, but older than the accepted one.
    expect(verifyTotp(key, codeFor(key, now - 1), { now: at(now), lastStep: now })).toEqual({ ok: false });
    // The next step's code is new.
    expect(verifyTotp(key, codeFor(key, now + 1), { now: at(now), lastStep: now })).toEqual({
      ok: true,
      step: now + 1,
    });
  });

  test("the wrong key's code is refused", () => {
    const now = 58_000_000;
    expect(verifyTotp(newTotpKey(), codeFor(newTotpKey(), now), { now: at(now), lastStep: null })).toEqual({
      ok: false,
    });
  });

  test.each([
    ["five digits", "87082"],
    ["seven digits", "2870820"],
    ["eight digits", "94287082"],
    ["leading space", " 287082"],
    ["inner space", "287 082"],
    ["trailing newline", "287082\n"],
    ["full-width digits", "２８７０８２"],
    ["a letter", "28708a"],
    ["empty", ""],
  ])("anything but exactly six ASCII digits is refused: %s", (_name, code) => {
    expect(verifyTotp(RFC_KEY, code, { now: new Date(59_000), lastStep: null })).toEqual({ ok: false });
  });
});

describe("keys, URI and QR code", () => {
  test("a key is 20 random bytes", () => {
    const a = newTotpKey();
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.byteLength).toBe(20);
    expect(Buffer.from(newTotpKey()).equals(Buffer.from(a))).toBe(false);
  });

  test("the otpauth URI carries the issuer, the account and the key", () => {
    const key = newTotpKey();
    const uri = new URL(totpUri({ key, issuer: "Kilusi", account: "alice@example.com" }));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Kilusi:alice@example.com");
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      issuer: "Kilusi",
      algorithm: "SHA1",
      secret: expect.any(String),
      period: "30",
      digits: "6",
    });
    expect(decodeBase32IgnorePadding(uri.searchParams.get("secret") ?? "")).toEqual(key);
  });

  test("the QR SVG has only svg, rect and path elements and no style or script", () => {
    const uri = totpUri({ key: newTotpKey(), issuer: "Kilusi", account: "alice@example.com" });
    const svg = totpQrSvg(uri);
    const elements = new Set([...svg.matchAll(/<\/?\s*([A-Za-z][\w:-]*)/g)].map((m) => m[1]));
    expect([...elements].sort()).toEqual(["path", "rect", "svg"]);
    expect(svg).not.toMatch(/style|script|\son\w+=|href/i);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // As the page embeds it.
    const dataUri = `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
    expect(Buffer.from(dataUri.split(",")[1] ?? "", "base64").toString()).toBe(svg);
  });

  test("the QR path draws exactly the dark modules of the encoded matrix", () => {
    const uri = totpUri({ key: newTotpKey(), issuer: "Kilusi", account: "alice@example.com" });
    const svg = totpQrSvg(uri);
    const qr = encode(uri, { ecc: "M", border: 4 });
    expect(svg).toContain(`viewBox="0 0 ${qr.size} ${qr.size}"`);
    const drawn = Array.from({ length: qr.size }, () => Array<boolean>(qr.size).fill(false));
    const d = /<path d="([^"]*)"/.exec(svg)?.[1] ?? "";
    for (const [, x, y, w] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
      for (let i = 0; i < Number(w); i++) {
        const row = drawn[Number(y)] as boolean[];
        expect(row[Number(x) + i]).toBe(false);
        row[Number(x) + i] = true;
      }
    }
    expect(drawn).toEqual(qr.data);
    // The quiet zone: four light modules all round.
    expect(qr.data.slice(0, 4).flat().some(Boolean)).toBe(false);
  });
});

describe("sealing the key", () => {
  const userA = crypto.randomUUID();
  const userB = crypto.randomUUID();

  test("round trip", () => {
    const box = createTotpBox(randomBytes(32));
    const key = newTotpKey();
    const sealed = sealTotpKey(box, userA, key);
    expect(sealed.startsWith("v1.")).toBe(true);
    expect(sealed).not.toContain(Buffer.from(key).toString("base64"));
    expect(openTotpKey(box, userA, sealed)).toEqual(key);
  });

  test("another user's id as AAD, another purpose or another master key does not open it", () => {
    const master = randomBytes(32);
    const sealed = sealTotpKey(createTotpBox(master), userA, newTotpKey());
    expect(() => openTotpKey(createTotpBox(master), userB, sealed)).toThrow();
    expect(() => openTotpKey(createSecretBox(master, "routers/password"), userA, sealed)).toThrow();
    expect(() => openTotpKey(createTotpBox(randomBytes(32)), userA, sealed)).toThrow();
  });
});

describe("recovery codes: shape", () => {
  test("the alphabet has 31 distinct symbols and none of 0 o 1 l i", () => {
    expect(new Set(RECOVERY_ALPHABET).size).toBe(31);
    expect(RECOVERY_ALPHABET.length).toBe(31);
    expect(RECOVERY_ALPHABET).not.toMatch(/[0o1li]/);
  });

  test("ten distinct codes of two groups of six, at least 50 bits each", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const shape = new RegExp(`^[${RECOVERY_ALPHABET}]{6}-[${RECOVERY_ALPHABET}]{6}$`);
    for (const code of codes) expect(code).toMatch(shape);
    expect(12 * Math.log2(RECOVERY_ALPHABET.length)).toBeGreaterThanOrEqual(50);
  });

  test("every symbol is used, about equally often", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      for (const ch of newRecoveryCodes().join("").replaceAll("-", "")) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    // 36,000 symbols, ~1161 each (σ ≈ 34). Taking a byte modulo 31 would favour the first 8
    // symbols by 9:8 (~1265 against ~1125): their mean would stand ~140 above the rest.
    expect([...counts.keys()].sort().join("")).toBe([...RECOVERY_ALPHABET].sort().join(""));
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(1000);
      expect(n).toBeLessThan(1330);
    }
    const mean = (chars: string[]) => chars.reduce((sum, ch) => sum + (counts.get(ch) ?? 0), 0) / chars.length;
    const symbols = [...RECOVERY_ALPHABET];
    expect(Math.abs(mean(symbols.slice(0, 8)) - mean(symbols.slice(8)))).toBeLessThan(50);
  });

  test.each([
    ["abcdef-ghjkmn", "abcdefghjkmn"],
    ["ABCDEF-GHJKMN", "abcdefghjkmn"],
    ["abcdefghjkmn", "abcdefghjkmn"],
    ["  abc def - ghj kmn ", "abcdefghjkmn"],
    ["abcdef\tghjkmn\n", "abcdefghjkmn"],
    ["ab-cd-ef-gh-jk-mn", "abcdefghjkmn"],
  ])("normalizes %p", (input, normalized) => {
    expect(normalizeRecoveryCode(input)).toBe(normalized);
  });
});

describe("recovery codes: storage", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(await integrationBackend());
  });
  afterAll(() => t.close());

  const newUser = async () => {
    const id = crypto.randomUUID();
    await t.database.withoutTenant((tx) =>
      tx.insert(users).values({ id, email: `${id}@example.com`, name: "Test", passwordHash: "not-a-hash" }),
    );
    return id;
  };
  const remaining = (userId: string) => t.database.withoutTenant((tx) => remainingRecoveryCodes(tx, userId));
  const spend = (userId: string, input: string, when?: Date) =>
    t.database.withoutTenant((tx) => useRecoveryCode(tx, userId, input, when));

  test("only hashes of the normalized codes are stored", async () => {
    const userId = await newUser();
    const codes = newRecoveryCodes();
    await t.database.withoutTenant((tx) => replaceRecoveryCodes(tx, userId, codes));
    const rows = await t.database.withoutTenant((tx) =>
      tx.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
    );
    expect(rows.map((r) => r.codeHash).sort()).toEqual(codes.map((c) => hashSecret(c.replace("-", ""))).sort());
    expect(rows.every((r) => r.usedAt === null)).toBe(true);
    expect(await remaining(userId)).toBe(10);
  });

  test("a code works once, typed in any case and spacing", async () => {
    const userId = await newUser();
    const codes = newRecoveryCodes();
    await t.database.withoutTenant((tx) => replaceRecoveryCodes(tx, userId, codes));
    const code = codes[3] as string;
    const when = new Date("2030-01-02T03:04:05Z");
    expect(await spend(userId, ` ${code.toUpperCase().replace("-", " ")} `, when)).toBe(true);
    expect(await spend(userId, code)).toBe(false);
    expect(await remaining(userId)).toBe(9);
    const [row] = await t.database.withoutTenant((tx) =>
      tx
        .select()
        .from(recoveryCodes)
        .where(eq(recoveryCodes.codeHash, hashSecret(normalizeRecoveryCode(code)))),
    );
    expect(row?.usedAt).toEqual(when);
    // Another code still works.
    expect(await spend(userId, codes[4] as string)).toBe(true);
    expect(await remaining(userId)).toBe(8);
  });

  test("a code is not someone else's, and junk is refused without error", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const codes = newRecoveryCodes();
    await t.database.withoutTenant((tx) => replaceRecoveryCodes(tx, alice, codes));
    expect(await spend(bob, codes[0] as string)).toBe(false);
    expect(await spend(alice, "")).toBe(false);
    expect(await spend(alice, "not a code at all")).toBe(false);
    expect(await spend(alice, (codes[0] as string).slice(0, 8))).toBe(false);
    expect(await remaining(alice)).toBe(10);
    expect(await remaining(bob)).toBe(0);
  });

  test("a new set replaces the old one, used codes included", async () => {
    const userId = await newUser();
    const first = newRecoveryCodes();
    await t.database.withoutTenant((tx) => replaceRecoveryCodes(tx, userId, first));
    expect(await spend(userId, first[0] as string)).toBe(true);
    const second = newRecoveryCodes();
    await t.database.withoutTenant((tx) => replaceRecoveryCodes(tx, userId, second));
    expect(await remaining(userId)).toBe(10);
    expect(await spend(userId, first[1] as string)).toBe(false);
    expect(await spend(userId, second[1] as string)).toBe(true);
    await t.database.withoutTenant((tx) => replaceRecoveryCodes(tx, userId, []));
    expect(await remaining(userId)).toBe(0);
  });

  test("the same code presented ten times at once is accepted exactly once", async () => {
    const userId = await newUser();
    const codes = newRecoveryCodes();
    await t.database.withoutTenant((tx) => replaceRecoveryCodes(tx, userId, codes));
    const results = await Promise.all(Array.from({ length: 10 }, () => spend(userId, codes[7] as string)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await remaining(userId)).toBe(9);
  });
});
