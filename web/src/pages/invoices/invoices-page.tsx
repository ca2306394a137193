import { ActionForm } from "../../components/action-form.tsx";
import { type Column, DataTable, type Row } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Money } from "../../components/money.tsx";
import { Pager, type PagerProps } from "../../components/pager.tsx";
import { SearchBox } from "../../components/search-box.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { formatDate } from "../../format.ts";
import { type Locale, type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";
import { type InvoiceFilterName, type InvoiceView, listHref, periodText, statusBadge } from "./invoice-format.ts";

export type InvoicesPageProps = {
  frame: Frame;
  invoices: readonly InvoiceView[];
  filter: { status: InvoiceFilterName; q: string; customer: { id: string; name: string } | null };
  pager: PagerProps | null;
  /** May run billing now (billing.manage). */
  canManage: boolean;
  /** What the last action did, in the reader's words. */
  notice?: string;
};

/** The tabs always shown; "open" and "partially paid" get one only while chosen (a link may ask for them). */
const TABS: readonly InvoiceFilterName[] = ["", "unpaid", "overdue", "paid", "void", "credit"];

const tabLabel = (t: Translate, status: InvoiceFilterName) =>
  t(status ? (`invoices.filter.${status}` as const) : "invoices.filter.all");

/** The tenant's invoices, newest first: by status, searched by number or customer, paged. */
export function InvoicesPage(props: InvoicesPageProps) {
  const t = translator(props.frame.locale);
  const { filter } = props;
  const customer = filter.customer;
  return (
    <FramedPage
      frame={props.frame}
      title={customer ? t("invoices.titleOf", { name: customer.name }) : t("invoices.title")}
    >
      {props.notice ? <Notice kind="ok">{props.notice}</Notice> : null}
      {customer ? (
        <p class="invoice-scope">
          <a href="/invoices">{t("invoices.allCustomers")}</a>
          <a href={`/customers/${customer.id}`}>{t("invoices.customerPage")}</a>
        </p>
      ) : null}
      {props.canManage ? <RunBilling t={t} /> : null}
      <SearchBox
        action="/invoices"
        target="#invoice-results"
        label={t("invoices.search")}
        placeholder={t("invoices.search.placeholder")}
        value={filter.q}
      >
        {filter.status ? <input type="hidden" name="status" value={filter.status} /> : null}
        {customer ? <input type="hidden" name="customer" value={customer.id} /> : null}
      </SearchBox>
      <div id="invoice-results">
        <StatusTabs t={t} filter={filter} />
        {props.invoices.length === 0 ? (
          <Empty t={t} filter={filter} />
        ) : (
          <DataTable
            id="invoices"
            caption={t("invoices.caption")}
            columns={invoiceColumns(t)}
            rows={props.invoices.map((invoice) => invoiceRow(t, props.frame.locale, invoice))}
          />
        )}
        {props.pager ? <Pager {...props.pager} /> : null}
      </div>
    </FramedPage>
  );
}

function RunBilling(props: { t: Translate }) {
  const { t } = props;
  return (
    <section class="adm-section invoice-run" aria-labelledby="invoice-run-title">
      <h2 id="invoice-run-title">{t("invoices.run.title")}</h2>
      <p class="adm-muted">{t("invoices.run.text")}</p>
      <ActionForm action="/invoices/run-billing" label={t("invoices.run.button")} />
    </section>
  );
}

/** Links, not a select: each tab is a page of its own that works without JavaScript. */
function StatusTabs(props: { t: Translate; filter: InvoicesPageProps["filter"] }) {
  const { t, filter } = props;
  const tabs = TABS.includes(filter.status) ? TABS : [...TABS, filter.status];
  return (
    <nav class="invoice-tabs" aria-label={t("invoices.filter.label")}>
      <ul>
        {tabs.map((status) => (
          <li>
            <a
              href={listHref({ status, q: filter.q, customer: filter.customer?.id })}
              aria-current={status === filter.status ? "page" : undefined}
            >
              {tabLabel(t, status)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Empty(props: { t: Translate; filter: InvoicesPageProps["filter"] }) {
  const { t, filter } = props;
  if (filter.q) {
    return <EmptyState title={t("invoices.empty.search", { q: filter.q })} text={t("invoices.empty.searchText")} />;
  }
  if (!filter.status) return <EmptyState title={t("invoices.empty.all")} text={t("invoices.empty.allText")} />;
  const text = filter.status === "credit" ? t("invoices.empty.creditText") : t("invoices.empty.filterText");
  return <EmptyState title={t(`invoices.empty.${filter.status}`)} text={text} />;
}

export function invoiceColumns(t: Translate): Column[] {
  return [
    { label: t("invoices.col.number") },
    { label: t("invoices.col.customer") },
    { label: t("invoices.col.period") },
    { label: t("invoices.col.issued") },
    { label: t("invoices.col.due") },
    { label: t("invoices.col.total"), numeric: true },
    { label: t("invoices.col.paid"), numeric: true },
    { label: t("invoices.col.open"), numeric: true },
    { label: t("invoices.col.status") },
  ];
}

export function invoiceRow(t: Translate, locale: Locale, invoice: InvoiceView): Row {
  const money = (minor: number) => <Money minor={minor} currency={invoice.currency} locale={locale} />;
  const [tone, label] = statusBadge(t, invoice);
  return {
    id: `invoice-${invoice.id}`,
    class: invoice.status === "void" ? "is-muted" : undefined,
    cells: [
      <a class="invoice-number" href={`/invoices/${invoice.id}`}>
        {invoice.number}
      </a>,
      <a href={`/customers/${invoice.customerId}`}>{invoice.customerName}</a>,
      periodText(t, locale, invoice.period),
      formatDate(invoice.issuedOn, locale),
      <DueDate t={t} locale={locale} invoice={invoice} />,
      money(invoice.totalMinor),
      money(invoice.paidMinor),
      money(invoice.openMinor),
      <StatusBadge tone={tone}>{label}</StatusBadge>,
    ],
  };
}

/** The due date, marked in words and colour when it has passed with money still open. */
export function DueDate(props: { t: Translate; locale: Locale; invoice: Pick<InvoiceView, "dueOn" | "overdue"> }) {
  const date = formatDate(props.invoice.dueOn, props.locale);
  if (!props.invoice.overdue) return <span>{date}</span>;
  return (
    <span class="invoice-overdue">
      {date} <span class="invoice-overdue-note">({props.t("invoices.overdueNote")})</span>
    </span>
  );
}
