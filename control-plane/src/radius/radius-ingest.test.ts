// What the cloud does with the agent's RADIUS journal records, through the real ingest path
// (ingestJournal in a tenant transaction, PGlite): accounting stored once and folded into
// sessions, sessions the agent closed, vouchers' first logins, enforcement outcomes, and a
// record that cannot be applied skipped without losing the batch.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { voucherStateSchema } from "@kilusi/shared/sync/site-state";
import { and, asc, eq, sql } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { seedNas } from "../../../tests/support/radius-cloud.ts";
import { auditLog } from "../audit/audit.tables.ts";
import { type TestIsp, testIsp } from "../billing/money-flow.testing.ts";
import { rowsOf } from "../db/rows.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { siteChanges } from "../sites/sites.tables.ts";
import type { IngestContext } from "../sync/journal-ingest.ts";
import { createBatchVia, seedPlan, seedSite, vouchersOf } from "../vouchers/vouchers.testing.ts";
import { enforcementEvents, radiusAccounting, radiusSessions } from "./radius.tables.ts";
import {
  accounting,
  accountingRecord,
  capturingLogger,
  enforcementOutcome,
  ingest,
  ingestContext,
  outcome,
  record,
  sessionClosed,
  voucherActivated,
} from "./radius.testing.ts";

let cp: AssembledControlPlane;
let isp: TestIsp;
let ctx: IngestContext;
let nasId: string;
let otherNasId: string;

const GiB = 2 ** 30;
const T0 = Date.parse("2026-03-05T01:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

beforeAll(async () => {
  cp = await assembleTestControlPlane();
  isp = await testIsp(cp);
  ctx = await ingestContext(cp, isp.actor.tenantId, isp.siteId);
  nasId = await seedNas(cp.database, cp, ctx.tenantId, ctx.siteId, { secret: "s".repeat(24), address: "10.0.0.1" });
  otherNasId = await seedNas(cp.database, cp, ctx.tenantId, ctx.siteId, {
    secret: "t".repeat(24),
    address: "10.0.0.2",
  });
});
afterAll(() => cp.close());

const sessionsOf = (sessionId: string) =>
  cp.database.withTenant(ctx.tenantId, (tx) =>
    tx
      .select()
      .from(radiusSessions)
      .where(
        and(eq(radiusSessions.tenantId, ctx.tenantId), sql`${radiusSessions.acctSessionId} like ${`${sessionId}%`}`),
      )
      .orderBy(asc(radiusSessions.startedAt)),
  );

const storedRequests = (sessionId: string) =>
  cp.database.withTenant(ctx.tenantId, (tx) =>
    tx
      .select()
      .from(radiusAccounting)
      .where(and(eq(radiusAccounting.tenantId, ctx.tenantId), eq(radiusAccounting.sessionId, sessionId))),
  );

let sessions = 0;
const newSessionId = () => `s${Date.now().toString(16)}${++sessions}`;

describe("accounting", () => {
  test("Start, Interim-Update and Stop make one session with 64-bit totals; a retransmit counts once", async () => {
    const sessionId = newSessionId();
    const base = { nasId, sessionId, userName: "budi" };
    const start = accounting({ ...base, statusType: "Start", eventAt: at(0), sessionTime: 0 });
    const interim = accounting({
      ...base,
      eventAt: at(5),
      sessionTime: 300,
      inputOctets: 5 * GiB + 17,
      outputOctets: 9 * GiB + 3,
    });
    const stop = accounting({
      ...base,
      statusType: "Stop",
      eventAt: at(10),
      sessionTime: 600,
      inputOctets: 6 * GiB + 1,
      outputOctets: 12 * GiB + 5,
      terminateCause: "User-Request",
    });
    expect(await ingest(cp, ctx, [accountingRecord(start), accountingRecord(interim)])).toBe(2);
    const [online] = await sessionsOf(sessionId);
    expect(online).toMatchObject({
      status: "online",
      nasId,
      userName: "budi",
      framedIp: "10.10.0.7",
      inputOctets: 5 * GiB + 17,
      outputOctets: 9 * GiB + 3,
      stoppedAt: null,
    });
    expect(online?.startedAt.toISOString()).toBe(at(0));
    expect(online?.lastUpdateAt.toISOString()).toBe(at(5));

    await ingest(cp, ctx, [accountingRecord(stop)]);
    // The agent crashed after journaling the Stop and journaled it again: a new seq, the same request.
    await ingest(cp, ctx, [accountingRecord({ ...stop, outputOctets: 99 * GiB })]);
    const rows = await sessionsOf(sessionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: "stopped",
      sessionTime: 600,
      inputOctets: 6 * GiB + 1,
      outputOctets: 12 * GiB + 5,
      terminateCause: "User-Request",
    });
    expect(rows[0]?.stoppedAt?.toISOString()).toBe(at(10));
    expect(await storedRequests(sessionId)).toHaveLength(3);
    const storedStop = (await storedRequests(sessionId)).find((r) => r.statusType === "Stop");
    expect(storedStop?.outputOctets).toBe(12 * GiB + 5);
    // The request is kept as the agent sent it, the first time.
    expect(storedStop?.data).toEqual({ ...stop });
  });

  test("the same request twice in one batch is stored once", async () => {
    const sessionId = newSessionId();
    const start = accounting({ nasId, sessionId, statusType: "Start", eventAt: at(0), inputOctets: 0 });
    expect(await ingest(cp, ctx, [accountingRecord(start), accountingRecord(start)])).toBe(2);
    expect(await storedRequests(sessionId)).toHaveLength(1);
  });

  test("an interim that arrives after the Stop changes neither the status nor the totals", async () => {
    const sessionId = newSessionId();
    const base = { nasId, sessionId };
    await ingest(cp, ctx, [
      accountingRecord(accounting({ ...base, statusType: "Start", eventAt: at(0) })),
      accountingRecord(
        accounting({ ...base, statusType: "Stop", eventAt: at(20), inputOctets: 8 * GiB, outputOctets: 5 * GiB }),
      ),
    ]);
    // Delayed on the way: older than the Stop, and one claiming to be newer.
    await ingest(cp, ctx, [
      accountingRecord(accounting({ ...base, eventAt: at(10), inputOctets: 4 * GiB, outputOctets: 2 * GiB })),
    ]);
    await ingest(cp, ctx, [
      accountingRecord(accounting({ ...base, eventAt: at(25), inputOctets: 1, outputOctets: 1 })),
    ]);
    const [row] = await sessionsOf(sessionId);
    expect(row).toMatchObject({ status: "stopped", inputOctets: 8 * GiB, outputOctets: 5 * GiB });
    expect(row?.stoppedAt?.toISOString()).toBe(at(20));
  });

  test("interims before their Start, in one batch and across batches, make one session from the Start", async () => {
    const sessionId = newSessionId();
    const base = { nasId, sessionId };
    await ingest(cp, ctx, [
      accountingRecord(accounting({ ...base, eventAt: at(10), sessionTime: 600, inputOctets: 3 * GiB })),
    ]);
    const [estimated] = await sessionsOf(sessionId);
    expect(estimated?.startedAt.toISOString()).toBe(at(0));
    await ingest(cp, ctx, [
      accountingRecord(accounting({ ...base, eventAt: at(5), sessionTime: 300, inputOctets: 1 * GiB })),
      accountingRecord(accounting({ ...base, statusType: "Start", eventAt: at(1), sessionTime: 0 })),
    ]);
    const rows = await sessionsOf(sessionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "online", inputOctets: 3 * GiB });
    expect(rows[0]?.startedAt.toISOString()).toBe(at(0));
    expect(rows[0]?.lastUpdateAt.toISOString()).toBe(at(10));
  });

  test("Accounting-On closes every online session of that NAS, not another NAS's, not one begun after", async () => {
    const before = newSessionId();
    const elsewhere = newSessionId();
    const after = newSessionId();
    await ingest(cp, ctx, [
      accountingRecord(accounting({ nasId, sessionId: before, statusType: "Start", eventAt: at(0) })),
      accountingRecord(accounting({ nasId: otherNasId, sessionId: elsewhere, statusType: "Start", eventAt: at(0) })),
    ]);
    await ingest(cp, ctx, [
      accountingRecord(
        accounting({
          nasId,
          sessionId: null,
          userName: null,
          framedIp: null,
          statusType: "Accounting-On",
          eventAt: at(30),
          sessionTime: null,
        }),
      ),
      accountingRecord(accounting({ nasId, sessionId: after, statusType: "Start", eventAt: at(31) })),
    ]);
    const [closed] = await sessionsOf(before);
    expect(closed).toMatchObject({ status: "stopped", terminateCause: "NAS-Reboot" });
    expect(closed?.stoppedAt?.toISOString()).toBe(at(30));
    expect((await sessionsOf(elsewhere))[0]?.status).toBe("online");
    expect((await sessionsOf(after))[0]?.status).toBe("online");
  });

  test("a Start later than a finished session of the same id is a new session; the old one keeps its history", async () => {
    const sessionId = newSessionId();
    await ingest(cp, ctx, [
      accountingRecord(accounting({ nasId, sessionId, userName: "old", statusType: "Start", eventAt: at(0) })),
      accountingRecord(
        accounting({ nasId, sessionId, userName: "old", statusType: "Stop", eventAt: at(5), inputOctets: 7 * GiB }),
      ),
    ]);
    await ingest(cp, ctx, [
      accountingRecord(accounting({ nasId, sessionId, userName: "new", statusType: "Start", eventAt: at(60) })),
    ]);
    const rows = await sessionsOf(sessionId);
    expect(rows.map((r) => [r.userName, r.status, r.inputOctets])).toEqual([
      ["old", "stopped", 7 * GiB],
      ["new", "online", 0],
    ]);
    expect(rows[1]?.acctSessionId).toBe(sessionId);
  });
});

describe("sessions the agent closed", () => {
  test("stale and NAS restart close an online session; a session heard from after the close stays", async () => {
    const stale = newSessionId();
    const restarted = newSessionId();
    const alive = newSessionId();
    await ingest(
      cp,
      ctx,
      [stale, restarted, alive].map((sessionId) =>
        accountingRecord(accounting({ nasId, sessionId, statusType: "Start", eventAt: at(0) })),
      ),
    );
    await ingest(cp, ctx, [accountingRecord(accounting({ nasId, sessionId: alive, eventAt: at(40) }))]);
    const close = (sessionId: string, reason: "stale" | "nas_restart") =>
      sessionClosed({ nasId, sessionId, userName: "budi", reason, lastSeenAt: at(0), closedAt: at(30) });
    await ingest(cp, ctx, [close(stale, "stale"), close(restarted, "nas_restart"), close(alive, "stale")]);
    expect((await sessionsOf(stale))[0]).toMatchObject({ status: "stale", terminateCause: null });
    expect((await sessionsOf(stale))[0]?.stoppedAt?.toISOString()).toBe(at(30));
    expect((await sessionsOf(restarted))[0]).toMatchObject({ status: "stopped", terminateCause: "NAS-Reboot" });
    expect((await sessionsOf(alive))[0]?.status).toBe("online");
    // A stale session that speaks again is online again; its real Stop then ends it.
    await ingest(cp, ctx, [accountingRecord(accounting({ nasId, sessionId: stale, eventAt: at(45) }))]);
    expect((await sessionsOf(stale))[0]).toMatchObject({ status: "online", stoppedAt: null });
  });
});

/** The site changes written for one entity (a voucher), oldest first. */
const changesOf = (entityId: string) =>
  cp.database.withTenant(ctx.tenantId, (tx) =>
    tx
      .select()
      .from(siteChanges)
      .where(and(eq(siteChanges.tenantId, ctx.tenantId), eq(siteChanges.entityId, entityId)))
      .orderBy(asc(siteChanges.id)),
  );
/** The audit rows of one action in the tenant. */
const auditedAs = (action: string) =>
  cp.database.withTenant(ctx.tenantId, (tx) =>
    tx
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, ctx.tenantId), eq(auditLog.action, action))),
  );

describe("vouchers", () => {
  test("a first login activates the voucher and tells every site that holds it; a second report changes nothing", async () => {
    const planId = await seedPlan(cp.database, ctx.tenantId);
    const secondSite = await seedSite(cp.database, ctx.tenantId);
    const batchId = await createBatchVia(isp.browser, { planId, count: "2" });
    const [voucher, other] = await vouchersOf(cp.database, ctx.tenantId, batchId);
    if (!voucher || !other) throw new Error("batch too small");
    const activatedAt = at(0);
    const expiresAt = at(24 * 60);
    const report = (mac: string | null, when = activatedAt) =>
      voucherActivated({ voucherId: voucher.id, code: voucher.code, activatedAt: when, expiresAt, mac, nasId });

    await ingest(cp, ctx, [report("AA:BB:CC:DD:EE:01")]);
    const [active] = (await vouchersOf(cp.database, ctx.tenantId, batchId)).filter((v) => v.id === voucher.id);
    expect(active).toMatchObject({ state: "active", mac: "aa:bb:cc:dd:ee:01" });
    expect(active?.activatedAt?.toISOString()).toBe(activatedAt);
    expect(active?.expiresAt?.toISOString()).toBe(expiresAt);
    expect((await vouchersOf(cp.database, ctx.tenantId, batchId)).find((v) => v.id === other.id)?.state).toBe("new");

    const changes = await changesOf(voucher.id);
    const activations = changes.filter((c) => c.reason === "voucher_activated");
    expect(activations.map((c) => c.siteId).sort()).toEqual([ctx.siteId, secondSite].sort());
    for (const c of activations) {
      expect(c).toMatchObject({ op: "upsert", entityKey: voucher.code });
      expect(c.payload).toMatchObject({ state: "active", mac: "aa:bb:cc:dd:ee:01" });
      expect(new Date((c.payload as { expiresAt: string }).expiresAt).toISOString()).toBe(expiresAt);
    }
    const audited = await auditedAs("voucher.activated");
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorUserId: null, entityType: "voucher", entityId: voucher.id });

    // Another site reports a later first login of the same code: the first activation stands.
    await ingest(cp, ctx, [report("AA:BB:CC:DD:EE:02", at(90))]);
    const [still] = (await vouchersOf(cp.database, ctx.tenantId, batchId)).filter((v) => v.id === voucher.id);
    expect(still?.mac).toBe("aa:bb:cc:dd:ee:01");
    expect(still?.activatedAt?.toISOString()).toBe(activatedAt);
    const after = await changesOf(voucher.id);
    expect(after).toHaveLength(changes.length);
  });

  test("a quota used over two sites makes the voucher exhausted, and every site holding it is told", async () => {
    const planId = await seedPlan(cp.database, ctx.tenantId, { quotaBytes: 1_000_000 });
    const secondSite = await seedSite(cp.database, ctx.tenantId);
    const there = await ingestContext(cp, ctx.tenantId, secondSite);
    const thereNas = await seedNas(cp.database, cp, ctx.tenantId, secondSite, {
      secret: "u".repeat(24),
      address: "10.0.9.1",
    });
    const batchId = await createBatchVia(isp.browser, { planId, count: "1" });
    const [voucher] = await vouchersOf(cp.database, ctx.tenantId, batchId);
    if (!voucher) throw new Error("no voucher");
    await ingest(cp, ctx, [
      voucherActivated({
        voucherId: voucher.id,
        code: voucher.code,
        activatedAt: at(0),
        expiresAt: at(24 * 60),
        mac: null,
        nasId,
      }),
    ]);
    const use = (c: IngestContext, nas: string, sessionId: string, inputOctets: number, outputOctets: number) =>
      ingest(cp, c, [
        accountingRecord(
          accounting({ nasId: nas, sessionId, voucherCode: voucher.code, inputOctets, outputOctets, eventAt: at(5) }),
        ),
      ]);
    const state = async () => (await vouchersOf(cp.database, ctx.tenantId, batchId))[0]?.state;

    // 600 kB here, then 300 kB at the other hotspot: 900 kB of 1 MB, still active.
    await use(ctx, nasId, "vq-1", 100_000, 500_000);
    await use(there, thereNas, "vq-2", 100_000, 200_000);
    expect(await state()).toBe("active");
    // A later interim of the second session (its counters only grow) passes the quota.
    await use(there, thereNas, "vq-2", 150_000, 250_000);
    expect(await state()).toBe("exhausted");

    const changes = await changesOf(voucher.id);
    const told = changes.filter((c) => c.reason === "voucher_exhausted");
    // A batch without a site is for every site of the tenant (an earlier test added one more).
    const everySite = rowsOf<{ id: string }>(
      await cp.database.withTenant(ctx.tenantId, (tx) =>
        tx.execute(sql`select id from sites where tenant_id = ${ctx.tenantId}`),
      ),
    ).map((r) => r.id);
    expect(everySite).toContain(secondSite);
    expect(told.map((c) => c.siteId).sort()).toEqual(everySite.sort());
    for (const c of told) expect(voucherStateSchema.parse(c.payload).state).toBe("exhausted");
    const audited = await auditedAs("voucher.exhausted");
    expect(audited).toHaveLength(1);
    expect(audited[0]?.after).toMatchObject({ state: "exhausted", usedOctets: 1_000_000, quotaBytes: 1_000_000 });

    // More use changes nothing further: it is exhausted once.
    await use(ctx, nasId, "vq-1", 200_000, 600_000);
    const again = await changesOf(voucher.id);
    expect(again).toHaveLength(changes.length);
  });

  test("a site cannot activate a code of another site's batch", async () => {
    const planId = await seedPlan(cp.database, ctx.tenantId);
    const elsewhere = await seedSite(cp.database, ctx.tenantId);
    const batchId = await createBatchVia(isp.browser, { planId, siteId: elsewhere, count: "1" });
    const [voucher] = await vouchersOf(cp.database, ctx.tenantId, batchId);
    if (!voucher) throw new Error("no voucher");
    await ingest(cp, ctx, [
      voucherActivated({
        voucherId: voucher.id,
        code: voucher.code,
        activatedAt: at(0),
        expiresAt: at(60),
        mac: null,
        nasId,
      }),
    ]);
    expect((await vouchersOf(cp.database, ctx.tenantId, batchId))[0]?.state).toBe("new");
  });
});

describe("enforcement and bad records", () => {
  test("outcomes are stored; a record that does not parse is logged and skipped, and the batch commits", async () => {
    const customerId = await isp.addCustomer();
    const planId = await isp.addPlan();
    const { id: subscriptionId } = await isp.subscribe(customerId, planId);
    const { log, lines } = capturingLogger();
    const good = enforcementOutcome(
      outcome({ subscriptionId, outcome: "nak", errorCause: 503, errorCauseName: "Session-Context-Not-Found" }),
    );
    const sessionId = newSessionId();
    const batch = [
      record("radius.accounting", { uniqueId: "not hex", nasId }),
      record("radius.accounting", { ...accounting({ nasId, sessionId, statusType: "Start" }), nasId: "router-1" }),
      record("enforcement.outcome", { ...outcome({ subscriptionId, outcome: "ack" }), outcome: "fine" }),
      record("radius.future_thing", { x: 1 }),
      good,
      accountingRecord(accounting({ nasId, sessionId, statusType: "Start" })),
    ];
    expect(await ingest(cp, ctx, batch, log)).toBe(batch.length);
    const skipped = lines.filter((l) => l.msg === "journal record skipped");
    const bySeq = (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a.seq) - Number(b.seq);
    skipped.sort(bySeq);
    expect(skipped.map((l) => [l.kind, l.seq])).toEqual(batch.slice(0, 4).map((r) => [r.kind, r.seq]));
    expect(String(skipped[0]?.detail)).toContain("uniqueId");
    expect(String(skipped[1]?.detail)).toContain("nasId");
    expect(String(skipped[2]?.detail)).toContain("outcome");
    expect(skipped[3]?.detail).toBe("unknown kind");
    const events = await cp.database.withTenant(ctx.tenantId, (tx) =>
      tx.select().from(enforcementEvents).where(eq(enforcementEvents.subscriptionId, subscriptionId)),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      siteId: ctx.siteId,
      outcome: "nak",
      errorCause: 503,
      errorCauseName: "Session-Context-Not-Found",
      action: "disconnect",
      reason: "isolated",
    });
    expect(await sessionsOf(sessionId)).toHaveLength(1);
    // Every record of the batch, applied or not, is kept as it came.
    const kept = rowsOf<{ n: number }>(
      await cp.database.withTenant(ctx.tenantId, (tx) =>
        tx.execute(sql`select count(*)::int as n from journal_records where agent_id = ${ctx.agentId}
          and seq in (select jsonb_array_elements_text(${JSON.stringify(batch.map((r) => r.seq))}::jsonb)::bigint)`),
      ),
    );
    expect(kept[0]?.n).toBe(batch.length);
  });
});
