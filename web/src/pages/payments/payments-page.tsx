import { EmptyState } from "../../components/empty-state.tsx";
import { Field, type FieldErrors, Select } from "../../components/form-fields.tsx";
import { Money } from "../../components/money.tsx";
import { Pager, type PagerProps } from "../../components/pager.tsx";
import { SearchBox } from "../../components/search-box.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { type Locale, type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage } from "../../layouts/framed-page.tsx";
import { balanceState, paymentMethodNames } from "./format.ts";
import { type PaymentRowView, PaymentTable } from "./payment-table.tsx";

export type CustomerHitView = {
  id: string;
  name: string;
  phone: string | null;
  usernames: readonly string[];
  /** > 0 owes, < 0 holds credit. */
  balanceMinor: number;
};

export type RecentPaymentsView = {
  rows: readonly PaymentRowView[];
  filters: { method?: string; collector?: string; day?: string };
  collectors: readonly { id: string; name: string }[];
  errors?: FieldErrors;
  pager: PagerProps | null;
};

export type PaymentsPageProps = {
  frame: Frame;
  currency: string;
  timeZone: string;
  q: string;
  /** Null before anything is typed. */
  hits: readonly CustomerHitView[] | null;
  /** The most hits a search shows; reaching it says "type more". */
  hitLimit: number;
  /** Everyone's recent payments: only for those who may see them. */
  recent: RecentPaymentsView | null;
};

/**
 * The collector's start page: find the customer as you type, then take their money. Admins see
 * everyone's recent payments below, filtered and paged.
 */
export function PaymentsPage(props: PaymentsPageProps) {
  const t = translator(props.frame.locale);
  const f = props.recent?.filters ?? {};
  const today = (
    <a class="button button-quiet" href="/payments/day">
      {t("payments.today")}
    </a>
  );
  return (
    <FramedPage frame={props.frame} title={t("payments.title")} actions={today}>
      <div class="payments-search">
        <SearchBox
          action="/payments"
          target="#customer-results"
          label={t("payments.search.label")}
          placeholder={t("payments.search.placeholder")}
          value={props.q}
        >
          {Object.entries(f).map(([name, value]) => (value ? <input type="hidden" name={name} value={value} /> : null))}
        </SearchBox>
        <CustomerResults
          t={t}
          locale={props.frame.locale}
          currency={props.currency}
          q={props.q}
          hits={props.hits}
          hitLimit={props.hitLimit}
        />
      </div>
      {props.recent ? (
        <RecentPayments
          t={t}
          locale={props.frame.locale}
          currency={props.currency}
          timeZone={props.timeZone}
          q={props.q}
          recent={props.recent}
        />
      ) : null}
    </FramedPage>
  );
}

/** The search's results; also the fragment htmx asks for as the person types. */
export function CustomerResults(props: {
  t: Translate;
  locale: Locale;
  currency: string;
  q: string;
  hits: readonly CustomerHitView[] | null;
  hitLimit: number;
}) {
  const { t } = props;
  if (props.hits === null) {
    return (
      <div id="customer-results" class="payments-results">
        <p class="adm-muted">{t("payments.search.prompt")}</p>
      </div>
    );
  }
  if (props.hits.length === 0) {
    return (
      <div id="customer-results" class="payments-results">
        <EmptyState title={t("payments.search.none", { q: props.q })} text={t("payments.search.noneText")} />
      </div>
    );
  }
  return (
    <div id="customer-results" class="payments-results">
      <ul class="payments-hits" aria-label={t("payments.search.results")}>
        {props.hits.map((c) => {
          const state = balanceState(c.balanceMinor);
          return (
            <li>
              <a
                class="payments-hit"
                href={`/payments/new?customer=${c.id}`}
                aria-label={t("payments.search.pay", { name: c.name })}
              >
                <span class="payments-hit-who">
                  <span class="payments-hit-name">{c.name}</span>
                  {c.phone ? <span class="payments-hit-sub">{c.phone}</span> : null}
                  {c.usernames.length > 0 ? <span class="payments-hit-sub">{c.usernames.join(", ")}</span> : null}
                </span>
                <span class="payments-hit-balance">
                  <StatusBadge tone={state.tone}>{t(`payments.balance.${state.label}`)}</StatusBadge>
                  {c.balanceMinor !== 0 ? (
                    <Money minor={Math.abs(c.balanceMinor)} currency={props.currency} locale={props.locale} strong />
                  ) : null}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
      {props.hits.length >= props.hitLimit ? (
        <p class="adm-muted">{t("payments.search.more", { n: props.hitLimit })}</p>
      ) : null}
    </div>
  );
}

function RecentPayments(props: {
  t: Translate;
  locale: Locale;
  currency: string;
  timeZone: string;
  q: string;
  recent: RecentPaymentsView;
}) {
  const { t, recent } = props;
  const f = recent.filters;
  const errors = recent.errors ?? {};
  const filtered = Boolean(f.method || f.collector || f.day);
  return (
    <section class="adm-section payments-recent" aria-labelledby="payments-recent-title">
      <h2 id="payments-recent-title">{t("payments.recent.title")}</h2>
      <form class="adm-form adm-filters" method="get" action="/payments" novalidate>
        {props.q ? <input type="hidden" name="q" value={props.q} /> : null}
        <Select
          id="payments-method"
          name="method"
          label={t("payments.filter.method")}
          value={f.method ?? ""}
          options={[
            ["", t("payments.filter.any")] as const,
            ...paymentMethodNames.map((m) => [m, t(`payments.method.${m}`)] as const),
          ]}
          error={errors.method}
        />
        <Select
          id="payments-collector"
          name="collector"
          label={t("payments.filter.collector")}
          value={f.collector ?? ""}
          options={[["", t("payments.filter.any")] as const, ...recent.collectors.map((c) => [c.id, c.name] as const)]}
          error={errors.collector}
        />
        <Field
          id="payments-day"
          name="day"
          type="date"
          label={t("payments.filter.day")}
          value={f.day}
          error={errors.day}
        />
        <p class="adm-filter-actions">
          <button class="button button-primary" type="submit">
            {t("payments.filter.apply")}
          </button>
          {filtered ? (
            <a class="button button-quiet" href={props.q ? `/payments?q=${encodeURIComponent(props.q)}` : "/payments"}>
              {t("payments.filter.clear")}
            </a>
          ) : null}
        </p>
      </form>
      {recent.rows.length === 0 ? (
        filtered ? (
          <EmptyState title={t("payments.list.emptyFiltered")} />
        ) : (
          <EmptyState title={t("payments.list.empty")} text={t("payments.list.emptyText")} />
        )
      ) : (
        <PaymentTable
          t={t}
          locale={props.locale}
          currency={props.currency}
          timeZone={props.timeZone}
          caption={t("payments.recent.caption")}
          rows={recent.rows}
          showCollector
          id="recent-payments"
        />
      )}
      {recent.pager ? <Pager {...recent.pager} /> : null}
    </section>
  );
}
