import { type Column, DataTable } from "@kilusi/web/components/data-table.tsx";
import { type BadgeTone, StatusBadge } from "@kilusi/web/components/status-badge.tsx";
import { formatDate, formatDateTime } from "@kilusi/web/format.ts";
import { type Locale, type MessageKey, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import { ColumnChart, Legend, niceCeil } from "@kilusi/web/pages/reports/charts.tsx";
import type { Child } from "hono/jsx";
import {
  type EnforcementEvent,
  type EnforcementTone,
  judgeEnforcement,
  type SubscriberChange,
  sessionSeconds,
} from "./radius.models.ts";
import { bytesText, durationText } from "./radius-format.ts";
import { causeText } from "./sessions.views.tsx";
import { type SubscriptionNetwork, USAGE_DAYS } from "./subscription-network.ts";

// The network on a subscription's page (issue 6 §8–9): what the router did after the latest
// change, in words and with its time; the last sessions; the daily usage of the last 30 days as
// an SVG drawn here (no script, no inline style: the CSP allows neither).

type Ctx = { t: Translate; locale: Locale; timeZone: string; now: Date };

/** While the site has not answered a change, the block asks again; an answer usually takes seconds. */
const WAITING_POLL = "every 5s";

const TONES: Readonly<Record<EnforcementTone, BadgeTone>> = {
  enforced: "ok",
  next_login: "info",
  not_enforced: "danger",
  waiting: "warn",
  none: "muted",
};

/** A change's or an outcome's reason in words: the site change reasons, then the agent's own. */
export function reasonText(t: Translate, reason: string): string {
  const own: Readonly<Record<string, MessageKey>> = {
    kick: "radius.reason.kick",
    credentials_changed: "radius.reason.credentials_changed",
    address_changed: "radius.reason.address_changed",
    invalid_state: "radius.reason.invalid_state",
    changed: "radius.reason.changed",
  };
  const key = own[reason] ?? (`subscriptions.reason.${reason}` as MessageKey);
  const text = (t as (k: MessageKey) => string | undefined)(key);
  return text ?? reason;
}

/** What one outcome means, in a sentence with its time. */
function outcomeText(ctx: Ctx, e: EnforcementEvent): string {
  const { t } = ctx;
  const at = formatDateTime(e.completedAt, ctx.locale, ctx.timeZone);
  switch (e.outcome) {
    case "ack":
      return t("radius.enforce.outcome.ack", { at });
    case "reauth":
      return t("radius.enforce.outcome.reauth", { at });
    case "nak":
      return t("radius.enforce.outcome.nak", { at, cause: causeText(t, e.errorCause, e.errorCauseName) });
    case "timeout":
      return t("radius.enforce.outcome.timeout", { at, n: e.attempts });
    case "not_online":
      return t("radius.enforce.outcome.not_online", { at });
    case "no_nas":
      return t("radius.enforce.outcome.no_nas", { at });
  }
}

/** The enforcement status; also the fragment `GET /subscriptions/:id/enforcement` answers. */
export function EnforcementBlock(props: {
  locale: Locale;
  timeZone: string;
  now: Date;
  subscriptionId: string;
  event: EnforcementEvent | null;
  change: SubscriberChange | null;
}) {
  const t = translator(props.locale);
  const ctx: Ctx = { t, locale: props.locale, timeZone: props.timeZone, now: props.now };
  const { event } = props;
  const judged = judgeEnforcement(event, props.change);
  const change = judged.change;
  const changeAt = change ? formatDateTime(change.createdAt, props.locale, props.timeZone) : "";
  const changeReason = change?.reason ? reasonText(t, change.reason) : "";
  const lines: Child[] = [];
  if (judged.tone === "waiting") {
    const key = event ? "radius.enforce.waiting" : "radius.enforce.waitingNone";
    lines.push(<p class="enforcement-waiting">{t(key, { reason: changeReason, at: changeAt })}</p>);
  }
  if (event) {
    lines.push(
      <p class="enforcement-outcome" id="sub-enforcement-outcome">
        {outcomeText(ctx, event)}
      </p>,
      <p class="adm-muted">
        {t("radius.enforce.about", {
          action: t(`radius.enforce.action.${event.action}`),
          reason: reasonText(t, event.reason),
        })}
      </p>,
    );
    if (event.detail) lines.push(<p class="adm-muted">{t("radius.enforce.detail", { detail: event.detail })}</p>);
    if (judged.current) {
      lines.push(<p class="adm-muted">{t("radius.enforce.current", { reason: changeReason, at: changeAt })}</p>);
    }
  } else if (judged.tone === "none") {
    lines.push(<p>{t("radius.enforce.none")}</p>);
  }
  const waiting = judged.tone === "waiting";
  return (
    <div
      id="sub-enforcement"
      class="enforcement"
      data-tone={judged.tone}
      hx-get={waiting ? `/subscriptions/${props.subscriptionId}/enforcement` : undefined}
      hx-trigger={waiting ? WAITING_POLL : undefined}
      hx-swap={waiting ? "outerHTML" : undefined}
    >
      <p>
        <StatusBadge tone={TONES[judged.tone]}>{t(`radius.enforce.badge.${judged.tone}`)}</StatusBadge>
      </p>
      {lines}
    </div>
  );
}

function History(props: { ctx: Ctx; sessions: SubscriptionNetwork["sessions"] }) {
  const { ctx } = props;
  const { t, locale } = ctx;
  if (props.sessions.length === 0) return <p>{t("radius.history.empty")}</p>;
  const at = (d: Date) => formatDateTime(d, locale, ctx.timeZone);
  const columns: Column[] = [
    { label: t("radius.history.col.start") },
    { label: t("radius.history.col.stop") },
    { label: t("radius.history.col.duration"), numeric: true },
    { label: t("radius.history.col.download"), numeric: true },
    { label: t("radius.history.col.upload"), numeric: true },
    { label: t("radius.history.col.cause") },
  ];
  const rows = props.sessions.map((s) => ({
    id: `sub-session-${s.id}`,
    cells: [
      at(s.startedAt),
      s.status === "online"
        ? t("radius.history.online")
        : s.stoppedAt
          ? `${at(s.stoppedAt)}${s.status === "stale" ? ` (${t("radius.history.stale")})` : ""}`
          : t("sessions.unknown"),
      durationText(t, locale, sessionSeconds(s, ctx.now)),
      bytesText(s.outputOctets, locale),
      bytesText(s.inputOctets, locale),
      s.terminateCause ? <code>{s.terminateCause}</code> : t("sessions.unknown"),
    ],
  }));
  return <DataTable id="sub-sessions" caption={t("radius.history.caption")} columns={columns} rows={rows} />;
}

/**
 * The top of the scale: a round number of the binary unit the busiest day is counted in (50 GB,
 * not the 46,6 GB a decimal round number reads as), so the axis labels stay short.
 */
function axisMax(usage: SubscriptionNetwork["usage"]): number | undefined {
  const peak = Math.max(0, ...usage.flatMap((u) => [u.download, u.upload]));
  if (peak === 0) return undefined;
  const unit = 1024 ** Math.min(4, Math.floor(Math.log(peak) / Math.log(1024)));
  return niceCeil(peak / unit) * unit;
}

function UsageChart(props: { ctx: Ctx; usage: SubscriptionNetwork["usage"] }) {
  const { t, locale } = props.ctx;
  const { usage } = props;
  const first = usage[0]?.day ?? "";
  const last = usage.at(-1)?.day ?? "";
  const down = bytesText(
    usage.reduce((n, u) => n + u.download, 0),
    locale,
  );
  const up = bytesText(
    usage.reduce((n, u) => n + u.upload, 0),
    locale,
  );
  const series = [
    { name: t("radius.usage.download"), tone: "down" as const, values: usage.map((u) => u.download) },
    { name: t("radius.usage.upload"), tone: "up" as const, values: usage.map((u) => u.upload) },
  ];
  // Every fifth day is labelled: thirty labels do not fit a phone's width.
  const categories = usage.map((u, i) => ({
    label: i % 5 === 0 ? String(Number(u.day.slice(8, 10))) : "",
    full: formatDate(u.day, locale),
  }));
  return (
    <div class="usage-chart">
      <ColumnChart
        id="sub-usage-chart"
        title={t("radius.usage.title", { days: USAGE_DAYS })}
        desc={t("radius.usage.desc", {
          from: first ? formatDate(first, locale) : "",
          to: last ? formatDate(last, locale) : "",
          down,
          up,
        })}
        categories={categories}
        series={series}
        format={(v) => bytesText(v ?? 0, locale)}
        axis={(v) => bytesText(v, locale)}
        max={axisMax(usage)}
        caption={<Legend items={series} />}
      />
      <p class="adm-muted" id="sub-usage-total">
        {t("radius.usage.total", { down, up })}
      </p>
    </div>
  );
}

/** The network sections of a subscription's page: enforcement, session history, usage. */
export function SubscriptionNetworkSections(props: {
  locale: Locale;
  timeZone: string;
  now: Date;
  network: SubscriptionNetwork;
}) {
  const t = translator(props.locale);
  const ctx: Ctx = { t, locale: props.locale, timeZone: props.timeZone, now: props.now };
  const { network } = props;
  return (
    <>
      <section class="adm-section" aria-labelledby="sub-enforcement-title">
        <h2 id="sub-enforcement-title">{t("radius.enforce.title")}</h2>
        <p class="adm-muted">{t("radius.enforce.lead")}</p>
        <EnforcementBlock
          locale={props.locale}
          timeZone={props.timeZone}
          now={props.now}
          subscriptionId={network.subscriptionId}
          event={network.event}
          change={network.change}
        />
      </section>
      <section class="adm-section" aria-labelledby="sub-history-title">
        <h2 id="sub-history-title">{t("radius.history.title")}</h2>
        <p class="adm-muted">{t("radius.history.lead")}</p>
        <UsageChart ctx={ctx} usage={network.usage} />
        <History ctx={ctx} sessions={network.sessions} />
      </section>
    </>
  );
}
