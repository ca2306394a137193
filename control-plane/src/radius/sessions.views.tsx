import { type Column, DataTable, type Row } from "@kilusi/web/components/data-table.tsx";
import { EmptyState } from "@kilusi/web/components/empty-state.tsx";
import { Field, Select } from "@kilusi/web/components/form-fields.tsx";
import { Pager, type PagerProps } from "@kilusi/web/components/pager.tsx";
import { type BadgeTone, StatusBadge } from "@kilusi/web/components/status-badge.tsx";
import { formatDateTime } from "@kilusi/web/format.ts";
import { type Locale, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "@kilusi/web/layouts/framed-page.tsx";
import { commandError, commandState } from "../sites/sites.models.ts";
import { readKickAnswer, sessionSeconds } from "./radius.models.ts";
import { bytesText, durationText } from "./radius-format.ts";
import type { KickCommandRow, SessionRow } from "./sessions.repository.ts";
import { SESSION_SORTS, SESSION_STATUSES, type SessionListQuery } from "./sessions.schemas.ts";

// The online sessions page (issue 6 §9): sessions as accounting reports them, filtered, sorted
// and paged by plain GET links; a kick button per online session for those who manage the
// network, whose answer (the router's, through the agent) replaces the button and polls until
// it is there. Everything shown came from routers or the agent: only ever text, escaped by
// hono/jsx.

type Ctx = { t: Translate; locale: Locale; timeZone: string; now: Date };

/** How often a waiting kick asks again; the agent answers within seconds or times out at 60 s. */
const KICK_POLL = "every 2s";

const STATUS_TONES: Readonly<Record<SessionRow["status"], BadgeTone>> = {
  online: "ok",
  stale: "warn",
  stopped: "muted",
};

export const userLabel = (t: Translate, s: Pick<SessionRow, "userName" | "voucherCode">) =>
  s.userName ?? (s.voucherCode ? t("sessions.voucher", { code: s.voucherCode }) : t("sessions.unknown"));

/** The user, linked to the subscription when it is known. */
function UserCell(props: { t: Translate; session: SessionRow }) {
  const { t, session } = props;
  const label = userLabel(t, session);
  return session.subscriptionId ? (
    <a href={`/subscriptions/${session.subscriptionId}`}>{label}</a>
  ) : (
    <span>{label}</span>
  );
}

/** What became of a kick: waiting (and asking again), the router's answer, or why there is none. */
export function KickStatus(props: { ctx: Ctx; command: KickCommandRow }) {
  const { ctx, command } = props;
  const { t } = ctx;
  const at = (d: Date) => formatDateTime(d, ctx.locale, ctx.timeZone);
  const state = commandState(command, ctx.now);
  const id = `kick-status-${command.id}`;
  if (state === "waiting") {
    return (
      <span
        class="kick-status"
        id={id}
        role="status"
        hx-get={`/sessions/kicks/${command.id}`}
        hx-trigger={KICK_POLL}
        hx-swap="outerHTML"
      >
        <StatusBadge tone="info">{t("sessions.kick.waiting")}</StatusBadge>
      </span>
    );
  }
  let tone: BadgeTone = "danger";
  let text: string;
  if (state === "expired") text = t("sessions.kick.expired", { at: at(command.notAfter) });
  else if (state === "failed") text = t("sessions.kick.failed", { message: commandError(command.error).message });
  else {
    const answer = readKickAnswer(command.result);
    if (answer.outcome === "ack") {
      tone = "ok";
      text = t("sessions.kick.ack", { at: at(command.completedAt ?? command.createdAt) });
    } else if (answer.outcome === "nak") {
      text = t("sessions.kick.nak", { cause: causeText(t, answer.errorCause, answer.errorCauseName) });
    } else if (answer.outcome === "timeout") text = t("sessions.kick.timeout", { n: answer.attempts });
    else if (answer.outcome === "no_nas") text = t("sessions.kick.no_nas");
    else text = t("sessions.kick.unknown");
  }
  return (
    <span class="kick-status" id={id} role="status">
      <StatusBadge tone={tone}>{text}</StatusBadge>
    </span>
  );
}

/** "Session-Context-Not-Found (503)", or the bare number when the agent had no name for it. */
export function causeText(t: Translate, code: number | null, name: string | null): string {
  if (code === null) return name ?? t("sessions.unknown");
  return name ? t("radius.enforce.causeNamed", { name, code }) : t("radius.enforce.cause", { code });
}

/** The kick button of one session; htmx puts the command's status in its place. */
export function KickButton(props: { t: Translate; session: SessionRow }) {
  const { t, session } = props;
  const user = userLabel(t, session);
  const action = `/sessions/${session.id}/kick`;
  return (
    <div class="kick" id={`kick-${session.id}`}>
      <form
        class="action-form"
        method="post"
        action={action}
        hx-post={action}
        hx-target={`#kick-${session.id}`}
        hx-swap="outerHTML"
        hx-confirm={t("sessions.kick.confirm", { user })}
        hx-disabled-elt="find button"
      >
        <button class="button button-danger" type="submit" aria-label={t("sessions.kick.label", { user })}>
          {t("sessions.kick")}
        </button>
      </form>
    </div>
  );
}

/** The fragment a kick answers htmx with: the command's status where the button was. */
export function KickSent(props: { ctx: Ctx; sessionId: string; command: KickCommandRow }) {
  return (
    <div class="kick" id={`kick-${props.sessionId}`}>
      <KickStatus ctx={props.ctx} command={props.command} />
    </div>
  );
}

function sessionColumns(t: Translate, canKick: boolean): Column[] {
  return [
    { label: t("sessions.col.user") },
    { label: t("sessions.col.site") },
    { label: t("sessions.col.router") },
    { label: t("sessions.col.ip") },
    { label: t("sessions.col.mac") },
    { label: t("sessions.col.started") },
    { label: t("sessions.col.duration"), numeric: true },
    { label: t("sessions.col.download"), numeric: true },
    { label: t("sessions.col.upload"), numeric: true },
    { label: t("sessions.col.status") },
    ...(canKick ? [{ label: t("sessions.col.actions"), hiddenLabel: true }] : []),
  ];
}

function sessionRow(ctx: Ctx, s: SessionRow, canKick: boolean): Row {
  const { t, locale } = ctx;
  const unknown = t("sessions.unknown");
  return {
    id: `session-${s.id}`,
    cells: [
      <UserCell t={t} session={s} />,
      s.siteName ?? unknown,
      s.nasName ?? <code>{s.nasId.slice(0, 8)}</code>,
      s.framedIp ? <span class="mono">{s.framedIp}</span> : unknown,
      s.callingStationId ? <span class="mono">{s.callingStationId}</span> : unknown,
      formatDateTime(s.startedAt, locale, ctx.timeZone),
      durationText(t, locale, sessionSeconds(s, ctx.now)),
      // The NAS's output is what it sent to the subscriber: the download.
      bytesText(s.outputOctets, locale),
      bytesText(s.inputOctets, locale),
      <StatusBadge tone={STATUS_TONES[s.status]}>{t(`sessions.status.${s.status}`)}</StatusBadge>,
      ...(canKick ? [s.status === "online" ? <KickButton t={t} session={s} /> : null] : []),
    ],
  };
}

export type SessionsPageProps = {
  frame: Frame;
  timeZone: string;
  now: Date;
  query: SessionListQuery;
  rows: readonly SessionRow[];
  sites: readonly { id: string; name: string }[];
  pager: PagerProps | null;
  canKick: boolean;
  /** The kick a plain form sent, shown (and polled) above the list. */
  kicked?: KickCommandRow | null;
  error?: string;
};

function Filters(props: { t: Translate; query: SessionListQuery; sites: SessionsPageProps["sites"] }) {
  const { t, query } = props;
  return (
    <form
      class="adm-form adm-filters"
      method="get"
      action="/sessions"
      aria-labelledby="sessions-filters-title"
      novalidate
      hx-get="/sessions"
      hx-target="#session-results"
      hx-select="#session-results"
      hx-swap="outerHTML"
      hx-push-url="true"
    >
      <h2 id="sessions-filters-title" class="visually-hidden">
        {t("sessions.filters")}
      </h2>
      <Field
        id="sessions-q"
        name="q"
        label={t("sessions.filter.q")}
        hint={t("sessions.filter.qHint")}
        value={query.q}
        maxlength={100}
      />
      <Select
        id="sessions-site"
        name="site"
        label={t("sessions.filter.site")}
        value={query.site}
        options={[["", t("sessions.filter.anySite")] as const, ...props.sites.map((s) => [s.id, s.name] as const)]}
      />
      <Select
        id="sessions-status"
        name="status"
        label={t("sessions.filter.status")}
        value={query.status}
        options={SESSION_STATUSES.map((s) => [s, t(`sessions.status.${s}`)] as const)}
      />
      <Select
        id="sessions-sort"
        name="sort"
        label={t("sessions.filter.sort")}
        value={query.sort}
        options={SESSION_SORTS.map((s) => [s, t(`sessions.sort.${s}`)] as const)}
      />
      <p class="adm-filter-actions">
        <button class="button button-primary" type="submit">
          {t("sessions.filter.apply")}
        </button>
        <a class="button button-quiet" href="/sessions">
          {t("sessions.filter.clear")}
        </a>
      </p>
    </form>
  );
}

export function SessionsPage(props: SessionsPageProps) {
  const t = translator(props.frame.locale);
  const ctx: Ctx = { t, locale: props.frame.locale, timeZone: props.timeZone, now: props.now };
  const { query } = props;
  const filtered = query.q !== "" || query.site !== "" || query.status !== "online";
  return (
    <FramedPage frame={props.frame} title={t("sessions.title")}>
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      {props.kicked ? (
        <Notice kind="ok">
          {t("sessions.kick.sent")} <KickStatus ctx={ctx} command={props.kicked} />
        </Notice>
      ) : null}
      <p class="adm-muted">{t("sessions.lead")}</p>
      <Filters t={t} query={query} sites={props.sites} />
      <div id="session-results">
        {props.rows.length === 0 ? (
          <EmptyState
            title={t("sessions.empty.title")}
            text={filtered ? t("sessions.empty.filtered") : t("sessions.empty.online")}
          />
        ) : (
          <DataTable
            id="sessions"
            caption={t("sessions.caption")}
            columns={sessionColumns(t, props.canKick)}
            rows={props.rows.map((s) => sessionRow(ctx, s, props.canKick))}
          />
        )}
        {props.pager ? <Pager {...props.pager} /> : null}
      </div>
    </FramedPage>
  );
}
