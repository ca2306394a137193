// The network on a subscription's page, against the real control plane (PGlite): the newest
// enforcement outcome in words with its time and whether it answers the current status (a change
// the site has not answered yet is "waiting for the site", polled), the session history and the
// daily usage chart, from records ingested through the journal path.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatDateTime } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { and, desc, eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { seedNas } from "../../../tests/support/radius-cloud.ts";
import { type TestIsp, testIsp } from "../billing/money-flow.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { siteChanges } from "../sites/sites.tables.ts";
import type { IngestContext } from "../sync/journal-ingest.ts";
import { escaped, htmx, join, XSS } from "../team/team.testing.ts";
import { localDateOf } from "../time/zoned.ts";
import { accounting, accountingRecord, enforcementOutcome, ingest, ingestContext, outcome } from "./radius.testing.ts";

const t = translator("id");
const GiB = 2 ** 30;
const ZONE = "Asia/Jakarta";
let cp: AssembledControlPlane;
let isp: TestIsp;
let ctx: IngestContext;
let nasId: string;

beforeAll(async () => {
  cp = await assembleTestControlPlane();
  isp = await testIsp(cp);
  ctx = await ingestContext(cp, isp.actor.tenantId, isp.siteId);
  nasId = await seedNas(cp.database, cp, ctx.tenantId, ctx.siteId, { secret: "s".repeat(24) });
});
afterAll(() => cp.close());

const at = (d: Date) => formatDateTime(d, "id", ZONE);

async function newSubscription() {
  const { id } = await isp.subscribe(await isp.addCustomer(), await isp.addPlan());
  return id;
}

async function latestRevision(subscriptionId: string): Promise<number> {
  const [row] = await cp.database.withTenant(ctx.tenantId, (tx) =>
    tx
      .select({ revision: siteChanges.revision })
      .from(siteChanges)
      .where(and(eq(siteChanges.tenantId, ctx.tenantId), eq(siteChanges.entityId, subscriptionId)))
      .orderBy(desc(siteChanges.id))
      .limit(1),
  );
  return row?.revision as number;
}

const transition = async (id: string, event: string) => {
  const res = await isp.browser.post(`/subscriptions/${id}/status`, { event });
  expect(res.status).toBe(303);
};

const pageOf = async (id: string, browser = isp.browser) => {
  const res = await browser.get(`/subscriptions/${id}`);
  expect(res.status).toBe(200);
  return res.text();
};

/** The enforcement block of a page, tags stripped. */
const enforcementText = (html: string) =>
  (/<div id="sub-enforcement"[\s\S]*?<\/div>/.exec(html)?.[0] ?? "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("enforcement status", () => {
  test("isolated and not answered: waiting for the site, polled; the ACK: confirmed with its time, for the current status", async () => {
    const id = await newSubscription();
    const fresh = await pageOf(id);
    expect(enforcementText(fresh)).toContain(t("radius.enforce.badge.none"));
    expect(fresh).toContain(t("radius.enforce.none"));

    await transition(id, "isolate");
    const waiting = await pageOf(id);
    expect(enforcementText(waiting)).toContain(t("radius.enforce.badge.waiting"));
    expect(waiting).toContain(`hx-get="/subscriptions/${id}/enforcement" hx-trigger="every 5s"`);
    expect(enforcementText(waiting)).toContain(t("subscriptions.reason.isolated"));

    const completedAt = new Date(Date.now() + 1_000);
    await ingest(cp, ctx, [
      enforcementOutcome(
        outcome({
          subscriptionId: id,
          revision: await latestRevision(id),
          outcome: "ack",
          nasId,
          completedAt: completedAt.toISOString(),
        }),
      ),
    ]);
    const fragment = await (await isp.browser.get(`/subscriptions/${id}/enforcement`, htmx)).text();
    expect(fragment.startsWith('<div id="sub-enforcement"')).toBe(true);
    expect(fragment).not.toContain("hx-trigger");
    const text = enforcementText(fragment);
    expect(text).toContain(t("radius.enforce.badge.enforced"));
    expect(text).toContain(t("radius.enforce.outcome.ack", { at: at(completedAt) }));
    expect(text).toContain(t("radius.enforce.action.disconnect"));
    expect(text).toContain(
      t("radius.enforce.current", { reason: t("subscriptions.reason.isolated"), at: "" }).split("(")[0] as string,
    );

    // Restored: the ACK above is older than the change, so the page waits again and says so.
    await transition(id, "restore");
    const again = enforcementText(await pageOf(id));
    expect(again).toContain(t("radius.enforce.badge.waiting"));
    expect(again).toContain(t("subscriptions.reason.restored"));
    expect(again).toContain(t("radius.enforce.outcome.ack", { at: at(completedAt) }));
  });

  test("every outcome in words: NAK with its Error-Cause, timeout after N tries, not online, re-login", async () => {
    const id = await newSubscription();
    await transition(id, "isolate");
    const revision = await latestRevision(id);
    const cases = [
      [
        outcome({
          subscriptionId: id,
          revision,
          outcome: "nak",
          errorCause: 503,
          errorCauseName: "Session-Context-Not-Found",
        }),
        t("radius.enforce.badge.not_enforced"),
        (d: Date) => t("radius.enforce.outcome.nak", { at: at(d), cause: "Session-Context-Not-Found (503)" }),
      ],
      [
        outcome({ subscriptionId: id, revision, outcome: "timeout", attempts: 3 }),
        t("radius.enforce.badge.not_enforced"),
        (d: Date) => t("radius.enforce.outcome.timeout", { at: at(d), n: 3 }),
      ],
      [
        outcome({ subscriptionId: id, revision, outcome: "not_online", action: "disconnect", sessionId: null }),
        t("radius.enforce.badge.next_login"),
        (d: Date) => t("radius.enforce.outcome.not_online", { at: at(d) }),
      ],
      [
        outcome({ subscriptionId: id, revision, outcome: "reauth", detail: `seen ${XSS[0]}` }),
        t("radius.enforce.badge.enforced"),
        (d: Date) => t("radius.enforce.outcome.reauth", { at: at(d) }),
      ],
    ] as const;
    let n = 0;
    for (const [record, badge, words] of cases) {
      const completedAt = new Date(Date.now() + ++n * 60_000);
      await ingest(cp, ctx, [enforcementOutcome({ ...record, completedAt: completedAt.toISOString() })]);
      const html = await pageOf(id);
      const text = enforcementText(html);
      expect(text).toContain(badge);
      expect(text).toContain(words(completedAt));
      expect(html).not.toContain(XSS[0]);
    }
    expect(await pageOf(id)).toContain(escaped(t("radius.enforce.detail", { detail: `seen ${XSS[0]}` })));
  });
});

describe("history and usage", () => {
  test("the last sessions with duration, usage and why they ended; daily usage bars of the last 30 days", async () => {
    const id = await newSubscription();
    const now = Date.now();
    const yesterday = new Date(now - 86_400_000);
    const started = new Date(yesterday.getTime() - 3_600_000);
    const base = { nasId, sessionId: `h${now.toString(16)}`, subscriptionId: id, userName: `user ${XSS[0]}` };
    await ingest(cp, ctx, [
      accountingRecord(accounting({ ...base, statusType: "Start", eventAt: started.toISOString(), sessionTime: 0 })),
      accountingRecord(
        accounting({
          ...base,
          eventAt: yesterday.toISOString(),
          sessionTime: 3_600,
          outputOctets: 6 * GiB,
          inputOctets: GiB,
        }),
      ),
      accountingRecord(
        accounting({
          ...base,
          statusType: "Stop",
          eventAt: new Date(now).toISOString(),
          sessionTime: 90_000,
          outputOctets: 10 * GiB,
          inputOctets: 3 * GiB,
          terminateCause: "Lost-Carrier",
        }),
      ),
    ]);
    const html = await pageOf(id);
    const history = /<table class="data-table" id="sub-sessions">[\s\S]*?<\/table>/.exec(html)?.[0] ?? "";
    expect(history).toContain(at(started));
    expect(history).toContain("<code>Lost-Carrier</code>");
    expect(history).toContain("1 hari 1 jam");
    expect(history).toContain(">10 GB<");
    expect(history).toContain(">3 GB<");
    // The chart: one bar per series and day with usage, the day's growth in each.
    const chart = /<svg class="chart"[\s\S]*?id="sub-usage-chart">[\s\S]*?<\/svg>/.exec(html)?.[0] ?? "";
    expect(chart).toContain('<title id="sub-usage-chart-title">');
    const bars = [...chart.matchAll(/<rect class="chart-bar chart-tone-(down|up)"[^>]*><title>([^<]*)<\/title>/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    const dayOf = (d: Date) => {
      const day = localDateOf(d, ZONE);
      return new Intl.DateTimeFormat("id-ID", { timeZone: "UTC", dateStyle: "medium" }).format(
        new Date(`${day}T12:00:00Z`),
      );
    };
    expect(bars).toEqual([
      `down ${dayOf(yesterday)} · ${t("radius.usage.download")}: 6 GB`,
      `down ${dayOf(new Date(now))} · ${t("radius.usage.download")}: 4 GB`,
      `up ${dayOf(yesterday)} · ${t("radius.usage.upload")}: 1 GB`,
      `up ${dayOf(new Date(now))} · ${t("radius.usage.upload")}: 2 GB`,
    ]);
    expect(html).toContain(t("radius.usage.total", { down: "10 GB", up: "3 GB" }));
    expect(html).not.toContain(XSS[0]);
    // No inline script or style anywhere on the page (the CSP allows neither).
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\sstyle=/);
  });

  test("a viewer sees the network sections; a collector, who does not see the network, does not", async () => {
    const id = await newSubscription();
    const viewer = await join(cp, isp.browser, isp.actor.tenantId, "viewer");
    expect(await pageOf(id, viewer.browser)).toContain(t("radius.enforce.title"));
    const collector = await join(cp, isp.browser, isp.actor.tenantId, "collector");
    expect(await pageOf(id, collector.browser)).not.toContain(t("radius.enforce.title"));
    expect((await collector.browser.get(`/subscriptions/${id}/enforcement`)).status).toBe(404);
  });
});
