import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { formatDateTime } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { and, eq } from "drizzle-orm";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { manualClock, servedAt, signUp } from "../accounts/accounts.testing.ts";
import { siteAgents } from "../agents/agents.tables.ts";
import { auditRows } from "../plans/plans.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { escaped, htmx } from "../team/team.testing.ts";
import { siteChanges, siteEvents } from "./sites.tables.ts";
import { agentRow, createSiteVia, seedAgent, siteFields, tablesContaining, tokenRows } from "./sites.testing.ts";

const t = translator("id");
const clock = manualClock();
const ORIGIN = "http://kilusi.test";
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = servedAt(await assembleTestControlPlane({ PUBLIC_URL: ORIGIN }, clock), ORIGIN);
});
afterAll(() => cp.close());

const at = (d: Date) => formatDateTime(d, "id", "Asia/Jakarta");
const MINUTE = 60_000;

/** The `<dd>` next to a `<dt>` of the status block. */
function detail(html: string, label: string): string | undefined {
  const m = new RegExp(`<dt>${escaped(label)}</dt><dd>([\\s\\S]*?)</dd>`).exec(html);
  return m?.[1]?.replace(/<[^>]+>/g, "");
}

/** The rows of a table (by id) as arrays of cell texts. */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table class="data-table" id="${id}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? "";
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(table)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? "").matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      (cell[1] ?? "").replace(/<[^>]+>/g, ""),
    ),
  );
}

async function newSite() {
  const owner = await signUp(cp);
  const siteId = await createSiteVia(owner.browser, siteFields({ name: "Menara Timur" }));
  return { owner, siteId };
}

describe("a site's status", () => {
  test("everything the agent last reported, its events and the revision log, newest first", async () => {
    const { owner, siteId } = await newSite();
    const tenantId = owner.tenantId;
    const base = clock.now().getTime();
    const agentId = await seedAgent(cp, tenantId, siteId, {
      hostname: "agent-menara",
      enrolledAt: new Date(base - 90 * MINUTE),
      credentialsRotatedAt: new Date(base - 30 * MINUTE),
      online: true,
      lastSeenAt: new Date(base - MINUTE),
      agentVersion: "1.4.2",
      protocol: 1,
      startedAt: new Date(base - 60 * MINUTE),
      appliedRevision: 3,
      journalBacklog: 1234,
      journalBytes: 5 * 1024 * 1024,
      journalCapBytes: 20 * 1024 * 1024,
      journalOldestAt: new Date(base - 20 * MINUTE),
      clockSkewMs: -42,
      rttMs: 87,
    });
    await cp.database.withTenant(tenantId, async (tx) => {
      for (let i = 0; i < 25; i++) {
        await tx.insert(siteChanges).values({
          tenantId,
          siteId,
          kind: "subscriber",
          op: i % 2 ? "delete" : "upsert",
          reason: i % 2 ? "isolated" : "activated",
          entityId: crypto.randomUUID(),
          payload: i % 2 ? null : { n: i },
          createdAt: new Date(base - (25 - i) * MINUTE),
        });
      }
      for (let i = 0; i < 22; i++) {
        await tx.insert(siteEvents).values({
          tenantId,
          siteId,
          agentId,
          kind: i % 2 ? "agent.online" : "agent.offline",
          detail: i === 21 ? { reason: "reconnected" } : {},
          at: new Date(base - (50 - i) * MINUTE),
        });
      }
    });
    const onlineSince = new Date(base - 29 * MINUTE);

    const html = await (await owner.browser.get(`/sites/${siteId}`)).text();
    expect(html).toContain(`badge-tone-ok">${t("sites.status.online")}`);
    expect(html).toContain(t("sites.status.since", { at: at(onlineSince) }));
    expect(detail(html, t("sites.status.lastSeen"))).toBe(at(new Date(base - MINUTE)));
    expect(detail(html, t("sites.status.version"))).toBe("1.4.2");
    expect(detail(html, t("sites.status.protocol"))).toBe("1");
    expect(detail(html, t("sites.status.startedAt"))).toBe(at(new Date(base - 60 * MINUTE)));
    expect(detail(html, t("sites.status.revision"))).toBe(
      t("sites.status.revisionValue", { applied: "3", current: "26" }),
    );
    expect(detail(html, t("sites.status.lag"))).toBe(t("sites.lag.value", { n: "23" }));
    expect(detail(html, t("sites.status.journal"))).toBe(t("sites.status.journalValue", { n: "1.234" }));
    expect(detail(html, t("sites.status.journalSize"))).toBe(
      t("sites.status.journalSizeValue", { used: "5 MB", cap: "20 MB", pct: "25" }),
    );
    expect(detail(html, t("sites.status.journalOldest"))).toBe(at(new Date(base - 20 * MINUTE)));
    expect(detail(html, t("sites.status.clockSkew"))).toBe("-42 ms");
    expect(detail(html, t("sites.status.rtt"))).toBe("87 ms");
    expect(detail(html, t("sites.agent.hostname"))).toBe("agent-menara");
    expect(detail(html, t("sites.agent.enrolledAt"))).toBe(at(new Date(base - 90 * MINUTE)));
    expect(detail(html, t("sites.agent.rotatedAt"))).toBe(at(new Date(base - 30 * MINUTE)));
    expect(html).toContain(t("sites.agent.reenroll"));
    expect(html).toContain(`action="/sites/${siteId}/agent/revoke"`);

    const events = tableRows(html, "site-events");
    expect(events).toHaveLength(20);
    expect(events[0]).toEqual([at(onlineSince), t("sites.event.agent.online"), escaped('{"reason":"reconnected"}')]);
    expect(events[1]?.slice(0, 2)).toEqual([at(new Date(base - 30 * MINUTE)), t("sites.event.agent.offline")]);
    expect(events[19]?.[0]).toBe(at(new Date(base - 48 * MINUTE)));

    const changes = tableRows(html, "site-changes");
    expect(changes).toHaveLength(20);
    // Revision 1 is the site's isolation policy, written when the site was created.
    expect(changes[0]).toEqual(["26", "subscriber", "upsert", "activated", at(new Date(base - MINUTE))]);
    expect(changes[1]).toEqual(["25", "subscriber", "delete", "isolated", at(new Date(base - 2 * MINUTE))]);
    expect(changes[19]?.[0]).toBe("7");

    // The list says the same in its columns.
    const list = await (await owner.browser.get("/sites/rows")).text();
    const row = new RegExp(`<tr id="site-${siteId}"[^>]*>([\\s\\S]*?)</tr>`).exec(list)?.[1] ?? "";
    expect(row).toContain(`badge-tone-ok">${t("sites.status.online")}`);
    expect(row).toContain(`>${at(new Date(base - MINUTE))}</td>`);
    expect(row).toContain(">1.4.2</td>");
    expect(row).toContain('class="num">23</td>');
    expect(row).toContain('class="num">1.234</td>');
  });

  test("the status block and the list poll every 5 s and show what changed since", async () => {
    const { owner, siteId } = await newSite();
    const agentId = await seedAgent(cp, owner.tenantId, siteId, { online: true, lastSeenAt: clock.now() });
    const page = await (await owner.browser.get(`/sites/${siteId}`)).text();
    expect(page).toContain(
      `id="site-status" aria-labelledby="site-status-title" hx-get="/sites/${siteId}/status" hx-trigger="every 5s" hx-swap="outerHTML"`,
    );
    const list = await (await owner.browser.get("/sites")).text();
    expect(list).toContain('<div id="sites-table" hx-get="/sites/rows" hx-trigger="every 5s" hx-swap="outerHTML">');

    clock.advance(5 * MINUTE);
    const wentOffline = clock.now();
    await cp.database.withTenant(owner.tenantId, async (tx) => {
      await tx
        .update(siteAgents)
        .set({ online: false })
        .where(and(eq(siteAgents.tenantId, owner.tenantId), eq(siteAgents.id, agentId)));
      await tx
        .insert(siteEvents)
        .values({ tenantId: owner.tenantId, siteId, agentId, kind: "agent.offline", at: wentOffline });
    });
    const res = await owner.browser.get(`/sites/${siteId}/status`, htmx);
    expect(res.status).toBe(200);
    const fragment = await res.text();
    expect(fragment.startsWith('<section class="adm-section sites-status" id="site-status"')).toBe(true);
    expect(fragment).toContain('hx-trigger="every 5s"');
    expect(fragment).toContain(`badge-tone-danger">${t("sites.status.offline")}`);
    expect(fragment).toContain(t("sites.status.since", { at: at(wentOffline) }));
    expect(fragment).not.toContain("<html");

    const rows = await (await owner.browser.get("/sites/rows", htmx)).text();
    expect(rows.startsWith('<div id="sites-table"')).toBe(true);
    expect(rows).toContain(`badge-tone-danger">${t("sites.status.offline")}`);
  });

  test("a full journal is flagged; a site without an agent says so", async () => {
    const { owner, siteId } = await newSite();
    const empty = await (await owner.browser.get(`/sites/${siteId}/status`)).text();
    expect(empty).toContain(`badge-tone-muted">${t("sites.status.none")}`);
    expect(empty).toContain(t("sites.status.noAgentText"));
    await seedAgent(cp, owner.tenantId, siteId, { journalBytes: 900, journalCapBytes: 1000 });
    const full = await (await owner.browser.get(`/sites/${siteId}/status`)).text();
    expect(full).toContain(
      `<span id="site-journal-size" class="sites-warn">${t("sites.status.journalSizeValue", { used: "900 B", cap: "1.000 B", pct: "90" })}</span>`,
    );
    expect(detail(full, t("sites.status.lastSeen"))).toBe(t("sites.never"));
  });
});

describe("enrolling an agent", () => {
  test("the token and the command are shown once, never cached; only the secret's hash is stored", async () => {
    const { owner, siteId } = await newSite();
    const res = await owner.browser.post(`/sites/${siteId}/enrollment-token`, {});
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("location")).toBeNull();
    const html = await res.text();
    const command = /<code id="site-enroll-command">([^<]+)<\/code>/.exec(html)?.[1] ?? "";
    const m = /^kilusi-agent enroll http:\/\/kilusi\.test ([0-9a-f-]{36})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(
      command,
    );
    expect(m?.[1]).toBe(owner.tenantId);
    const token = command.split(" ")[3] as string;
    const secret = m?.[3] as string;
    expect(html).toContain(`<code id="site-enroll-token">${token}</code>`);
    expect(html).toContain('hx-history="false"');
    expect(html).toContain(t("sites.token.expires", { at: at(new Date(clock.now().getTime() + 24 * 60 * MINUTE)) }));

    const [row] = await tokenRows(cp, owner.tenantId);
    expect(row?.id).toBe(m?.[2] as string);
    expect(row?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await tablesContaining(cp, owner.tenantId, secret)).found).toEqual([]);
    const [audited] = await auditRows(cp, owner.tenantId, "agent.enrollment_token_created");
    expect(JSON.stringify(audited)).not.toContain(secret);

    // Shown once: the site's page never shows it again.
    const again = await (await owner.browser.get(`/sites/${siteId}`)).text();
    expect(again).not.toContain(secret);
    expect(again).not.toContain("site-enroll-command");
  });

  test("with an agent the button re-enrolls; revoking it asks first, then the site has none", async () => {
    const { owner, siteId } = await newSite();
    const agentId = await seedAgent(cp, owner.tenantId, siteId, { online: true });
    const page = await (await owner.browser.get(`/sites/${siteId}`)).text();
    expect(page).toContain(t("sites.agent.reenroll"));
    expect(page).toContain(`hx-confirm="${escaped(t("sites.agent.revokeConfirm", { name: "Menara Timur" }))}"`);

    const res = await owner.browser.post(`/sites/${siteId}/agent/revoke`, {}, htmx);
    expect(res.status).toBe(204);
    // The embedded broker was told to end the agent's session.
    expect(res.headers.get("hx-redirect")).toBe(`/sites/${siteId}?done=revoked`);
    expect((await agentRow(cp, owner.tenantId, agentId))?.revokedAt).not.toBeNull();
    expect(await auditRows(cp, owner.tenantId, "agent.revoked")).toHaveLength(1);

    const after = await (await owner.browser.get(`/sites/${siteId}?done=revoked`)).text();
    expect(after).toContain(t("sites.notice.revoked"));
    expect(after).toContain(`badge-tone-muted">${t("sites.status.none")}`);
    expect(after).toContain(t("sites.agent.add"));
    expect(tableRows(after, "site-events")[0]?.[1]).toBe(t("sites.event.agent.revoked"));

    const none = await owner.browser.post(`/sites/${siteId}/agent/revoke`, {});
    expect(none.status).toBe(409);
    expect(await none.text()).toContain(t("sites.error.noAgent"));
    expect(await auditRows(cp, owner.tenantId, "agent.revoked")).toHaveLength(1);
  });
});
