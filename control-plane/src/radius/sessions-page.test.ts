// The online sessions page against the real control plane (PGlite, the embedded broker with
// agent authentication): sessions ingested through the journal path, the page's filters, sort
// and paging, the kick as a command that reaches a connected agent over MQTT and the router's
// answer shown where the button was, and who may see and kick.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { and, eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { seedNas } from "../../../tests/support/radius-cloud.ts";
import { type TestIsp, testIsp } from "../billing/money-flow.testing.ts";
import { auditRows } from "../plans/plans.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { seedAgent } from "../sites/sites.testing.ts";
import { siteCommands } from "../sync/commands.tables.ts";
import type { IngestContext } from "../sync/journal-ingest.ts";
import { escaped, htmx, join, XSS } from "../team/team.testing.ts";
import { seedSite } from "../vouchers/vouchers.testing.ts";
import { radiusSessions } from "./radius.tables.ts";
import { accounting, accountingRecord, connectedAgent, ingest } from "./radius.testing.ts";

const t = translator("id");
const GiB = 2 ** 30;
let cp: AssembledControlPlane;
let isp: TestIsp;
let agent: Awaited<ReturnType<typeof connectedAgent>>;
let secondSite: string;
let secondCtx: IngestContext;
let nasId: string;
let secondNasId: string;
let subscriptionId: string;
const ids: Record<string, string> = {};

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

/** A session by its Start (and an interim with its usage, and a Stop when asked). */
async function session(
  ctx: IngestContext,
  nas: string,
  sessionId: string,
  values: { userName: string; startedMinutesAgo: number; down: number; up: number; stop?: boolean } & Partial<
    Parameters<typeof accounting>[0]
  >,
) {
  const { userName, startedMinutesAgo, down, up, stop, ...rest } = values;
  const base = { nasId: nas, sessionId, userName, ...rest };
  await ingest(cp, ctx, [
    accountingRecord(accounting({ ...base, statusType: "Start", eventAt: minutesAgo(startedMinutesAgo) })),
    accountingRecord(
      accounting({
        ...base,
        statusType: stop ? "Stop" : "Interim-Update",
        eventAt: minutesAgo(startedMinutesAgo - 1),
        sessionTime: 60,
        inputOctets: up,
        outputOctets: down,
        terminateCause: stop ? "User-Request" : null,
      }),
    ),
  ]);
  const [row] = await cp.database.withTenant(ctx.tenantId, (tx) =>
    tx
      .select({ id: radiusSessions.id })
      .from(radiusSessions)
      .where(and(eq(radiusSessions.tenantId, ctx.tenantId), eq(radiusSessions.acctSessionId, sessionId))),
  );
  ids[userName] = row?.id as string;
}

beforeAll(async () => {
  cp = await assembleTestControlPlane();
  isp = await testIsp(cp);
  agent = await connectedAgent(cp, isp.actor, isp.siteId);
  secondSite = await seedSite(cp.database, isp.actor.tenantId, { name: "Menara Timur" });
  secondCtx = { tenantId: isp.actor.tenantId, siteId: secondSite, agentId: "" };
  secondCtx.agentId = await seedAgent(cp, isp.actor.tenantId, secondSite);
  nasId = await seedNas(cp.database, cp, isp.actor.tenantId, isp.siteId, { secret: "s".repeat(24), name: "CCR Pusat" });
  secondNasId = await seedNas(cp.database, cp, isp.actor.tenantId, secondSite, { secret: "t".repeat(24) });
  ({ id: subscriptionId } = await isp.subscribe(await isp.addCustomer(), await isp.addPlan()));

  await session(agent.ctx, nasId, "a1", {
    userName: "alice",
    subscriptionId,
    startedMinutesAgo: 90,
    down: 10 * GiB,
    up: 2 ** 32 + 5,
  });
  await session(secondCtx, secondNasId, "x1", { userName: XSS[0], startedMinutesAgo: 60, down: GiB, up: 0 });
  await session(agent.ctx, nasId, "b1", { userName: "bob", startedMinutesAgo: 50, down: 50 * GiB, up: 0, stop: true });
  await session(agent.ctx, nasId, "c1", {
    userName: "carol",
    startedMinutesAgo: 30,
    down: 5 * GiB,
    up: GiB,
    framedIp: "10.10.0.99",
    callingStationId: "DE:AD:BE:EF:00:01",
  });
});
afterAll(async () => {
  await agent?.close();
  await cp.close();
});

/** The users of the sessions table, in order. */
function usersOf(html: string): string[] {
  const body = /<table class="data-table" id="sessions">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr id="session-[^"]+"[^>]*><th scope="row"[^>]*>([\s\S]*?)<\/th>/g)].map((m) =>
    (m[1] ?? "").replace(/<[^>]+>/g, ""),
  );
}

const page = async (query = "", browser = isp.browser) => {
  const res = await browser.get(`/sessions${query}`);
  expect(res.status).toBe(200);
  return res.text();
};

describe("the list", () => {
  test("online sessions by default, newest first, with site, router, addresses and human bytes", async () => {
    const html = await page();
    expect(usersOf(html)).toEqual(["carol", escaped(XSS[0]), "alice"]);
    const alice = /<tr id="session-[^"]+"[^>]*>[\s\S]*?alice[\s\S]*?<\/tr>/.exec(html)?.[0] ?? "";
    expect(alice).toContain(`<a href="/subscriptions/${subscriptionId}">alice</a>`);
    expect(alice).toContain("CCR Pusat");
    expect(alice).toContain(">10 GB<");
    expect(alice).toContain(">4 GB<");
    expect(alice).toContain("10.10.0.7");
    expect(alice).toContain(t("sessions.status.online"));
    // A user no subscription claims is text, not a link; what a router sent is escaped.
    expect(html).not.toContain(">carol</a>");
    expect(html).not.toContain(XSS[0]);
    expect(html).toContain(escaped(XSS[0]));
    expect(html).toContain("Menara Timur");
  });

  test("filters: status, site, search by user, IP and MAC; sorts by usage and user", async () => {
    expect(usersOf(await page("?status=all"))).toEqual(["carol", "bob", escaped(XSS[0]), "alice"]);
    expect(usersOf(await page("?status=stopped"))).toEqual(["bob"]);
    expect(usersOf(await page(`?site=${secondSite}`))).toEqual([escaped(XSS[0])]);
    expect(usersOf(await page("?q=car"))).toEqual(["carol"]);
    expect(usersOf(await page("?q=10.10.0.99"))).toEqual(["carol"]);
    expect(usersOf(await page("?q=de%3Aad"))).toEqual(["carol"]);
    expect(usersOf(await page("?q=%25"))).toEqual([]);
    expect(usersOf(await page("?sort=usage&status=all"))).toEqual(["bob", "alice", "carol", escaped(XSS[0])]);
    expect(usersOf(await page(`?sort=user&site=${isp.siteId}`))).toEqual(["alice", "carol"]);
    // A broken filter is the default, never an error.
    expect(usersOf(await page("?status=nope&sort=x&site=1&page=-3"))).toEqual(["carol", escaped(XSS[0]), "alice"]);
    const filtered = await page("?q=nobody");
    expect(filtered).toContain(t("sessions.empty.filtered"));
  });

  test("the menu has the sessions entry for those who see the network", async () => {
    expect(await page()).toContain(`href="/sessions"`);
  });
});

describe("kick", () => {
  test("sends the kick command with the session's identity; the router's answer replaces the button", async () => {
    const res = await isp.browser.post(`/sessions/${ids.alice}/kick`, {}, htmx);
    expect(res.status).toBe(200);
    const fragment = await res.text();
    expect(fragment.startsWith(`<div class="kick" id="kick-${ids.alice}">`)).toBe(true);
    expect(fragment).toContain(t("sessions.kick.waiting"));
    const [row] = await cp.database.withTenant(isp.actor.tenantId, (tx) =>
      tx.select().from(siteCommands).where(eq(siteCommands.tenantId, isp.actor.tenantId)),
    );
    const args = { subscriptionId, nasId, sessionId: "a1", userName: "alice", framedIp: "10.10.0.7" };
    expect(row).toMatchObject({ siteId: isp.siteId, name: "kick", args, requestedBy: isp.actor.userId });
    expect(fragment).toContain(`hx-get="/sessions/kicks/${row?.id}" hx-trigger="every 2s"`);
    const sent = await agent.nextCommand();
    expect(sent).toMatchObject({ cmdId: row?.id, name: "kick", args });
    const [audited] = await auditRows(cp, isp.actor.tenantId, "site.command_requested");
    expect(audited?.after).toEqual({ cmdId: row?.id, name: "kick", args });

    await agent.answer(sent.cmdId, { outcome: "ack", errorCause: null, errorCauseName: null, attempts: 1 });
    let status = "";
    for (let i = 0; i < 100 && !status.includes("badge-tone-ok"); i++) {
      await Bun.sleep(50);
      status = await (await isp.browser.get(`/sessions/kicks/${sent.cmdId}`, htmx)).text();
    }
    expect(status).toContain(t("sessions.kick.ack", { at: "" }).split("(")[0] as string);
    expect(status).not.toContain("hx-trigger");
  });

  test("a NAK shows the Error-Cause; a plain form comes back to the list with the status", async () => {
    const res = await isp.browser.post(`/sessions/${ids.carol}/kick`, {});
    expect(res.status).toBe(303);
    const cmdId = /^\/sessions\?kicked=([0-9a-f-]{36})$/.exec(res.headers.get("location") ?? "")?.[1] as string;
    expect(cmdId).toBeDefined();
    const sent = await agent.nextCommand();
    expect(sent.args).toMatchObject({ subscriptionId: null, sessionId: "c1", framedIp: "10.10.0.99" });
    const listed = await page(`?kicked=${cmdId}`);
    expect(listed).toContain(t("sessions.kick.sent"));
    expect(listed).toContain(`hx-get="/sessions/kicks/${cmdId}"`);
    await agent.answer(cmdId, {
      outcome: "nak",
      errorCause: 503,
      errorCauseName: `Session-Context-Not-Found ${XSS[1]}`,
      attempts: 1,
    });
    let status = "";
    for (let i = 0; i < 100 && !status.includes("badge-tone-danger"); i++) {
      await Bun.sleep(50);
      status = await (await isp.browser.get(`/sessions/kicks/${cmdId}`, htmx)).text();
    }
    expect(status).toContain(escaped(t("sessions.kick.nak", { cause: `Session-Context-Not-Found ${XSS[1]} (503)` })));
    expect(status).not.toContain(XSS[1]);
  });

  test("an ended session is refused in words; another tenant's or a malformed id is not there", async () => {
    const ended = await isp.browser.post(`/sessions/${ids.bob}/kick`, {}, htmx);
    expect(ended.status).toBe(409);
    expect(ended.headers.get("hx-retarget")).toBe("#alerts");
    expect(await ended.text()).toContain(t("sessions.kick.ended"));
    expect((await isp.browser.post("/sessions/not-a-uuid/kick", {})).status).toBe(404);
    expect((await isp.browser.get("/sessions/kicks/not-a-uuid")).status).toBe(404);
    const other = await testIsp(cp);
    expect((await other.browser.post(`/sessions/${ids.alice}/kick`, {})).status).toBe(404);
    expect(usersOf(await page("?status=all", other.browser))).toEqual([]);
  });
});

describe("who may", () => {
  test("a viewer sees the sessions without kick buttons and cannot kick; a technician can; a collector sees nothing", async () => {
    const viewer = await join(cp, isp.browser, isp.actor.tenantId, "viewer");
    const seen = await page("", viewer.browser);
    expect(usersOf(seen)).toEqual(["carol", escaped(XSS[0]), "alice"]);
    expect(seen).not.toContain("/kick");
    expect((await viewer.browser.post(`/sessions/${ids.alice}/kick`, {})).status).toBe(404);

    const tech = await join(cp, isp.browser, isp.actor.tenantId, "technician");
    expect(await page("", tech.browser)).toContain(`action="/sessions/${ids.alice}/kick"`);
    expect((await tech.browser.post(`/sessions/${ids.alice}/kick`, {})).status).toBe(303);

    const collector = await join(cp, isp.browser, isp.actor.tenantId, "collector");
    expect((await collector.browser.get("/sessions")).status).toBe(404);
    expect(await (await collector.browser.get("/app")).text()).not.toContain(`href="/sessions"`);
  });
});
