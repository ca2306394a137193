import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { manualClock } from "../accounts/accounts.testing.ts";
import { type TestIsp, testIsp, testMeta } from "../billing/money-flow.testing.ts";
import { AppError } from "../http/errors.ts";
import { auditRows } from "../plans/plans.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { siteEvents } from "../sites/sites.tables.ts";
import { agentRow, seedAgent, tablesContaining, tokenRows } from "../sites/sites.testing.ts";
import {
  type AgentAccessHooks,
  consumeEnrollmentToken,
  createEnrollmentToken,
  ENROLLMENT_TOKEN_TTL_MS,
  revokeAgent,
  verifyEnrollmentToken,
} from "./enrollment.usecases.ts";

const clock = manualClock();
let cp: AssembledControlPlane;
let deps: { database: AssembledControlPlane["database"]; clock: typeof clock };

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
  deps = { database: cp.database, clock };
});
afterAll(() => cp.close());

const TOKEN = /^([0-9a-f-]{36})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

function partsOf(token: string) {
  const m = TOKEN.exec(token);
  if (!m) throw new Error(`not a token: ${token}`);
  return { tenantId: m[1] as string, tokenId: m[2] as string, secret: m[3] as string };
}

const verify = (isp: TestIsp, tokenId: string, secret: string, now = clock.now()) =>
  cp.database.withTenant(isp.actor.tenantId, (tx) =>
    verifyEnrollmentToken(tx, isp.actor.tenantId, tokenId, secret, now),
  );

async function refusal(run: () => Promise<unknown>): Promise<AppError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("creating an enrollment token", () => {
  test("the token names the tenant and the row; only the secret's SHA-256 is kept; 24 h; audited", async () => {
    const isp = await testIsp(cp, "Asia/Jakarta", clock);
    const created = await createEnrollmentToken(deps, isp.actor, isp.siteId, testMeta);
    const { tenantId, tokenId, secret } = partsOf(created.token);
    expect(tenantId).toBe(isp.actor.tenantId);
    expect(tokenId).toBe(created.tokenId);
    // 43 base64url characters are 32 random bytes.
    expect(Buffer.from(secret, "base64url")).toHaveLength(32);
    expect(created.expiresAt.getTime()).toBe(clock.now().getTime() + ENROLLMENT_TOKEN_TTL_MS);

    const [row] = await tokenRows(cp, isp.actor.tenantId);
    expect(row).toMatchObject({
      id: tokenId,
      siteId: isp.siteId,
      secretHash: createHash("sha256").update(secret).digest("hex"),
      createdBy: isp.actor.userId,
      usedAt: null,
      usedByAgent: null,
    });
    expect(row?.expiresAt.getTime()).toBe(created.expiresAt.getTime());

    const [audited] = await auditRows(cp, isp.actor.tenantId, "agent.enrollment_token_created");
    expect(audited).toMatchObject({ entityType: "agent_enrollment_token", entityId: tokenId });
    expect(audited?.after).toEqual({ siteId: isp.siteId, expiresAt: created.expiresAt.toISOString(), superseded: 0 });

    const search = await tablesContaining(cp, isp.actor.tenantId, secret);
    expect(search.tables).toContain("agent_enrollment_tokens");
    expect(search.unreadable).not.toContain("agent_enrollment_tokens");
    expect(search.unreadable).not.toContain("audit_log");
    expect(search.found).toEqual([]);
    // The search does find what is there: the token's id is stored in clear.
    expect((await tablesContaining(cp, isp.actor.tenantId, tokenId)).found).toContain("agent_enrollment_tokens");
  });

  test("a new token retires the unused ones before it: only the newest enrolls", async () => {
    const isp = await testIsp(cp, "Asia/Jakarta", clock);
    const first = partsOf((await createEnrollmentToken(deps, isp.actor, isp.siteId, testMeta)).token);
    clock.advance(1000);
    const second = partsOf((await createEnrollmentToken(deps, isp.actor, isp.siteId, testMeta)).token);
    expect(await verify(isp, first.tokenId, first.secret)).toBeNull();
    expect((await verify(isp, second.tokenId, second.secret))?.id).toBe(second.tokenId);
    const audited = await auditRows(cp, isp.actor.tenantId, "agent.enrollment_token_created");
    expect(audited.map((a) => (a.after as { superseded?: number } | null)?.superseded).sort()).toEqual([0, 1]);
  });

  test("another tenant's site, or none, is not found and gets no token", async () => {
    const isp = await testIsp(cp, "Asia/Jakarta", clock);
    const other = await testIsp(cp, "Asia/Jakarta", clock);
    for (const siteId of [other.siteId, crypto.randomUUID()]) {
      const error = await refusal(() => createEnrollmentToken(deps, isp.actor, siteId, testMeta));
      expect(error.status).toBe(404);
    }
    expect(await tokenRows(cp, isp.actor.tenantId)).toEqual([]);
    expect(await tokenRows(cp, other.actor.tenantId)).toEqual([]);
  });
});

describe("verifying and consuming a token", () => {
  test("the right secret until it expires; wrong, unknown or malformed ones never", async () => {
    const isp = await testIsp(cp, "Asia/Jakarta", clock);
    const created = await createEnrollmentToken(deps, isp.actor, isp.siteId, testMeta);
    const { tokenId, secret } = partsOf(created.token);
    expect((await verify(isp, tokenId, secret))?.siteId).toBe(isp.siteId);
    const flipped = `${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`;
    expect(await verify(isp, tokenId, flipped)).toBeNull();
    expect(await verify(isp, tokenId, "")).toBeNull();
    expect(await verify(isp, crypto.randomUUID(), secret)).toBeNull();
    expect(await verify(isp, "-".repeat(36), secret)).toBeNull();
    expect(await verify(isp, "not-a-uuid", secret)).toBeNull();

    const expiry = created.expiresAt.getTime();
    expect(await verify(isp, tokenId, secret, new Date(expiry - 1))).not.toBeNull();
    expect(await verify(isp, tokenId, secret, new Date(expiry))).toBeNull();
    expect(await verify(isp, tokenId, secret, new Date(expiry + 60_000))).toBeNull();
  });

  test("another tenant cannot verify it, even with the secret", async () => {
    const isp = await testIsp(cp, "Asia/Jakarta", clock);
    const other = await testIsp(cp, "Asia/Jakarta", clock);
    const { tokenId, secret } = partsOf((await createEnrollmentToken(deps, isp.actor, isp.siteId, testMeta)).token);
    const seen = await cp.database.withTenant(other.actor.tenantId, (tx) =>
      verifyEnrollmentToken(tx, other.actor.tenantId, tokenId, secret, clock.now()),
    );
    expect(seen).toBeNull();
  });

  test("a used token verifies no more and cannot be used twice", async () => {
    const isp = await testIsp(cp, "Asia/Jakarta", clock);
    const { tokenId, secret } = partsOf((await createEnrollmentToken(deps, isp.actor, isp.siteId, testMeta)).token);
    const agentId = crypto.randomUUID();
    const now = clock.now();
    const consumed = await cp.database.withTenant(isp.actor.tenantId, async (tx) => {
      const row = await verifyEnrollmentToken(tx, isp.actor.tenantId, tokenId, secret, now);
      if (!row) throw new Error("the fresh token did not verify");
      return consumeEnrollmentToken(tx, isp.actor.tenantId, tokenId, agentId, now);
    });
    expect(consumed).toBe(true);
    const [row] = await tokenRows(cp, isp.actor.tenantId);
    expect(row?.usedByAgent).toBe(agentId);
    expect(row?.usedAt?.getTime()).toBe(now.getTime());

    expect(await verify(isp, tokenId, secret)).toBeNull();
    const again = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      consumeEnrollmentToken(tx, isp.actor.tenantId, tokenId, crypto.randomUUID(), clock.now()),
    );
    expect(again).toBe(false);
    expect((await tokenRows(cp, isp.actor.tenantId))[0]?.usedByAgent).toBe(agentId);
  });
});

describe("revoking the site's agent", () => {
  const eventsOf = (isp: TestIsp) =>
    cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx
        .select()
        .from(siteEvents)
        .where(and(eq(siteEvents.tenantId, isp.actor.tenantId), eq(siteEvents.siteId, isp.siteId))),
    );

  test("sets revoked_at, records the event and the audit, then tells the broker after the commit", async () => {
    const isp = await testIsp(cp, "Asia/Jakarta", clock);
    const agentId = await seedAgent(cp, isp.actor.tenantId, isp.siteId, { online: true, hostname: "mikrotik-ct" });
    const calls: { tenantId: string; agentId: string; committed: boolean }[] = [];
    const agentAccess: AgentAccessHooks = {
      async revoked(tenantId, id) {
        // Read in a transaction of its own: the hook must only run once the revocation is visible.
        const row = await agentRow(cp, tenantId, id);
        calls.push({ tenantId, agentId: id, committed: row?.revokedAt != null });
      },
    };
    const result = await revokeAgent({ ...deps, agentAccess }, isp.actor, isp.siteId, testMeta);
    expect(result).toEqual({ agentId, disconnected: true });
    expect(calls).toEqual([{ tenantId: isp.actor.tenantId, agentId, committed: true }]);

    const row = await agentRow(cp, isp.actor.tenantId, agentId);
    expect(row?.revokedAt?.getTime()).toBe(clock.now().getTime());
    expect(row?.online).toBe(false);
    const events = await eventsOf(isp);
    expect(events.map((e) => [e.kind, e.agentId])).toEqual([["agent.revoked", agentId]]);
    const [audited] = await auditRows(cp, isp.actor.tenantId, "agent.revoked");
    expect(audited).toMatchObject({ entityType: "site_agent", entityId: agentId, actorUserId: isp.actor.userId });
    expect(audited?.before).toMatchObject({ siteId: isp.siteId, hostname: "mikrotik-ct", revokedAt: null });

    // Nothing left to revoke: refused, and the broker is not bothered again.
    const error = await refusal(() => revokeAgent({ ...deps, agentAccess }, isp.actor, isp.siteId, testMeta));
    expect(error.code).toBe("agent_not_enrolled");
    expect(calls).toHaveLength(1);
  });

  test("a broker that cannot be told leaves the agent revoked and says it was not disconnected", async () => {
    const isp = await testIsp(cp, "Asia/Jakarta", clock);
    const agentId = await seedAgent(cp, isp.actor.tenantId, isp.siteId);
    const agentAccess: AgentAccessHooks = {
      revoked: async () => {
        throw new Error("broker unreachable");
      },
    };
    expect(await revokeAgent({ ...deps, agentAccess }, isp.actor, isp.siteId, testMeta)).toEqual({
      agentId,
      disconnected: false,
    });
    expect((await agentRow(cp, isp.actor.tenantId, agentId))?.revokedAt).not.toBeNull();

    const next = await seedAgent(cp, isp.actor.tenantId, isp.siteId);
    expect(await revokeAgent(deps, isp.actor, isp.siteId, testMeta)).toEqual({ agentId: next, disconnected: null });
  });

  test("another tenant's site is not found and its agent stays", async () => {
    const isp = await testIsp(cp, "Asia/Jakarta", clock);
    const other = await testIsp(cp, "Asia/Jakarta", clock);
    const agentId = await seedAgent(cp, other.actor.tenantId, other.siteId);
    const error = await refusal(() => revokeAgent(deps, isp.actor, other.siteId, testMeta));
    expect(error.status).toBe(404);
    expect((await agentRow(cp, other.actor.tenantId, agentId))?.revokedAt).toBeNull();
  });
});
