import { type Column, DataTable } from "@kilusi/web/components/data-table.tsx";
import { DetailList } from "@kilusi/web/components/detail-list.tsx";
import { EmptyState } from "@kilusi/web/components/empty-state.tsx";
import { StatusBadge } from "@kilusi/web/components/status-badge.tsx";
import { formatCount, formatDateTime } from "@kilusi/web/format.ts";
import { type Locale, type MessageKey, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import type { Child } from "hono/jsx";
import {
  type CommandState,
  commandError,
  commandState,
  type Diagnostics,
  durationParts,
  journalPercent,
  readDiagnostics,
} from "./sites.models.ts";
import type { SiteCommandRow } from "./sites.usecases.ts";
import { formatBytes, formatPercent, POLL_TRIGGER } from "./sites.views.tsx";

// The commands sent to a site's agent (DESIGN §6): the button that asks for diagnostics, the
// newest commands with their state, and what the newest diagnostics answer said. Everything in
// a result came from the agent: it is only ever text here, escaped by hono/jsx.

type Ctx = { t: Translate; locale: Locale; timeZone: string };

const COMMAND_NAMES: Readonly<Record<string, MessageKey>> = { diagnostics: "sites.command.diagnostics" };

const STATE_TONES = { waiting: "info", ok: "ok", failed: "danger", expired: "warn" } as const;

function CommandStatus(props: { ctx: Ctx; command: SiteCommandRow; state: CommandState }) {
  const { ctx, command, state } = props;
  const { t } = ctx;
  const at = (d: Date) => formatDateTime(d, ctx.locale, ctx.timeZone);
  let note: Child = null;
  if (state === "failed") {
    const e = commandError(command.error);
    note = (
      <span class="sites-command-error">
        {e.code ? <code>{e.code}</code> : null} {e.message}
      </span>
    );
  } else if (state === "expired") {
    note = <span class="adm-muted">{t("sites.command.expiredText", { at: at(command.notAfter) })}</span>;
  } else if (state === "ok" && command.completedAt) {
    note = <span class="adm-muted">{t("sites.command.answeredAt", { at: at(command.completedAt) })}</span>;
  }
  return (
    <span class="sites-command-status">
      <StatusBadge tone={STATE_TONES[state]}>{t(`sites.command.${state}`)}</StatusBadge> {note}
    </span>
  );
}

const orUnknown = (t: Translate, v: string | null) => v ?? t("sites.unknown");

function Counts(props: { ctx: Ctx; id: string; counts: Diagnostics["store"]["entries"] }) {
  const { t, locale } = props.ctx;
  if (props.counts.length === 0) return <>{t("sites.diag.none")}</>;
  return (
    <ul class="sites-counts" id={props.id}>
      {props.counts.map(([key, n]) => (
        <li>
          <code>{key}</code> {n === null ? t("sites.unknown") : formatCount(n, locale)}
        </li>
      ))}
    </ul>
  );
}

/** The answer of one diagnostics command, field by field, as the status block reads. */
function DiagnosticsResult(props: { ctx: Ctx; command: SiteCommandRow }) {
  const { ctx, command } = props;
  const { t, locale } = ctx;
  const d = readDiagnostics(command.result);
  const at = (v: Date | null) => (v ? formatDateTime(v, locale, ctx.timeZone) : t("sites.unknown"));
  const count = (n: number | null) => (n === null ? t("sites.unknown") : formatCount(n, locale));
  const ms = (n: number | null) =>
    n === null ? t("sites.unknown") : t("sites.status.ms", { n: formatCount(n, locale) });
  const uptime =
    d.uptimeSeconds === null
      ? t("sites.unknown")
      : durationParts(d.uptimeSeconds)
          .map(([n, unit]) => t(`sites.duration.${unit}`, { n: formatCount(n, locale) }))
          .join(" ");
  const { bytes, capBytes } = d.journal;
  const pct = bytes !== null && capBytes !== null ? journalPercent(bytes, capBytes) : null;
  const journalSize =
    bytes === null
      ? t("sites.unknown")
      : pct === null || capBytes === null
        ? formatBytes(bytes, locale)
        : t("sites.status.journalSizeValue", {
            used: formatBytes(bytes, locale),
            cap: formatBytes(capBytes, locale),
            pct: formatPercent(pct, locale),
          });
  const runtime = [
    d.runtime.bun ? `Bun ${d.runtime.bun}` : null,
    [d.runtime.os, d.runtime.arch].filter(Boolean).join("/"),
  ]
    .filter(Boolean)
    .join(" · ");
  const items: [string, Child][] = [
    [t("sites.status.version"), orUnknown(t, d.agentVersion)],
    [t("sites.status.protocol"), d.protocol === null ? t("sites.unknown") : String(d.protocol)],
    [t("sites.status.startedAt"), at(d.startedAt)],
    [t("sites.diag.uptime"), uptime],
    [t("sites.status.revision"), count(d.appliedRevision)],
    [
      t("sites.status.journal"),
      d.journal.backlog === null ? t("sites.unknown") : t("sites.status.journalValue", { n: count(d.journal.backlog) }),
    ],
    [t("sites.status.journalSize"), journalSize],
    [t("sites.status.journalOldest"), at(d.journal.oldestAt)],
    [t("sites.diag.storeSize"), d.store.bytes === null ? t("sites.unknown") : formatBytes(d.store.bytes, locale)],
    [t("sites.diag.storeEntries"), <Counts ctx={ctx} id="site-diag-entries" counts={d.store.entries} />],
    [t("sites.diag.agentClock"), at(d.clock.now)],
    [t("sites.status.clockSkew"), ms(d.clock.skewMs)],
    [t("sites.status.rtt"), ms(d.clock.rttMs)],
    [t("sites.diag.rejected"), <Counts ctx={ctx} id="site-diag-rejected" counts={d.rejectedMessages} />],
    [t("sites.diag.runtime"), runtime || t("sites.unknown")],
    ...d.other.map(([key, json]): [string, Child] => [key, <span class="sites-detail-json">{json}</span>]),
  ];
  return (
    <div class="sites-diagnostics" id="site-diagnostics">
      <h3 class="sites-subheading">{t("sites.diag.title")}</h3>
      <p class="adm-muted">{t("sites.diag.lead", { at: at(command.completedAt), requested: at(command.createdAt) })}</p>
      <DetailList items={items} />
    </div>
  );
}

/**
 * The newest commands and the newest diagnostics answer; also the fragment
 * `GET /sites/:id/commands` answers, so it polls itself like the status block.
 */
export function SiteCommandsList(props: {
  locale: Locale;
  timeZone: string;
  now: Date;
  siteId: string;
  commands: readonly SiteCommandRow[];
}) {
  const { locale, timeZone, now } = props;
  const t = translator(locale);
  const ctx: Ctx = { t, locale, timeZone };
  const columns: Column[] = [
    { label: t("sites.commands.col.name") },
    { label: t("sites.commands.col.at") },
    { label: t("sites.commands.col.by") },
    { label: t("sites.commands.col.status") },
  ];
  const states = props.commands.map((c) => commandState(c, now));
  const rows = props.commands.map((c, i) => {
    const key = COMMAND_NAMES[c.name];
    return {
      id: `site-command-${c.id}`,
      cells: [
        key ? (t as (k: MessageKey) => string)(key) : <code>{c.name}</code>,
        formatDateTime(c.createdAt, locale, timeZone),
        c.requestedByName ?? t("sites.unknown"),
        <CommandStatus ctx={ctx} command={c} state={states[i] ?? "waiting"} />,
      ],
    };
  });
  const latest = props.commands.find((c, i) => c.name === "diagnostics" && states[i] === "ok");
  return (
    <div id="site-commands" hx-get={`/sites/${props.siteId}/commands`} hx-trigger={POLL_TRIGGER} hx-swap="outerHTML">
      {rows.length === 0 ? (
        <EmptyState title={t("sites.commands.empty")} />
      ) : (
        <DataTable id="site-commands-table" caption={t("sites.commands.caption")} columns={columns} rows={rows} />
      )}
      {latest ? <DiagnosticsResult ctx={ctx} command={latest} /> : null}
    </div>
  );
}

/** The commands section of a site's page: the button (for those who may run it) and the list. */
export function SiteCommandsBlock(props: {
  locale: Locale;
  timeZone: string;
  now: Date;
  siteId: string;
  commands: readonly SiteCommandRow[];
  canRun: boolean;
  hasAgent: boolean;
}) {
  const t = translator(props.locale);
  const action = `/sites/${props.siteId}/diagnostics`;
  return (
    <section class="adm-section" aria-labelledby="site-commands-title">
      <h2 id="site-commands-title">{t("sites.commands.title")}</h2>
      <p class="adm-muted">{t("sites.commands.lead")}</p>
      {props.canRun && props.hasAgent ? (
        <div class="adm-actions">
          {/* htmx swaps the answer, the refreshed list, in place; a refusal goes to the alerts. */}
          <form
            class="action-form"
            method="post"
            action={action}
            hx-post={action}
            hx-target="#site-commands"
            hx-swap="outerHTML"
            hx-disabled-elt="find button"
          >
            <button class="button button-primary" type="submit" id="site-run-diagnostics">
              {t("sites.commands.run")}
            </button>
          </form>
        </div>
      ) : props.canRun ? (
        <p class="adm-hint">{t("sites.commands.needsAgent")}</p>
      ) : null}
      <SiteCommandsList
        locale={props.locale}
        timeZone={props.timeZone}
        now={props.now}
        siteId={props.siteId}
        commands={props.commands}
      />
    </section>
  );
}
