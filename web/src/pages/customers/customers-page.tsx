import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Pager } from "../../components/pager.tsx";
import { SearchBox } from "../../components/search-box.tsx";
import { formatCount } from "../../format.ts";
import { type Locale, type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";
import { formatPhone } from "./format.ts";

export type CustomerRowView = {
  id: string;
  name: string;
  /** E.164, as stored. */
  phone: string | null;
  email: string | null;
  address: string | null;
  tags: readonly string[];
  /** PPPoE usernames of the customer's subscriptions. */
  usernames: readonly string[];
};

export type CustomerResultsProps = {
  locale: Locale;
  q: string;
  rows: readonly CustomerRowView[];
  /** The tenant's count of customers when nothing is searched, counted up to countCap + 1. */
  total: number | null;
  countCap: number;
  previousHref: string | null;
  nextHref: string | null;
  canManage: boolean;
  /** The CSV of this search, for those who may export; null hides the links. */
  exportHref: string | null;
};

export type CustomersPageProps = {
  frame: Frame;
  results: Omit<CustomerResultsProps, "locale">;
  notice?: { kind: "deleted" } | { kind: "imported"; count: number };
};

export function CustomersPage(props: CustomersPageProps) {
  const t = translator(props.frame.locale);
  const { results } = props;
  const actions = results.canManage ? (
    <>
      <a class="button button-primary" href="/customers/new">
        {t("customers.new")}
      </a>
      <a class="button button-quiet" href="/customers/import">
        {t("customers.import.link")}
      </a>
    </>
  ) : undefined;
  return (
    <FramedPage frame={props.frame} title={t("customers.title")} actions={actions}>
      {props.notice?.kind === "deleted" ? <Notice kind="ok">{t("customers.notice.deleted")}</Notice> : null}
      {props.notice?.kind === "imported" ? (
        <Notice kind="ok">
          {t("customers.notice.imported", { count: formatCount(props.notice.count, props.frame.locale) })}
        </Notice>
      ) : null}
      <SearchBox
        action="/customers"
        target="#customer-results"
        label={t("customers.search.label")}
        placeholder={t("customers.search.placeholder")}
        value={results.q}
      />
      <p class="adm-hint customers-search-hint">{t("customers.search.hint")}</p>
      <CustomerResults locale={props.frame.locale} {...results} />
    </FramedPage>
  );
}

/** The list under the search box; also the fragment htmx swaps in as people type. */
export function CustomerResults(props: CustomerResultsProps) {
  const t = translator(props.locale);
  const columns: Column[] = [
    { label: t("customers.field.name") },
    { label: t("customers.field.phone") },
    { label: t("customers.list.pppoe") },
    { label: t("customers.field.address") },
    { label: t("customers.field.tags") },
  ];
  const summary =
    props.total === null
      ? t("customers.list.shown", { count: formatCount(props.rows.length, props.locale) })
      : props.total > props.countCap
        ? t("customers.list.totalOver", { count: formatCount(props.countCap, props.locale) })
        : t("customers.list.total", { count: formatCount(props.total, props.locale) });
  return (
    <div id="customer-results" class="customer-results" aria-live="polite">
      {props.rows.length === 0 ? (
        <Empty t={t} q={props.q} canManage={props.canManage} />
      ) : (
        <>
          <DataTable
            id="customers"
            caption={t("customers.list.caption")}
            columns={columns}
            rows={props.rows.map((c) => ({
              id: `customer-${c.id}`,
              cells: [
                <CustomerName customer={c} />,
                c.phone ? <span class="customer-phone">{formatPhone(c.phone)}</span> : <Dash />,
                c.usernames.length > 0 ? <code>{c.usernames.join(", ")}</code> : <Dash />,
                c.address ?? <Dash />,
                c.tags.length > 0 ? <Tags tags={c.tags} /> : <Dash />,
              ],
            }))}
          />
          <Pager
            label={t("customers.pager.label")}
            summary={summary}
            previous={props.previousHref ? { href: props.previousHref, label: t("customers.pager.previous") } : null}
            next={props.nextHref ? { href: props.nextHref, label: t("customers.pager.next") } : null}
          />
        </>
      )}
      {props.exportHref && props.rows.length > 0 ? (
        <p class="customer-export">
          <a class="button button-quiet" href={props.exportHref} download>
            {props.q ? t("customers.export.search") : t("customers.export.all")}
          </a>{" "}
          <a href={`${props.exportHref}${props.exportHref.includes("?") ? "&" : "?"}delimiter=semicolon`} download>
            {t("customers.export.semicolon")}
          </a>
        </p>
      ) : null}
    </div>
  );
}

function CustomerName(props: { customer: CustomerRowView }) {
  const c = props.customer;
  return (
    <span class="customer-name">
      <a href={`/customers/${c.id}`}>{c.name}</a>
      {c.email ? <span class="customer-sub">{c.email}</span> : null}
    </span>
  );
}

export function Tags(props: { tags: readonly string[] }) {
  return (
    <ul class="customer-tags">
      {props.tags.map((tag) => (
        <li class="badge badge-tone-muted">{tag}</li>
      ))}
    </ul>
  );
}

const Dash = () => <span class="adm-muted">—</span>;

function Empty(props: { t: Translate; q: string; canManage: boolean }) {
  const { t } = props;
  if (props.q) {
    return (
      <EmptyState
        title={t("customers.empty.search", { q: props.q })}
        text={t("customers.empty.searchHint")}
        action={
          <a class="button button-quiet" href="/customers">
            {t("customers.empty.clear")}
          </a>
        }
      />
    );
  }
  return (
    <EmptyState
      title={t("customers.empty.title")}
      text={props.canManage ? t("customers.empty.text") : t("customers.empty.textViewer")}
      action={
        props.canManage ? (
          <>
            <a class="button button-primary" href="/customers/new">
              {t("customers.empty.add")}
            </a>{" "}
            <a class="button button-quiet" href="/customers/import">
              {t("customers.import.link")}
            </a>
          </>
        ) : undefined
      }
    />
  );
}
