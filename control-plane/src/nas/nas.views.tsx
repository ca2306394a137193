import { ActionForm } from "@kilusi/web/components/action-form.tsx";
import { type Column, DataTable } from "@kilusi/web/components/data-table.tsx";
import { DetailList } from "@kilusi/web/components/detail-list.tsx";
import { EmptyState } from "@kilusi/web/components/empty-state.tsx";
import { Checkbox, Field, type FieldErrors, FormError, Select } from "@kilusi/web/components/form-fields.tsx";
import { RedirectAction } from "@kilusi/web/components/redirect-action.tsx";
import { formatDateTime } from "@kilusi/web/format.ts";
import { type Locale, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "@kilusi/web/layouts/framed-page.tsx";
import type { SiteRow } from "../sites/sites.repository.ts";
import {
  AGENT_IP_PLACEHOLDER,
  DEFAULT_OVERLAP,
  OVERLAPS,
  type Overlap,
  overlapState,
  routerOsLines,
  SECRET_PLACEHOLDER,
} from "./nas.models.ts";
import type { NasRow } from "./nas.repository.ts";
import { NAS_NAME_MAX, type NasFormValues } from "./nas.schemas.ts";

// A site's routers: their section on the site's page, a router's page with the RouterOS lines to
// paste, and the router's form (new and edit, with delete). The secret is on no page until
// someone asks for it on the router's page, and then only in that answer.

export type NasNotice = "created" | "saved" | "rotated" | "overlapEnded";

const base = (siteId: string) => `/sites/${siteId}/nas`;
const nasPath = (row: Pick<NasRow, "id" | "siteId">) => `${base(row.siteId)}/${row.id}`;

const yesNo = (t: Translate, value: boolean) => (value ? t("nas.yes") : t("nas.no"));

/** Whether, and until when, the rotated-out secret is still accepted. */
function OverlapText(props: { t: Translate; locale: Locale; timeZone: string; now: Date; until: Date | null }) {
  const { t, until } = props;
  const state = overlapState(until, props.now);
  if (state === "none" || !until) return <>{t("nas.overlap.none")}</>;
  const at = formatDateTime(until, props.locale, props.timeZone);
  return <>{state === "running" ? t("nas.overlap.until", { at }) : t("nas.overlap.ended", { at })}</>;
}

/** The routers of one site, on the site's page. */
export function RoutersSection(props: {
  locale: Locale;
  timeZone: string;
  now: Date;
  siteId: string;
  routers: readonly NasRow[];
  canManage: boolean;
}) {
  const { locale, timeZone, now, siteId } = props;
  const t = translator(locale);
  const columns: Column[] = [
    { label: t("nas.col.name") },
    { label: t("nas.col.address") },
    { label: t("nas.col.coaPort"), numeric: true },
    { label: t("nas.col.messageAuthenticator") },
    { label: t("nas.col.overlap") },
    ...(props.canManage ? [{ label: t("nas.col.actions"), hiddenLabel: true }] : []),
  ];
  const rows = props.routers.map((r) => ({
    id: `nas-${r.id}`,
    cells: [
      <a href={nasPath(r)}>{r.name}</a>,
      <code>{r.address}</code>,
      String(r.coaPort),
      yesNo(t, r.requireMessageAuthenticator),
      <OverlapText t={t} locale={locale} timeZone={timeZone} now={now} until={r.previousSecretValidUntil} />,
      ...(props.canManage
        ? [
            <a href={`${nasPath(r)}/edit`} aria-label={t("nas.editNamed", { name: r.name })}>
              {t("nas.edit")}
            </a>,
          ]
        : []),
    ],
  }));
  const add = props.canManage ? (
    <a class="button button-primary" href={`${base(siteId)}/new`}>
      {t("nas.new")}
    </a>
  ) : undefined;
  return (
    <section class="adm-section" aria-labelledby="site-nas-title" id="site-nas">
      <h2 id="site-nas-title">{t("nas.title")}</h2>
      <p class="adm-muted">{t("nas.lead")}</p>
      {rows.length === 0 ? (
        <EmptyState title={t("nas.empty.title")} text={t("nas.empty.text")} action={add} />
      ) : (
        <>
          <DataTable id="site-nas-list" caption={t("nas.caption")} columns={columns} rows={rows} />
          {add ? <div class="adm-actions">{add}</div> : null}
        </>
      )}
    </section>
  );
}

/**
 * The lines to paste, and the button that puts the secret in them; also the fragment the reveal
 * answers to htmx. `hx-history="false"` keeps a revealed secret out of htmx's history cache.
 */
export function RouterOsBlock(props: { t: Translate; nas: NasRow; secret: string | null; canReveal: boolean }) {
  const { t, nas, secret } = props;
  const lines = routerOsLines({ ...nas, secret });
  return (
    <section
      class="adm-section"
      aria-labelledby="nas-routeros-title"
      id="nas-routeros"
      hx-history={secret === null ? undefined : "false"}
    >
      <h2 id="nas-routeros-title">{t("nas.routeros.title")}</h2>
      <p>{t("nas.routeros.lead")}</p>
      <ul class="adm-hint">
        <li>{t("nas.routeros.agentIp", { placeholder: AGENT_IP_PLACEHOLDER })}</li>
        <li>
          {secret === null
            ? t("nas.routeros.secretHidden", { placeholder: SECRET_PLACEHOLDER })
            : t("nas.routeros.secretShown")}
        </li>
        <li>{nas.requireMessageAuthenticator ? t("nas.routeros.maRequired") : t("nas.routeros.maNotRequired")}</li>
      </ul>
      <pre class="sites-copy">
        <code id="nas-routeros-lines">{lines.join("\n")}</code>
      </pre>
      {secret === null && props.canReveal ? (
        <ActionForm action={`${nasPath(nas)}/secret`} label={t("nas.secret.reveal")} target="#nas-routeros" />
      ) : null}
      <p class="adm-hint">{t("nas.secret.audited")}</p>
    </section>
  );
}

function Rotation(props: { t: Translate; locale: Locale; timeZone: string; now: Date; nas: NasRow }) {
  const { t, nas } = props;
  const running = overlapState(nas.previousSecretValidUntil, props.now) === "running";
  const choices = Object.keys(OVERLAPS) as Overlap[];
  return (
    <section class="adm-section" aria-labelledby="nas-rotate-title">
      <h2 id="nas-rotate-title">{t("nas.rotate.title")}</h2>
      <p class="adm-muted">{t("nas.rotate.lead")}</p>
      <form class="adm-form sites-form" method="post" action={`${nasPath(nas)}/rotate`} novalidate>
        <Select
          id="nas-overlap"
          name="overlap"
          label={t("nas.rotate.overlap")}
          value={DEFAULT_OVERLAP}
          options={choices.map((c) => [c, t(`nas.rotate.overlap.${c}`)] as const)}
        />
        <div class="adm-actions">
          <button class="button button-primary" type="submit">
            {t("nas.rotate.submit")}
          </button>
        </div>
      </form>
      {nas.previousSecretValidUntil ? (
        <>
          <p id="nas-overlap-state">
            <OverlapText
              t={t}
              locale={props.locale}
              timeZone={props.timeZone}
              now={props.now}
              until={nas.previousSecretValidUntil}
            />
          </p>
          <div class="adm-actions">
            <ActionForm
              action={`${nasPath(nas)}/end-overlap`}
              label={t("nas.overlap.endNow")}
              confirm={running ? t("nas.overlap.endConfirm", { name: nas.name }) : undefined}
              danger={running}
            />
          </div>
        </>
      ) : null}
    </section>
  );
}

export type NasPageProps = {
  frame: Frame;
  timeZone: string;
  now: Date;
  site: SiteRow;
  nas: NasRow;
  canManage: boolean;
  /** The secret in clear, in this answer only, after someone asked for it. */
  secret?: string;
  notice?: NasNotice;
  /** A refused action (a rotation window not on the list), explained. */
  error?: string;
};

export function NasPage(props: NasPageProps) {
  const { locale } = props.frame;
  const t = translator(locale);
  const { site, nas } = props;
  const at = (d: Date) => formatDateTime(d, locale, props.timeZone);
  const actions = (
    <>
      <a class="button button-quiet" href={`/sites/${site.id}#site-nas`}>
        {site.name}
      </a>
      {props.canManage ? (
        <a class="button button-quiet" href={`${nasPath(nas)}/edit`}>
          {t("nas.edit")}
        </a>
      ) : null}
    </>
  );
  return (
    <FramedPage frame={props.frame} title={nas.name} actions={actions}>
      {props.notice ? <Notice kind="ok">{t(`nas.notice.${props.notice}`)}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <RouterOsBlock t={t} nas={nas} secret={props.secret ?? null} canReveal={props.canManage} />
      <section class="adm-section" aria-labelledby="nas-details-title">
        <h2 id="nas-details-title">{t("nas.detail.title")}</h2>
        <DetailList
          items={[
            [t("nas.field.address"), <code>{nas.address}</code>],
            [t("nas.field.coaPort"), String(nas.coaPort)],
            [t("nas.field.requireMessageAuthenticator"), yesNo(t, nas.requireMessageAuthenticator)],
            [t("nas.field.limitProxyState"), yesNo(t, nas.limitProxyState)],
            [
              t("nas.col.overlap"),
              <OverlapText
                t={t}
                locale={locale}
                timeZone={props.timeZone}
                now={props.now}
                until={nas.previousSecretValidUntil}
              />,
            ],
            [t("nas.detail.created"), at(nas.createdAt)],
            [t("nas.detail.updated"), at(nas.updatedAt)],
          ]}
        />
      </section>
      {props.canManage ? <Rotation t={t} locale={locale} timeZone={props.timeZone} now={props.now} nas={nas} /> : null}
    </FramedPage>
  );
}

export type NasFormPageProps = {
  frame: Frame;
  site: SiteRow;
  /** Editing this router, or adding one to `site`. */
  nas?: NasRow;
  values: NasFormValues;
  errors?: FieldErrors;
  formError?: string;
};

/** A new router, or a router's form with its delete action. Plain fields, no script needed. */
export function NasFormPage(props: NasFormPageProps) {
  const t = translator(props.frame.locale);
  const { site, nas, values: v } = props;
  const e = props.errors ?? {};
  const back = nas ? (
    <a class="button button-quiet" href={nasPath(nas)}>
      {nas.name}
    </a>
  ) : (
    <a class="button button-quiet" href={`/sites/${site.id}#site-nas`}>
      {site.name}
    </a>
  );
  return (
    <FramedPage frame={props.frame} title={nas ? t("nas.edit") : t("nas.new")} actions={back}>
      {nas ? null : <p class="adm-muted">{t("nas.newLead", { site: site.name })}</p>}
      <form class="adm-form sites-form" method="post" action={nas ? nasPath(nas) : base(site.id)} novalidate>
        <FormError id="nas-form-error">{props.formError}</FormError>
        <Field
          id="nas-name"
          name="name"
          label={t("nas.field.name")}
          value={v.name}
          error={e.name}
          maxlength={NAS_NAME_MAX}
          required
          autocomplete="off"
        />
        <Field
          id="nas-address"
          name="address"
          label={t("nas.field.address")}
          hint={t("nas.field.address.hint")}
          value={v.address}
          error={e.address}
          maxlength={45}
          required
          autocomplete="off"
          inputmode="text"
        />
        <Field
          id="nas-coaPort"
          name="coaPort"
          label={t("nas.field.coaPort")}
          hint={t("nas.field.coaPort.hint")}
          value={v.coaPort}
          error={e.coaPort}
          maxlength={5}
          inputmode="numeric"
          autocomplete="off"
        />
        <Checkbox
          id="nas-requireMessageAuthenticator"
          name="requireMessageAuthenticator"
          label={t("nas.field.requireMessageAuthenticator")}
          hint={t("nas.field.requireMessageAuthenticator.hint")}
          checked={v.requireMessageAuthenticator}
        />
        <Checkbox
          id="nas-limitProxyState"
          name="limitProxyState"
          label={t("nas.field.limitProxyState")}
          hint={t("nas.field.limitProxyState.hint")}
          checked={v.limitProxyState}
        />
        {nas ? null : <p class="adm-hint">{t("nas.secret.generated")}</p>}
        <div class="adm-actions">
          <button class="button button-primary" type="submit">
            {nas ? t("nas.save") : t("nas.create")}
          </button>
        </div>
      </form>
      {nas ? (
        <section class="adm-section" aria-labelledby="nas-delete-title">
          <h2 id="nas-delete-title">{t("nas.delete.title")}</h2>
          <p class="adm-muted">{t("nas.delete.text")}</p>
          <div class="adm-actions">
            <RedirectAction
              action={`${nasPath(nas)}/delete`}
              label={t("nas.delete")}
              confirm={t("nas.deleteConfirm", { name: nas.name })}
              danger
            />
          </div>
        </section>
      ) : null}
    </FramedPage>
  );
}
