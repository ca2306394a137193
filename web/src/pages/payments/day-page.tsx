import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Field, type FieldErrors, Select } from "../../components/form-fields.tsx";
import { Money } from "../../components/money.tsx";
import { StatTiles } from "../../components/stat-tiles.tsx";
import { formatCount, formatDate } from "../../format.ts";
import { translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage } from "../../layouts/framed-page.tsx";
import { methodText, type PaymentMethodName } from "./format.ts";
import { type PaymentRowView, PaymentTable } from "./payment-table.tsx";

export type DayMethodView = {
  method: PaymentMethodName;
  count: number;
  totalMinor: number;
  /** Of the total, what was reversed since. */
  reversedMinor: number;
};

export type DayPageProps = {
  frame: Frame;
  currency: string;
  timeZone: string;
  /** The day shown (`YYYY-MM-DD`, the ISP's zone), and what the day field says (kept when it is wrong). */
  day: string;
  dayValue: string;
  collector: { id: string; name: string };
  /** The collectors an admin may pick; null for a collector, who sees only their own day. */
  collectors: readonly { id: string; name: string }[] | null;
  methods: readonly DayMethodView[];
  payments: readonly PaymentRowView[];
  errors?: FieldErrors;
};

/** What one collector took in on one day, per method, and what they hand over in cash. */
export function DayPage(props: DayPageProps) {
  const t = translator(props.frame.locale);
  const locale = props.frame.locale;
  const errors = props.errors ?? {};
  const money = (minor: number, strong = false) => (
    <Money minor={minor} currency={props.currency} locale={locale} strong={strong} />
  );
  const cash = props.methods.find((m) => m.method === "cash");
  const net = props.methods.reduce((sum, m) => sum + m.totalMinor - m.reversedMinor, 0);
  const count = props.methods.reduce((sum, m) => sum + m.count, 0);
  const columns: Column[] = [
    { label: t("payments.day.col.method") },
    { label: t("payments.day.col.count"), numeric: true },
    { label: t("payments.day.col.total"), numeric: true },
    { label: t("payments.day.col.reversed"), numeric: true },
    { label: t("payments.day.col.net"), numeric: true },
  ];
  const rows = props.methods.map((m) => ({
    id: `day-method-${m.method}`,
    cells: [
      methodText(t, m.method),
      formatCount(m.count, locale),
      money(m.totalMinor),
      money(m.reversedMinor),
      money(m.totalMinor - m.reversedMinor, true),
    ],
  }));
  return (
    <FramedPage frame={props.frame} title={t("payments.day.title")}>
      <p class="payments-back">
        <a href="/payments">{t("payments.receipt.back")}</a>
      </p>
      <form class="adm-form adm-filters payments-day-filters" method="get" action="/payments/day" novalidate>
        <h2 class="visually-hidden">{t("payments.day.filters")}</h2>
        <Field
          id="day-day"
          name="day"
          type="date"
          label={t("payments.day.day")}
          value={props.dayValue}
          error={errors.day}
        />
        {props.collectors ? (
          <Select
            id="day-collector"
            name="collector"
            label={t("payments.day.collector")}
            value={props.collector.id}
            options={props.collectors.map((c) => [c.id, c.name] as const)}
          />
        ) : null}
        <p class="adm-filter-actions">
          <button class="button button-primary" type="submit">
            {t("payments.day.show")}
          </button>
        </p>
      </form>
      <h2 class="payments-day-of">
        {t("payments.day.of", { name: props.collector.name, date: formatDate(props.day, locale, "long") })}
      </h2>
      <div class="payments-day-tiles">
        <StatTiles
          stats={[
            {
              id: "day-cash",
              label: t("payments.day.handOver"),
              value: money(cash ? cash.totalMinor - cash.reversedMinor : 0),
            },
            { id: "day-net", label: t("payments.day.netTotal"), value: money(net) },
            { id: "day-count", label: t("payments.day.count"), value: formatCount(count, locale) },
          ]}
        />
      </div>
      {rows.length === 0 ? (
        <EmptyState title={t("payments.day.empty")} text={t("payments.day.emptyText")} />
      ) : (
        <>
          <section class="adm-section" aria-labelledby="day-summary-title">
            <h2 id="day-summary-title">{t("payments.day.summary")}</h2>
            <DataTable id="day-methods" caption={t("payments.day.summary")} columns={columns} rows={rows} />
          </section>
          <section class="adm-section" aria-labelledby="day-payments-title">
            <h2 id="day-payments-title">{t("payments.day.payments")}</h2>
            <PaymentTable
              t={t}
              locale={locale}
              currency={props.currency}
              timeZone={props.timeZone}
              caption={t("payments.day.payments")}
              rows={props.payments}
              showCollector={false}
              id="day-payments"
            />
          </section>
        </>
      )}
    </FramedPage>
  );
}
