import { type Column, DataTable } from "@kilusi/web/components/data-table.tsx";
import { DetailList } from "@kilusi/web/components/detail-list.tsx";
import { EmptyState } from "@kilusi/web/components/empty-state.tsx";
import { RedirectAction } from "@kilusi/web/components/redirect-action.tsx";
import { formatCount, formatDateTime } from "@kilusi/web/format.ts";
import { type Locale, type MessageKey, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "@kilusi/web/layouts/framed-page.tsx";
import { RoutersSection } from "../nas/nas.views.tsx";
import { SiteCommandsBlock } from "./site-commands.views.tsx";
import { journalPercent, presenceOf } from "./sites.models.ts";
import type { SiteDetail, SiteStatus } from "./sites.usecases.ts";
import { AgentBadge, formatBytes, formatPercent, moment, POLL_TRIGGER, revisionLag } from "./sites.views.tsx";

// One site's page: its agent's live status (a fragment that polls itself), the agent and its
// enrollment, the commands sent to it (site-commands.views.tsx), the site's details, and its
// recent events and revision-log rows.

export type SiteNotice = "created" | "saved" | "revoked" | "revokedPending" | "diagnostics" | "nasDeleted";

/** An enrollment token just created: shown in this response only, never stored in clear. */
export type ShownToken = { command: string; token: string; expiresAt: Date };

/** The status block; also the fragment `GET /sites/:id/status` answers, so it polls itself. */
export function SiteStatusBlock(props: { locale: Locale; timeZone: string; now: Date; status: SiteStatus }) {
  const { locale, timeZone, now, status } = props;
  const t = translator(locale);
  const agent = status.agent;
  const at = (d: Date | null) => moment(t, d, locale, timeZone);
  const ms = (n: number | null) =>
    n === null ? t("sites.unknown") : t("sites.status.ms", { n: formatCount(n, locale) });
  const pct = agent ? journalPercent(agent.journalBytes, agent.journalCapBytes) : null;
  return (
    <section
      class="adm-section sites-status"
      id="site-status"
      aria-labelledby="site-status-title"
      hx-get={`/sites/${status.siteId}/status`}
      hx-trigger={POLL_TRIGGER}
      hx-swap="outerHTML"
    >
      <h2 id="site-status-title" class="sites-heading">
        {t("sites.status.title")}
        <AgentBadge t={t} locale={locale} timeZone={timeZone} now={now} agent={agent} />
        {/* A silent agent's flag still says online: "since" that state would read as a lie. */}
        {agent?.presenceSince && presenceOf(agent, now) !== "stale" ? (
          <span class="adm-muted sites-since">{t("sites.status.since", { at: at(agent.presenceSince) })}</span>
        ) : null}
      </h2>
      {agent ? (
        <DetailList
          items={[
            [t("sites.status.lastSeen"), at(agent.lastSeenAt)],
            [t("sites.status.version"), agent.agentVersion ?? t("sites.unknown")],
            [t("sites.status.protocol"), agent.protocol === null ? t("sites.unknown") : String(agent.protocol)],
            [t("sites.status.startedAt"), at(agent.startedAt)],
            [
              t("sites.status.revision"),
              t("sites.status.revisionValue", {
                applied: formatCount(agent.appliedRevision, locale),
                current: formatCount(status.revision, locale),
              }),
            ],
            [
              t("sites.status.lag"),
              <span id="site-lag">
                {t("sites.lag.value", { n: formatCount(revisionLag(status.revision, agent), locale) })}
              </span>,
            ],
            [
              t("sites.status.journal"),
              t("sites.status.journalValue", { n: formatCount(agent.journalBacklog, locale) }),
            ],
            [
              t("sites.status.journalSize"),
              <span id="site-journal-size" class={pct !== null && pct >= 80 ? "sites-warn" : undefined}>
                {pct === null
                  ? formatBytes(agent.journalBytes, locale)
                  : t("sites.status.journalSizeValue", {
                      used: formatBytes(agent.journalBytes, locale),
                      cap: formatBytes(agent.journalCapBytes, locale),
                      pct: formatPercent(pct, locale),
                    })}
              </span>,
            ],
            [t("sites.status.journalOldest"), agent.journalOldestAt ? at(agent.journalOldestAt) : t("sites.unknown")],
            ...(agent.journalRefusing
              ? ([
                  [
                    t("sites.status.accounting"),
                    <span id="site-journal-refusing" class="sites-warn" role="alert">
                      {t(`sites.status.refusing.${agent.journalRefusing}`)}
                    </span>,
                  ],
                ] as const)
              : []),
            [t("sites.status.clockSkew"), ms(agent.clockSkewMs)],
            [t("sites.status.rtt"), ms(agent.rttMs)],
            [t("sites.agent.hostname"), agent.hostname ?? t("sites.unknown")],
            [t("sites.agent.id"), <code>{agent.id}</code>],
            [t("sites.agent.enrolledAt"), at(agent.enrolledAt)],
            [t("sites.agent.rotatedAt"), at(agent.credentialsRotatedAt)],
          ]}
        />
      ) : (
        <p class="adm-muted">{t("sites.status.noAgentText")}</p>
      )}
    </section>
  );
}

/** The token and the command to paste at the site. `hx-history="false"` keeps htmx from caching this page. */
function TokenBlock(props: { t: Translate; locale: Locale; timeZone: string; shown: ShownToken }) {
  const { t, shown } = props;
  return (
    <section class="adm-section sites-token" aria-labelledby="site-token-title" hx-history="false">
      <h2 id="site-token-title">{t("sites.token.title")}</h2>
      <p>{t("sites.token.lead")}</p>
      <p id="site-token-expires">
        {t("sites.token.expires", { at: formatDateTime(shown.expiresAt, props.locale, props.timeZone) })}
      </p>
      <p class="adm-label">{t("sites.token.command")}</p>
      <pre class="sites-copy">
        <code id="site-enroll-command">{shown.command}</code>
      </pre>
      <p class="adm-label">{t("sites.token.token")}</p>
      <pre class="sites-copy">
        <code id="site-enroll-token">{shown.token}</code>
      </pre>
      <p class="adm-hint">{t("sites.token.copyHint")}</p>
    </section>
  );
}

function AgentActions(props: { t: Translate; siteId: string; siteName: string; hasAgent: boolean }) {
  const { t, siteId } = props;
  return (
    <section class="adm-section" aria-labelledby="site-agent-title">
      <h2 id="site-agent-title">{t("sites.agent.title")}</h2>
      <p class="adm-muted">{props.hasAgent ? t("sites.agent.reenrollText") : t("sites.agent.noneText")}</p>
      <div class="adm-actions">
        {/* A plain form: the answer carries the token, which must not go through htmx's history. */}
        <form class="action-form" method="post" action={`/sites/${siteId}/enrollment-token`}>
          <button class="button button-primary" type="submit">
            {props.hasAgent ? t("sites.agent.reenroll") : t("sites.agent.add")}
          </button>
        </form>
        {props.hasAgent ? (
          <RedirectAction
            action={`/sites/${siteId}/agent/revoke`}
            label={t("sites.agent.revoke")}
            confirm={t("sites.agent.revokeConfirm", { name: props.siteName })}
            danger
          />
        ) : null}
      </div>
    </section>
  );
}

const EVENT_KINDS: Readonly<Record<string, MessageKey>> = {
  "agent.online": "sites.event.agent.online",
  "agent.offline": "sites.event.agent.offline",
  "agent.enrolled": "sites.event.agent.enrolled",
  "agent.reenrolled": "sites.event.agent.reenrolled",
  "agent.revoked": "sites.event.agent.revoked",
  "agent.alert": "sites.event.agent.alert",
  "journal.refusing": "sites.event.journal.refusing",
  "journal.accepting": "sites.event.journal.accepting",
};

/** An event's detail as compact JSON, cut short: it is for people, not for parsing. */
function detailText(detail: unknown): string {
  if (!detail || (typeof detail === "object" && Object.keys(detail).length === 0)) return "";
  const text = JSON.stringify(detail);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function Events(props: { t: Translate; locale: Locale; timeZone: string; events: SiteDetail["events"] }) {
  const { t, locale, timeZone } = props;
  const columns: Column[] = [
    { label: t("sites.events.col.at") },
    { label: t("sites.events.col.kind") },
    { label: t("sites.events.col.detail") },
  ];
  const rows = props.events.map((e) => {
    const key = EVENT_KINDS[e.kind];
    return {
      cells: [
        formatDateTime(e.at, locale, timeZone),
        key ? (t as (k: MessageKey) => string)(key) : <code>{e.kind}</code>,
        <span class="sites-detail-json">{detailText(e.detail)}</span>,
      ],
    };
  });
  return (
    <section class="adm-section" aria-labelledby="site-events-title">
      <h2 id="site-events-title">{t("sites.events.title")}</h2>
      {rows.length === 0 ? (
        <EmptyState title={t("sites.events.empty")} />
      ) : (
        <DataTable id="site-events" caption={t("sites.events.caption")} columns={columns} rows={rows} />
      )}
    </section>
  );
}

function Changes(props: { t: Translate; locale: Locale; timeZone: string; changes: SiteDetail["changes"] }) {
  const { t, locale, timeZone } = props;
  const columns: Column[] = [
    { label: t("sites.changes.col.revision"), numeric: true },
    { label: t("sites.changes.col.kind") },
    { label: t("sites.changes.col.op") },
    { label: t("sites.changes.col.reason") },
    { label: t("sites.changes.col.at") },
  ];
  const rows = props.changes.map((c) => ({
    cells: [
      formatCount(c.revision, locale),
      <code>{c.kind}</code>,
      <code>{c.op}</code>,
      c.reason ?? t("sites.unknown"),
      formatDateTime(c.createdAt, locale, timeZone),
    ],
  }));
  return (
    <section class="adm-section" aria-labelledby="site-changes-title">
      <h2 id="site-changes-title">{t("sites.changes.title")}</h2>
      {rows.length === 0 ? (
        <EmptyState title={t("sites.changes.empty")} />
      ) : (
        <DataTable id="site-changes" caption={t("sites.changes.caption")} columns={columns} rows={rows} />
      )}
    </section>
  );
}

export type SitePageProps = {
  frame: Frame;
  /** The ISP's zone: every time on the page reads in it. */
  timeZone: string;
  /** The injected clock's now: presence and command deadlines are judged against it. */
  now: Date;
  detail: SiteDetail;
  canManage: boolean;
  /** May ask the agent for diagnostics (whoever manages the network). */
  canRunCommands: boolean;
  notice?: SiteNotice;
  error?: string;
  token?: ShownToken;
};

export function SitePage(props: SitePageProps) {
  const { locale } = props.frame;
  const t = translator(locale);
  const { site, status } = props.detail;
  const actions = (
    <>
      <a class="button button-quiet" href="/sites">
        {t("sites.back")}
      </a>
      {props.canManage ? (
        <a class="button button-quiet" href={`/sites/${site.id}/edit`}>
          {t("sites.edit")}
        </a>
      ) : null}
    </>
  );
  return (
    <FramedPage frame={props.frame} title={site.name} actions={actions}>
      {props.notice ? <Notice kind="ok">{t(`sites.notice.${props.notice}`)}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      {props.token ? <TokenBlock t={t} locale={locale} timeZone={props.timeZone} shown={props.token} /> : null}
      <SiteStatusBlock locale={locale} timeZone={props.timeZone} now={props.now} status={status} />
      <SiteCommandsBlock
        locale={locale}
        timeZone={props.timeZone}
        now={props.now}
        siteId={site.id}
        commands={props.detail.commands}
        canRun={props.canRunCommands}
        hasAgent={status.agent !== null}
      />
      {props.canManage ? (
        <AgentActions t={t} siteId={site.id} siteName={site.name} hasAgent={status.agent !== null} />
      ) : null}
      <section class="adm-section" aria-labelledby="site-details-title">
        <h2 id="site-details-title">{t("sites.detail.title")}</h2>
        <DetailList
          items={[
            [t("sites.detail.location"), site.location ?? t("sites.unknown")],
            [t("sites.detail.timeZone"), site.timeZone ?? `${props.timeZone} · ${t("sites.detail.tenantDefault")}`],
            [t("sites.detail.hotspotLoginUrl"), site.hotspotLoginUrl ?? t("sites.detail.tenantDefault")],
            [t("sites.detail.revision"), formatCount(site.revision, locale)],
          ]}
        />
      </section>
      <RoutersSection
        locale={locale}
        timeZone={props.timeZone}
        now={props.now}
        siteId={site.id}
        routers={props.detail.routers}
        canManage={props.canRunCommands}
      />
      <Events t={t} locale={locale} timeZone={props.timeZone} events={props.detail.events} />
      <Changes t={t} locale={locale} timeZone={props.timeZone} changes={props.detail.changes} />
    </FramedPage>
  );
}
