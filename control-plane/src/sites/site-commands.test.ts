// Commands on a site's page (diagnostics) and the agent's presence as the page judges it, against
// the real control plane: PGlite, the embedded broker with agent authentication, and a raw MQTT
// client that enrolled through the HTTP endpoint playing the agent.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { encodeUp, parseDown } from "@kilusi/shared/sync/messages";
import { downTopic, upTopic } from "@kilusi/shared/sync/topics";
import { formatDateTime } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import mqtt from "mqtt";
import { assembleTestControlPlane } from "../../../tests/support/app.ts";
import { manualClock, signUp } from "../accounts/accounts.testing.ts";
import { auditRows } from "../plans/plans.testing.ts";
import type { AssembledControlPlane } from "../runtime.ts";
import { escaped, htmx, join, XSS } from "../team/team.testing.ts";
import { answerCommand, commandRows, createSiteVia, seedAgent, siteFields } from "./sites.testing.ts";

const t = translator("id");
const clock = manualClock();
let cp: AssembledControlPlane;

beforeAll(async () => {
  cp = await assembleTestControlPlane({}, clock);
});
afterAll(() => cp.close());

const at = (d: Date) => formatDateTime(d, "id", "Asia/Jakarta");
const SECOND = 1_000;

async function newSite() {
  const owner = await signUp(cp);
  const siteId = await createSiteVia(owner.browser, siteFields());
  return { owner, siteId };
}

/** The `<dd>` next to a `<dt>`, tags stripped. */
function detail(html: string, label: string): string | undefined {
  const m = new RegExp(`<dt>${escaped(label)}</dt><dd>([\\s\\S]*?)</dd>`).exec(html);
  return m?.[1]?.replace(/<[^>]+>/g, "");
}

/** The row of one command in the commands table, tags stripped, cells joined by " | ". */
function commandRow(html: string, cmdId: string): string {
  const row = new RegExp(`<tr id="site-command-${cmdId}"[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? "";
  return [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)]
    .map((c) => (c[1] ?? "").replace(/<[^>]+>/g, "").trim())
    .join(" | ");
}

const commandsOf = async (browser: { get(p: string, h?: Record<string, string>): Promise<Response> }, id: string) => {
  const res = await browser.get(`/sites/${id}/commands`, htmx);
  expect(res.status).toBe(200);
  return res.text();
};

/** What the agent's diagnostics handler answers (agent/src/agent.ts), with text an attacker chose. */
const diagnostics = (overrides: Record<string, unknown> = {}) => ({
  agentVersion: `1.2.3 ${XSS[0]}`,
  protocol: 1,
  startedAt: "2026-03-05T01:00:00.000Z",
  uptimeSeconds: 93_784,
  appliedRevision: 41,
  store: { bytes: 3 * 1024 * 1024, entries: { subscriber: 1250, nas: 2, [`kind ${XSS[1]}`]: 1 } },
  journal: { backlog: 17, bytes: 2048, capBytes: 1024 * 1024, oldestAt: "2026-03-05T01:30:00.000Z" },
  clock: { now: "2026-03-05T02:00:00.000Z", skewMs: -12, rttMs: 34 },
  rejectedMessages: { schema: 3 },
  runtime: { bun: "1.4.5", os: "linux", arch: "arm64" },
  ...overrides,
});

describe("running diagnostics", () => {
  test("the button records, audits and sends the command; the agent's answer shows on the page", async () => {
    const { owner, siteId } = await newSite();
    // Enroll a real agent through the page and the endpoint, and connect it to the broker.
    const page = await (await owner.browser.post(`/sites/${siteId}/enrollment-token`, {})).text();
    const token = /<code id="site-enroll-token">([^<]+)<\/code>/.exec(page)?.[1] ?? "";
    const agentId = crypto.randomUUID();
    const enrolled = await cp.app.request("/api/v1/agent/enroll", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, agentId, hostname: "pop-1", agentVersion: "1.2.3" }),
    });
    expect(enrolled.status).toBe(200);
    const creds = ((await enrolled.json()) as { mqtt: { url: string; username: string; password: string } }).mqtt;
    const site = { tenantId: owner.tenantId, siteId };
    const agent = await mqtt.connectAsync(creds.url, {
      username: creds.username,
      password: creds.password,
      clientId: creds.username,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    try {
      const commands: unknown[] = [];
      agent.on("message", (topic, payload) => {
        if (!topic.endsWith("/command")) return;
        const parsed = parseDown("command", payload);
        if (!parsed.ok) throw new Error(parsed.detail);
        commands.push(parsed.message);
      });
      await agent.subscribeAsync(downTopic(site, "command"), { qos: 1 });

      const before = await (await owner.browser.get(`/sites/${siteId}`)).text();
      expect(before).toContain(`action="/sites/${siteId}/diagnostics"`);
      expect(before).toContain(`hx-post="/sites/${siteId}/diagnostics" hx-target="#site-commands"`);
      expect(before).toContain(t("sites.commands.empty"));

      const requestedAt = clock.now();
      const res = await owner.browser.post(`/sites/${siteId}/diagnostics`, {});
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(`/sites/${siteId}?done=diagnostics`);
      const [row] = await commandRows(cp, owner.tenantId);
      expect(row).toMatchObject({ siteId, name: "diagnostics", requestedBy: owner.user.id, completedAt: null });
      expect(row?.notAfter.getTime()).toBe(requestedAt.getTime() + 60 * SECOND);
      const [audited] = await auditRows(cp, owner.tenantId, "site.command_requested");
      expect(audited).toMatchObject({ entityType: "site", entityId: siteId, actorUserId: owner.user.id });
      expect(audited?.after).toEqual({ cmdId: row?.id, name: "diagnostics" });

      // The command went out on the agent's own topic.
      for (let i = 0; i < 100 && commands.length === 0; i++) await Bun.sleep(50);
      expect(commands).toEqual([
        { v: 1, cmdId: row?.id, name: "diagnostics", args: {}, notAfter: row?.notAfter.toISOString() },
      ]);

      const shown = await (await owner.browser.get(`/sites/${siteId}?done=diagnostics`)).text();
      expect(shown).toContain(t("sites.notice.diagnostics"));
      expect(shown).toContain(
        `<div id="site-commands" hx-get="/sites/${siteId}/commands" hx-trigger="every 5s" hx-swap="outerHTML">`,
      );
      expect(commandRow(shown, row?.id as string)).toBe(
        [t("sites.command.diagnostics"), at(requestedAt), owner.user.name, t("sites.command.waiting")].join(" | "),
      );

      // The agent answers over MQTT; the bridge records it; the polled block shows it.
      clock.advance(2 * SECOND);
      const result = diagnostics();
      await agent.publishAsync(
        upTopic(site, "command-result"),
        Buffer.from(
          encodeUp("command-result", { v: 1, agentId, cmdId: row?.id as string, ok: true, result, error: null }),
        ),
        { qos: 1 },
      );
      let done = row;
      for (let i = 0; i < 100 && !done?.completedAt; i++) {
        await Bun.sleep(50);
        [done] = await commandRows(cp, owner.tenantId);
      }
      expect(done).toMatchObject({ ok: true, result, error: null });

      const html = await commandsOf(owner.browser, siteId);
      expect(html.startsWith('<div id="site-commands"')).toBe(true);
      expect(html).not.toContain("<html");
      expect(commandRow(html, row?.id as string)).toBe(
        [
          t("sites.command.diagnostics"),
          at(requestedAt),
          owner.user.name,
          `${t("sites.command.ok")} ${t("sites.command.answeredAt", { at: at(clock.now()) })}`,
        ].join(" | "),
      );
      expect(html).toContain(t("sites.diag.title"));
      expect(detail(html, t("sites.status.version"))).toBe(escaped(`1.2.3 ${XSS[0]}`));
      expect(detail(html, t("sites.status.protocol"))).toBe("1");
      expect(detail(html, t("sites.status.startedAt"))).toBe(at(new Date("2026-03-05T01:00:00Z")));
      expect(detail(html, t("sites.diag.uptime"))).toBe("1 hari 2 jam");
      expect(detail(html, t("sites.status.revision"))).toBe("41");
      expect(detail(html, t("sites.status.journal"))).toBe(t("sites.status.journalValue", { n: "17" }));
      expect(detail(html, t("sites.status.journalSize"))).toBe(
        t("sites.status.journalSizeValue", { used: "2 KB", cap: "1 MB", pct: "0,2" }),
      );
      expect(detail(html, t("sites.status.journalOldest"))).toBe(at(new Date("2026-03-05T01:30:00Z")));
      expect(detail(html, t("sites.diag.storeSize"))).toBe("3 MB");
      expect(detail(html, t("sites.diag.storeEntries"))).toBe(`${escaped(`kind ${XSS[1]}`)} 1nas 2subscriber 1.250`);
      expect(detail(html, t("sites.diag.agentClock"))).toBe(at(new Date("2026-03-05T02:00:00Z")));
      expect(detail(html, t("sites.status.clockSkew"))).toBe("-12 ms");
      expect(detail(html, t("sites.status.rtt"))).toBe("34 ms");
      expect(detail(html, t("sites.diag.rejected"))).toBe("schema 3");
      expect(detail(html, t("sites.diag.runtime"))).toBe("Bun 1.4.5 · linux/arm64");
      // What the agent chose to send is text, never markup.
      expect(html).not.toContain(XSS[0]);
      expect(html).not.toContain(XSS[1]);
    } finally {
      await agent.endAsync(true);
    }
  });

  test("htmx gets the refreshed list in place; a second click is a second command", async () => {
    const { owner, siteId } = await newSite();
    await seedAgent(cp, owner.tenantId, siteId, { online: true, lastSeenAt: clock.now() });
    for (let i = 0; i < 2; i++) {
      const res = await owner.browser.post(`/sites/${siteId}/diagnostics`, {}, htmx);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html.startsWith(`<div id="site-commands" hx-get="/sites/${siteId}/commands"`)).toBe(true);
      const rows = await commandRows(cp, owner.tenantId);
      expect(rows).toHaveLength(i + 1);
      expect(commandRow(html, rows[i]?.id as string)).toContain(t("sites.command.waiting"));
      clock.advance(SECOND);
    }
    expect(await auditRows(cp, owner.tenantId, "site.command_requested")).toHaveLength(2);
  });

  test("a site without an agent, or only a revoked one, is refused and nothing is recorded", async () => {
    const { owner, siteId } = await newSite();
    const page = await (await owner.browser.get(`/sites/${siteId}`)).text();
    expect(page).not.toContain(`action="/sites/${siteId}/diagnostics"`);
    expect(page).toContain(t("sites.commands.needsAgent"));

    const plain = await owner.browser.post(`/sites/${siteId}/diagnostics`, {});
    expect(plain.status).toBe(409);
    expect(await plain.text()).toContain(`role="alert">${escaped(t("sites.error.noAgent"))}</div>`);

    await seedAgent(cp, owner.tenantId, siteId, { revokedAt: clock.now() });
    const viaHtmx = await owner.browser.post(`/sites/${siteId}/diagnostics`, {}, htmx);
    expect(viaHtmx.status).toBe(409);
    expect(viaHtmx.headers.get("hx-retarget")).toBe("#alerts");
    expect(await viaHtmx.text()).toBe(
      `<div class="adm-notice adm-notice-error" role="alert">${escaped(t("sites.error.noAgent"))}</div>`,
    );
    expect(await commandRows(cp, owner.tenantId)).toEqual([]);
    expect(await auditRows(cp, owner.tenantId, "site.command_requested")).toHaveLength(0);
  });

  test("technicians may run it; a viewer sees the commands only; a collector sees nothing; other origins are refused", async () => {
    const { owner, siteId } = await newSite();
    await seedAgent(cp, owner.tenantId, siteId, { online: true, lastSeenAt: clock.now() });

    const technician = await join(cp, owner.browser, owner.tenantId, "technician", "Budi Teknisi");
    const techPage = await (await technician.browser.get(`/sites/${siteId}`)).text();
    expect(techPage).toContain(`action="/sites/${siteId}/diagnostics"`);
    expect((await technician.browser.post(`/sites/${siteId}/diagnostics`, {})).status).toBe(303);
    const [row] = await commandRows(cp, owner.tenantId);
    expect(row?.requestedBy).toBe(technician.userId);

    const viewer = await join(cp, owner.browser, owner.tenantId, "viewer", "Vina Pengamat");
    const viewerPage = await (await viewer.browser.get(`/sites/${siteId}`)).text();
    expect(viewerPage).not.toContain(`/sites/${siteId}/diagnostics`);
    expect(viewerPage).not.toContain(t("sites.commands.needsAgent"));
    expect(commandRow(viewerPage, row?.id as string)).toContain("Budi Teknisi");
    expect(commandRow(await commandsOf(viewer.browser, siteId), row?.id as string)).toContain("Budi Teknisi");
    expect((await viewer.browser.post(`/sites/${siteId}/diagnostics`, {})).status).toBe(404);

    const collector = await join(cp, owner.browser, owner.tenantId, "collector", "Cici Penagih");
    expect((await collector.browser.get(`/sites/${siteId}/commands`)).status).toBe(404);
    expect((await collector.browser.post(`/sites/${siteId}/diagnostics`, {})).status).toBe(404);

    const forged = await owner.browser.request(`/sites/${siteId}/diagnostics`, {
      method: "POST",
      body: "",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
    });
    expect(forged.status).toBe(403);

    expect(await commandRows(cp, owner.tenantId)).toHaveLength(1);
    expect(await auditRows(cp, owner.tenantId, "site.command_requested")).toHaveLength(1);
  });
});

describe("the commands block", () => {
  test("waiting, done, failed with its error, expired once past its deadline; newest first, ten at most", async () => {
    const { owner, siteId } = await newSite();
    const agentId = await seedAgent(cp, owner.tenantId, siteId, { online: true, lastSeenAt: clock.now() });
    const request = async () => {
      clock.advance(SECOND);
      expect((await owner.browser.post(`/sites/${siteId}/diagnostics`, {})).status).toBe(303);
      return (await commandRows(cp, owner.tenantId)).at(-1)?.id as string;
    };
    const answer = (cmdId: string, a: Parameters<typeof answerCommand>[2]) =>
      answerCommand(cp, { tenantId: owner.tenantId, siteId, agentId, cmdId, now: clock.now() }, a);

    const older = await request();
    await answer(older, { ok: true, result: diagnostics({ agentVersion: "0.9.0" }) });
    const done = await request();
    const failed = await request();
    const late = await request();
    const lateDeadline = new Date(clock.now().getTime() + 60 * SECOND);

    let html = await commandsOf(owner.browser, siteId);
    for (const id of [done, failed, late]) expect(commandRow(html, id)).toContain(t("sites.command.waiting"));
    expect(detail(html, t("sites.status.version"))).toBe("0.9.0"); // the only answer so far

    clock.advance(5 * SECOND);
    await answer(done, { ok: true, result: diagnostics({ agentVersion: "1.0.0", extra: { note: XSS[0] } }) });
    await answer(failed, { ok: false, error: { code: "diagnostics.failed", message: `disk ${XSS[1]}` } });
    html = await commandsOf(owner.browser, siteId);
    expect(commandRow(html, done)).toContain(t("sites.command.ok"));
    expect(commandRow(html, failed)).toContain(
      `${t("sites.command.failed")} diagnostics.failed ${escaped(`disk ${XSS[1]}`)}`,
    );
    expect(html).toContain('class="badge badge-tone-danger"');
    expect(commandRow(html, late)).toContain(t("sites.command.waiting"));
    // The newest answer is the one shown, with keys this page does not know as escaped JSON.
    expect(detail(html, t("sites.status.version"))).toBe("1.0.0");
    expect(detail(html, "extra")).toBe(escaped(JSON.stringify({ note: XSS[0] })));
    expect(html).not.toContain(XSS[0]);
    expect(html).not.toContain(XSS[1]);

    // At its deadline it may still run; one moment past it, it never will.
    clock.advance(lateDeadline.getTime() - clock.now().getTime());
    expect(commandRow(await commandsOf(owner.browser, siteId), late)).toContain(t("sites.command.waiting"));
    clock.advance(1);
    expect(commandRow(await commandsOf(owner.browser, siteId), late)).toContain(
      `${t("sites.command.expired")} ${t("sites.command.expiredText", { at: at(lateDeadline) })}`,
    );

    const ids = [older, done, failed, late];
    for (let i = 0; i < 7; i++) ids.push(await request());
    html = await commandsOf(owner.browser, siteId);
    const shown = [...html.matchAll(/<tr id="site-command-([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(shown).toEqual(ids.slice(1).reverse());
  });
});

describe("an agent's presence", () => {
  test("online only while heartbeats arrive: after 90 s of silence it is offline, whatever the flag says", async () => {
    const { owner, siteId } = await newSite();
    const lastSeen = clock.now();
    await seedAgent(cp, owner.tenantId, siteId, { online: true, lastSeenAt: lastSeen });
    const views = async () => {
      const list = await (await owner.browser.get("/sites/rows")).text();
      return {
        row: new RegExp(`<tr id="site-${siteId}"[^>]*>([\\s\\S]*?)</tr>`).exec(list)?.[1] ?? "",
        status: await (await owner.browser.get(`/sites/${siteId}/status`)).text(),
      };
    };
    clock.advance(90 * SECOND);
    for (const html of Object.values(await views())) {
      expect(html).toContain(`badge-tone-ok">${t("sites.status.online")}`);
      expect(html).not.toContain("sites-stale");
    }

    clock.advance(30 * SECOND);
    const stale = t("sites.status.stale", { at: at(lastSeen) });
    for (const html of Object.values(await views())) {
      expect(html).toContain(`badge-tone-danger">${t("sites.status.offline")}</span>`);
      expect(html).toContain(`sites-stale">${escaped(stale)}</span>`);
      expect(html).not.toContain(`>${t("sites.status.online")}<`);
    }
  });

  test("an agent flagged online that never sent a heartbeat is offline too", async () => {
    const { owner, siteId } = await newSite();
    await seedAgent(cp, owner.tenantId, siteId, { online: true, lastSeenAt: null });
    const status = await (await owner.browser.get(`/sites/${siteId}/status`)).text();
    expect(status).toContain(`badge-tone-danger">${t("sites.status.offline")}</span>`);
    expect(status).toContain(`sites-stale">${escaped(t("sites.status.staleNever"))}</span>`);
  });
});
