import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { generateHOTP } from "@oslojs/otp";
import { eq } from "drizzle-orm";
import {
  databaseBackends,
  openTestDatabase,
  openTestOwner,
  type TestDatabase,
  type TestOwner,
} from "../../../tests/support/database.ts";
import { ident, literal } from "../../../tests/support/tenant-fixtures.ts";
import type { RequestMeta } from "../audit/audit.ts";
import { createSecretBox } from "../crypto/secret-box.ts";
import { notificationOutbox } from "../notifications/notifications.tables.ts";
import { notificationParams } from "../notifications/outbox.ts";
import { createLoginThrottle, createRateLimiter } from "../rate-limits/rate-limits.ts";
import { sessions } from "../sessions/sessions.tables.ts";
import { users } from "./accounts.tables.ts";
import { manualClock, PASSWORD } from "./accounts.testing.ts";
import { login, signup, verifySecondFactor } from "./accounts.usecases.ts";
import { requestPasswordReset, resetPassword } from "./password-reset.usecases.ts";
import { newTotpKey, sealTotpKey, TOTP_BOX_PURPOSE } from "./two-factor.ts";

const ARGON2_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$";

let n = 0;
const meta = (): RequestMeta => ({ ip: `192.0.2.${++n}`, requestId: crypto.randomUUID(), userAgent: "test" });
const input = () => {
  const id = `${Date.now().toString(36)}${++n}`;
  return {
    ispName: `ISP ${id}`,
    slug: `isp-${id}`,
    ownerName: "Ani",
    email: `ani-${id}@example.test`,
    phone: "+6281234567890",
    password: PASSWORD,
  };
};

describe.each(await databaseBackends())("accounts use-cases on %s", (backend) => {
  let db: TestDatabase;
  let owner: TestOwner;
  const clock = manualClock();
  const masterKey = randomBytes(32);
  let deps: Parameters<typeof verifySecondFactor>[0];

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    owner = openTestOwner(db);
    const { database } = db;
    deps = {
      database,
      clock,
      policy: { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 },
      throttle: createLoginThrottle({ database, clock }),
      limiter: createRateLimiter({ database, clock }),
      secretBox: (purpose) => createSecretBox(masterKey, purpose),
    };
  });
  afterAll(async () => {
    await owner.close();
    await db.close();
  });

  /**
   * Every text or JSON column of every table holding `needle`, as `table.column`: what a dump of
   * the database would give away. The outbox is included: links in it are sealed.
   */
  async function whereStored(needle: string): Promise<string[]> {
    const columns = await owner.query(`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json')`);
    expect(columns.map((c) => (c as { table_name: string }).table_name)).toContain("notification_outbox");
    const found: string[] = [];
    for (const { table_name: table, column_name: column } of columns as { table_name: string; column_name: string }[]) {
      const [row] = await owner.query(
        `select count(*)::int as n from ${ident(table)} where strpos(${ident(column)}::text, ${literal(needle)}) > 0`,
      );
      if (Number(row?.n) > 0) found.push(`${table}.${column}`);
    }
    return found;
  }

  /** Asks for a reset and reads the token from the message, as the person would from the e-mail. */
  async function issueReset(email: string): Promise<string> {
    await requestPasswordReset(deps, { email, origin: "https://kilusi.test" }, meta());
    const [message] = await db.database.withoutTenant((tx) =>
      tx.select().from(notificationOutbox).where(eq(notificationOutbox.recipient, email)),
    );
    if (!message) throw new Error(`no reset message for ${email}`);
    return notificationParams(deps, message).link?.split("/reset/")[1] as string;
  }

  test("no session or reset token is stored in clear, only the hash of its secret", async () => {
    const fields = input();
    const signedUp = await signup(deps, fields, meta());
    const signedIn = await login(deps, { email: fields.email, password: PASSWORD }, meta());
    const resetToken = await issueReset(fields.email);

    const tokens = [signedUp.token, signedIn.token, resetToken];
    for (const token of tokens) {
      const secret = token.split(".")[1] as string;
      expect(secret.length).toBeGreaterThanOrEqual(52);
      expect(await whereStored(token)).toEqual([]);
      expect(await whereStored(secret)).toEqual([]);
    }
    // The search itself finds what is there: the session's id and the hash of its secret.
    const [id] = signedIn.token.split(".") as [string];
    expect(await whereStored(id)).toEqual(["sessions.id"]);
    const [row] = await db.database.withoutTenant((tx) => tx.select().from(sessions).where(eq(sessions.id, id)));
    expect(await whereStored(row?.secretHash as string)).toEqual(["sessions.secret_hash"]);

    await resetPassword(deps, { token: resetToken, password: "a brand new long password" }, meta());
    for (const token of tokens) {
      expect(await whereStored(token)).toEqual([]);
      expect(await whereStored(token.split(".")[1] as string)).toEqual([]);
    }
  });

  test("passwords are stored as argon2id with m=19456, t=2, p=1, at sign-up and after a reset", async () => {
    const fields = input();
    await signup(deps, fields, meta());
    const hashOf = async () =>
      (await db.database.withoutTenant((tx) => tx.select().from(users).where(eq(users.email, fields.email))))[0]
        ?.passwordHash;
    expect(await hashOf()).toStartWith(ARGON2_PREFIX);
    expect(await hashOf()).not.toContain(PASSWORD);
    const before = await hashOf();
    await resetPassword(deps, { token: await issueReset(fields.email), password: "another long password" }, meta());
    expect(await hashOf()).toStartWith(ARGON2_PREFIX);
    expect(await hashOf()).not.toBe(before);
  });

  test("a failed sign-up leaves nothing behind", async () => {
    const first = input();
    await signup(deps, first, meta());
    const second = { ...input(), slug: first.slug };
    await expect(signup(deps, second, meta())).rejects.toMatchObject({ code: "slug_taken", status: 409 });
    const left = await db.database.withoutTenant((tx) => tx.select().from(users).where(eq(users.email, second.email)));
    expect(left).toEqual([]);
  });

  test("two requests with one TOTP code: exactly one passes", async () => {
    const fields = input();
    const { userId } = await signup(deps, fields, meta());
    const key = newTotpKey();
    const sealed = sealTotpKey(deps.secretBox(TOTP_BOX_PURPOSE), userId, key);
    await db.database.withoutTenant((tx) =>
      tx.update(users).set({ totpKeySealed: sealed, totpEnabledAt: clock.now() }).where(eq(users.id, userId)),
    );
    const pending = await Promise.all(
      [1, 2].map(() => login(deps, { email: fields.email, password: PASSWORD }, meta())),
    );
    const ids = await db.database.withoutTenant((tx) => tx.select().from(sessions).where(eq(sessions.userId, userId)));
    const pendingIds = ids.filter((s) => !s.twoFactorVerified).map((s) => s.id);
    expect(pending.every((p) => p.needsSecondFactor)).toBe(true);
    expect(pendingIds).toHaveLength(2);

    const code = generateHOTP(key, BigInt(Math.floor(clock.now().getTime() / 30_000)), 6);
    const results = await Promise.allSettled(
      pendingIds.map((sessionId) =>
        verifySecondFactor(deps, { userId, sessionId, email: fields.email }, { code }, meta()),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const after = await db.database.withoutTenant((tx) =>
      tx.select().from(sessions).where(eq(sessions.userId, userId)),
    );
    expect(after.filter((s) => s.twoFactorVerified)).toHaveLength(2); // the sign-up session and one of the two
  });
});
