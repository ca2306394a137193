import { type Column, DataTable } from "@kilusi/web/components/data-table.tsx";
import { EmptyState } from "@kilusi/web/components/empty-state.tsx";
import { Field, type FieldErrors, FormError, Select } from "@kilusi/web/components/form-fields.tsx";
import { RedirectAction } from "@kilusi/web/components/redirect-action.tsx";
import { StatusBadge } from "@kilusi/web/components/status-badge.tsx";
import { formatCount, formatDateTime } from "@kilusi/web/format.ts";
import { type Locale, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "@kilusi/web/layouts/framed-page.tsx";
import { presenceOf } from "./sites.models.ts";
import { SITE_LOCATION_MAX, SITE_LOGIN_URL_MAX, SITE_NAME_MAX, type SiteFormValues } from "./sites.schemas.ts";
import type { AgentStatus, SiteRow, SiteUsage } from "./sites.usecases.ts";

// The sites list (with its polled status table) and the site form, for new and edit.

/** How often the status on the list and on a site's page is asked for again. */
export const POLL_TRIGGER = "every 5s";

export type SiteListRow = { site: SiteRow; agent: AgentStatus | null };

const intl = (locale: Locale) => (locale === "id" ? "id-ID" : "en-GB");

/** Bytes as people read them: "512 B", "1,5 MB" (binary units, as disk tools count). */
export function formatBytes(n: number, locale: Locale): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${new Intl.NumberFormat(intl(locale), { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** A percentage with at most one decimal, in the reader's language. */
export const formatPercent = (pct: number, locale: Locale) =>
  new Intl.NumberFormat(intl(locale), { maximumFractionDigits: 1 }).format(pct);

/**
 * Online, offline, or no agent (the site has none that is not revoked). An agent whose flag says
 * online but whose heartbeats stopped is offline, and the badge says since when it was silent.
 */
export function AgentBadge(props: {
  t: Translate;
  locale: Locale;
  timeZone: string;
  now: Date;
  agent: Pick<AgentStatus, "online" | "lastSeenAt"> | null;
}) {
  const { t, agent } = props;
  const presence = presenceOf(agent, props.now);
  if (presence === "none") return <StatusBadge tone="muted">{t("sites.status.none")}</StatusBadge>;
  if (presence === "online") return <StatusBadge tone="ok">{t("sites.status.online")}</StatusBadge>;
  const silentSince = agent?.lastSeenAt;
  return (
    <>
      <StatusBadge tone="danger">{t("sites.status.offline")}</StatusBadge>
      {presence === "stale" ? (
        <span class="adm-muted sites-since sites-stale">
          {silentSince
            ? t("sites.status.stale", { at: formatDateTime(silentSince, props.locale, props.timeZone) })
            : t("sites.status.staleNever")}
        </span>
      ) : null}
    </>
  );
}

export const moment = (t: Translate, at: Date | null, locale: Locale, timeZone: string) =>
  at ? formatDateTime(at, locale, timeZone) : t("sites.never");

/** Revisions the agent has still to apply; what the site's network does not know yet. */
export const revisionLag = (revision: number, agent: Pick<AgentStatus, "appliedRevision">) =>
  revision - agent.appliedRevision;

/** The list's table, which polls itself: the whole table in one fragment, one query per refresh. */
export function SitesTable(props: { locale: Locale; timeZone: string; now: Date; rows: readonly SiteListRow[] }) {
  const { locale, timeZone, now } = props;
  const t = translator(locale);
  const none = t("sites.unknown");
  const columns: Column[] = [
    { label: t("sites.col.name") },
    { label: t("sites.col.location") },
    { label: t("sites.col.status") },
    { label: t("sites.col.lastSeen") },
    { label: t("sites.col.version") },
    { label: t("sites.col.lag"), numeric: true },
    { label: t("sites.col.backlog"), numeric: true },
  ];
  const rows = props.rows.map(({ site, agent }) => ({
    id: `site-${site.id}`,
    cells: [
      <a href={`/sites/${site.id}`}>{site.name}</a>,
      site.location ?? none,
      <AgentBadge t={t} locale={locale} timeZone={timeZone} now={now} agent={agent} />,
      agent ? moment(t, agent.lastSeenAt, locale, timeZone) : none,
      agent?.agentVersion ?? none,
      agent ? formatCount(revisionLag(site.revision, agent), locale) : none,
      agent ? formatCount(agent.journalBacklog, locale) : none,
    ],
  }));
  return (
    <div id="sites-table" hx-get="/sites/rows" hx-trigger={POLL_TRIGGER} hx-swap="outerHTML">
      {rows.length === 0 ? (
        <EmptyState title={t("sites.empty.title")} text={t("sites.empty.text")} />
      ) : (
        <DataTable id="sites-list" caption={t("sites.caption")} columns={columns} rows={rows} />
      )}
    </div>
  );
}

export type SitesPageProps = {
  frame: Frame;
  timeZone: string;
  now: Date;
  rows: readonly SiteListRow[];
  canManage: boolean;
  notice?: "deleted";
};

export function SitesPage(props: SitesPageProps) {
  const { locale } = props.frame;
  const t = translator(locale);
  const newSite = props.canManage ? (
    <a class="button button-primary" href="/sites/new">
      {t("sites.new")}
    </a>
  ) : undefined;
  return (
    <FramedPage frame={props.frame} title={t("sites.title")} actions={newSite}>
      {props.notice ? <Notice kind="ok">{t(`sites.notice.${props.notice}`)}</Notice> : null}
      <p class="adm-muted">
        {t("sites.lead")} {t("sites.autoRefresh")}
      </p>
      <SitesTable locale={locale} timeZone={props.timeZone} now={props.now} rows={props.rows} />
    </FramedPage>
  );
}

export type SiteFormPageProps = {
  frame: Frame;
  /** Editing this site, or creating one. */
  site?: SiteRow;
  usage?: SiteUsage;
  values: SiteFormValues;
  errors?: FieldErrors;
  formError?: string;
  /** A refused delete, explained. */
  error?: string;
  tenantTimeZone: string;
  timeZones: readonly string[];
};

/** A new site, or a site's form with its delete action. Plain fields, no script needed. */
export function SiteFormPage(props: SiteFormPageProps) {
  const t = translator(props.frame.locale);
  const { site, values: v } = props;
  const e = props.errors ?? {};
  const back = site ? (
    <a class="button button-quiet" href={`/sites/${site.id}`}>
      {site.name}
    </a>
  ) : (
    <a class="button button-quiet" href="/sites">
      {t("sites.back")}
    </a>
  );
  return (
    <FramedPage frame={props.frame} title={site ? t("sites.edit") : t("sites.new")} actions={back}>
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      {site ? null : <p class="adm-muted">{t("sites.newLead")}</p>}
      <form class="adm-form sites-form" method="post" action={site ? `/sites/${site.id}` : "/sites"} novalidate>
        <FormError id="site-form-error">{props.formError}</FormError>
        <Field
          id="site-name"
          name="name"
          label={t("sites.field.name")}
          value={v.name}
          error={e.name}
          maxlength={SITE_NAME_MAX}
          required
          autocomplete="off"
        />
        <Field
          id="site-location"
          name="location"
          label={t("sites.field.location")}
          hint={t("sites.field.location.hint")}
          value={v.location}
          error={e.location}
          maxlength={SITE_LOCATION_MAX}
          autocomplete="off"
        />
        <Select
          id="site-timeZone"
          name="timeZone"
          label={t("sites.field.timeZone")}
          value={v.timeZone}
          error={e.timeZone}
          options={[
            ["", t("sites.timeZone.tenant", { zone: props.tenantTimeZone })],
            ...props.timeZones.map((z) => [z, z.replaceAll("_", " ")] as const),
          ]}
        />
        <Field
          id="site-hotspotLoginUrl"
          name="hotspotLoginUrl"
          type="url"
          label={t("sites.field.hotspotLoginUrl")}
          hint={t("sites.field.hotspotLoginUrl.hint", { code: "{code}" })}
          value={v.hotspotLoginUrl}
          error={e.hotspotLoginUrl}
          maxlength={SITE_LOGIN_URL_MAX}
          autocomplete="off"
        />
        <div class="adm-actions">
          <button class="button button-primary" type="submit">
            {site ? t("sites.save") : t("sites.create")}
          </button>
        </div>
      </form>
      {site && props.usage ? <DeleteSite t={t} site={site} usage={props.usage} /> : null}
    </FramedPage>
  );
}

function DeleteSite(props: { t: Translate; site: SiteRow; usage: SiteUsage }) {
  const { t, site, usage: u } = props;
  const used = u.subscriptions > 0 || u.voucherBatches > 0 || u.agents > 0;
  return (
    <section class="adm-section sites-delete" aria-labelledby="site-delete-title">
      <h2 id="site-delete-title">{t("sites.delete.title")}</h2>
      {used ? (
        <p class="adm-muted" id="site-in-use">
          {t("sites.error.inUse", { subscriptions: u.subscriptions, batches: u.voucherBatches, agents: u.agents })}
        </p>
      ) : (
        <p class="adm-muted">{t("sites.delete.text")}</p>
      )}
      {used ? null : (
        <div class="adm-actions">
          <RedirectAction
            action={`/sites/${site.id}/delete`}
            label={t("sites.delete")}
            confirm={t("sites.deleteConfirm", { name: site.name })}
            danger
          />
        </div>
      )}
    </section>
  );
}
