import { Field, type FieldErrors, Select } from "../../components/form-fields.tsx";
import { type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage } from "../../layouts/framed-page.tsx";

export type AuditRowView = {
  id: number;
  at: Date;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  ip: string | null;
  requestId: string | null;
  before: unknown;
  after: unknown;
};

export type AuditPageProps = {
  frame: Frame;
  timeZone: string;
  entries: readonly AuditRowView[];
  actors: readonly { id: string; name: string }[];
  filters: { action?: string; actor?: string; from?: string; to?: string };
  errors?: FieldErrors;
  /** The next (older) page, with the same filters; null on the last page. */
  olderHref: string | null;
  /** Back to the newest rows with the same filters; null on the first page. */
  newestHref: string | null;
};

export function AuditPage(props: AuditPageProps) {
  const t = translator(props.frame.locale);
  const f = props.filters;
  const errors = props.errors ?? {};
  const format = new Intl.DateTimeFormat(props.frame.locale === "id" ? "id-ID" : "en-GB", {
    timeZone: props.timeZone,
    dateStyle: "medium",
    timeStyle: "medium",
  });
  return (
    <FramedPage frame={props.frame} title={t("auditlog.title")}>
      <form class="adm-form adm-filters" method="get" action="/audit" aria-labelledby="filters-title" novalidate>
        <h2 id="filters-title" class="visually-hidden">
          {t("auditlog.filters")}
        </h2>
        <Field
          id="audit-action"
          name="action"
          label={t("auditlog.filter.action")}
          hint={t("auditlog.filter.actionHint")}
          value={f.action}
          maxlength={100}
          error={errors.action}
        />
        <Select
          id="audit-actor"
          name="actor"
          label={t("auditlog.filter.actor")}
          value={f.actor ?? ""}
          options={[["", t("auditlog.filter.anyone")] as const, ...props.actors.map((a) => [a.id, a.name] as const)]}
          error={errors.actor}
        />
        <DateField id="audit-from" name="from" label={t("auditlog.filter.from")} value={f.from} error={errors.from} />
        <DateField id="audit-to" name="to" label={t("auditlog.filter.to")} value={f.to} error={errors.to} />
        <p class="adm-filter-actions">
          <button class="button button-primary" type="submit">
            {t("auditlog.filter.apply")}
          </button>
          <a class="button button-quiet" href="/audit">
            {t("auditlog.filter.clear")}
          </a>
        </p>
      </form>
      <p class="adm-muted">{t("auditlog.timeZone", { zone: props.timeZone })}</p>
      {props.entries.length === 0 ? (
        <p>{t("auditlog.empty")}</p>
      ) : (
        <ol class="adm-list adm-audit">
          {props.entries.map((e) => (
            <AuditItem t={t} entry={e} at={format.format(e.at)} />
          ))}
        </ol>
      )}
      <nav class="adm-pager" aria-label={t("auditlog.pages")}>
        {props.newestHref ? (
          <a class="button button-quiet" href={props.newestHref}>
            {t("auditlog.newest")}
          </a>
        ) : null}
        {props.olderHref ? (
          <a class="button button-quiet" href={props.olderHref} rel="next">
            {t("auditlog.older")}
          </a>
        ) : null}
      </nav>
    </FramedPage>
  );
}

function DateField(props: { id: string; name: string; label: string; value?: string; error?: string }) {
  const errorId = props.error ? `${props.id}-error` : undefined;
  return (
    <div class={props.error ? "adm-field has-error" : "adm-field"}>
      <label class="adm-label" for={props.id}>
        {props.label}
      </label>
      <input
        class="adm-input"
        id={props.id}
        name={props.name}
        type="date"
        value={props.value}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={errorId}
      />
      {props.error ? (
        <p class="adm-error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** JSON as text: the JSX renderer escapes it like any other text. */
const json = (value: unknown) => JSON.stringify(value, null, 2);

function AuditItem(props: { t: Translate; entry: AuditRowView; at: string }) {
  const { t, entry: e } = props;
  const changed = e.before != null || e.after != null;
  return (
    <li class="adm-item adm-audit-item">
      <div class="adm-item-main">
        <p class="adm-item-title">
          <code>{e.action}</code>
        </p>
        <p class="adm-item-sub">
          <time datetime={e.at.toISOString()}>{props.at}</time> · {e.actorName ?? t("auditlog.system")}
        </p>
        <p class="adm-item-sub">
          {t("auditlog.entity")}: {e.entityType}
          {e.entityId ? <code> {e.entityId}</code> : null} · IP: {e.ip ?? "—"} · {t("auditlog.requestId")}:{" "}
          <code>{e.requestId ?? "—"}</code>
        </p>
        {changed ? (
          <details class="adm-changes">
            <summary class="adm-changes-summary">{t("auditlog.changes")}</summary>
            <div class="adm-diff">
              <div>
                <p class="adm-diff-label">{t("auditlog.before")}</p>
                <pre>{json(e.before ?? null)}</pre>
              </div>
              <div>
                <p class="adm-diff-label">{t("auditlog.after")}</p>
                <pre>{json(e.after ?? null)}</pre>
              </div>
            </div>
          </details>
        ) : null}
      </div>
    </li>
  );
}
