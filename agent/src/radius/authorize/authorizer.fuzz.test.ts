import { afterAll, describe, expect, test } from "bun:test";
import { parseStateEntry, type StateKind } from "@kilusi/shared/sync/site-state";
import fc from "fast-check";
import { removeTempDirs } from "../../testing/fixtures.ts";
import type { CredentialRequest } from "../auth/verify-credentials.ts";
import {
  AUTHENTICATOR,
  credentials,
  KINDS,
  onTheWire,
  RFC_PASSWORD,
  SECRET,
  Site,
  subscriber,
  voucher,
} from "./authorize.fixtures.ts";

afterAll(removeTempDirs);

const NAME = "fuzz-user";
const bytes = (maxLength = 80) => fc.uint8Array({ maxLength }).map((b) => Buffer.from(b));
const exactly = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b));
// Lengths the methods accept reach the hashing and DES paths, not only the length checks.
const nearLength = (n: number) => fc.oneof(bytes(), exactly(n), fc.constant(Buffer.alloc(n)));

/** Credentials as a hostile or broken NAS could hand them over: any kind, any bytes, lengths near the valid ones. */
const garbageCredentials: fc.Arbitrary<CredentialRequest> = fc.oneof(
  fc.record({ kind: fc.constant("pap" as const), userPassword: fc.oneof(bytes(), nearLength(16), nearLength(32)) }),
  fc.record(
    { kind: fc.constant("chap" as const), chapPassword: nearLength(17), chapChallenge: nearLength(16) },
    { requiredKeys: ["kind", "chapPassword"] },
  ),
  fc.record({ kind: fc.constant("mschap" as const), msChapChallenge: nearLength(8), msChapResponse: nearLength(50) }),
  fc.record({
    kind: fc.constant("mschapv2" as const),
    msChapChallenge: nearLength(16),
    msChap2Response: nearLength(50),
  }),
  fc.constantFrom(...KINDS).map((kind) => ({ kind }) as unknown as CredentialRequest),
  fc.constant({ kind: "eap" } as unknown as CredentialRequest),
);

// Anything, and strings near the 253-octet limit of one attribute (pool and profile names are free text).
const anyValue = fc.oneof(fc.anything(), fc.string({ minLength: 240, maxLength: 300 }), fc.string({ unit: "binary" }));

/** A valid entry with one field replaced by anything, or any object at all. */
function mangled(valid: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    fc.constant(valid),
    fc.tuple(fc.constantFrom(...Object.keys(valid)), anyValue).map(([key, value]) => ({ ...valid, [key]: value })),
    fc.tuple(fc.constantFrom(...Object.keys(valid.plan as object)), anyValue).map(([key, value]) => ({
      ...valid,
      plan: { ...(valid.plan as object), [key]: value },
    })),
    fc.object({ maxDepth: 2 }),
  );
}

const entry = fc.oneof(
  mangled({ ...subscriber(), username: NAME }).map((data) => ({
    kind: "subscriber",
    key: "sub-1",
    data: { ...data, username: NAME },
  })),
  mangled(voucher()).map((data) => ({ kind: "voucher", key: NAME, data })),
  mangled({ ...voucher(), state: "active", activatedAt: new Date().toISOString() }).map((data) => ({
    kind: "voucher",
    key: NAME,
    data,
  })),
);

describe("fuzzed with fast-check: garbage credentials and entries", () => {
  test("never throw and never let anyone in", async () => {
    const site = new Site();
    let previous: { kind: string; key: string } | null = null;
    await fc.assert(
      fc.asyncProperty(
        entry,
        garbageCredentials,
        fc.array(fc.oneof(fc.constant(SECRET), bytes(32)), { maxLength: 3 }),
        fc.oneof(fc.constant(AUTHENTICATOR), bytes(20)),
        fc.option(fc.string({ maxLength: 20 }), { nil: null }),
        async (e, credentials, secrets, requestAuthenticator, callingStationId) => {
          if (previous && (previous.kind !== e.kind || previous.key !== e.key))
            site.apply(previous.kind, previous.key, null);
          site.apply(e.kind, e.key, e.data);
          previous = e;
          const decision = await site.authorizer.authorize({
            userName: NAME,
            credentials,
            secrets,
            requestAuthenticator,
            nasId: "nas-1",
            callingStationId,
            now: new Date(),
          });
          expect(decision.accept).toBe(false);
          if (!decision.accept) expect(decision.reason).toMatch(/^[a-z_]+$/);
        },
      ),
      { numRuns: 300 },
    );
    expect(site.journal.readAfter(0, 10)).toEqual([]);
    site.close();
  }, 60_000);

  test("with the right password, a mangled entry is refused or yields a reply that encodes", async () => {
    const site = new Site();
    let previous: { kind: string; key: string } | null = null;
    await fc.assert(
      fc.asyncProperty(entry, fc.constantFrom("pap", "chap"), async (e, kind) => {
        if (previous && (previous.kind !== e.kind || previous.key !== e.key))
          site.apply(previous.kind, previous.key, null);
        site.apply(e.kind, e.key, e.data);
        previous = e;
        const password = e.kind === "subscriber" ? RFC_PASSWORD : NAME;
        const decision = await site.authorizer.authorize({
          userName: NAME,
          credentials: credentials(kind, password, { userName: NAME }),
          secrets: [SECRET],
          requestAuthenticator: AUTHENTICATOR,
          nasId: "nas-1",
          callingStationId: "AA:BB:CC:00:00:01",
          now: new Date(),
        });
        if (decision.accept) expect(parseStateEntry(e.kind as StateKind, e.data).ok).toBe(true);
        expect(() => onTheWire(decision)).not.toThrow();
      }),
      { numRuns: 300 },
    );
    site.close();
  }, 60_000);
});
