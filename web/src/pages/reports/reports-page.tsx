import type { Child } from "hono/jsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Money } from "../../components/money.tsx";
import { formatCount, formatDate } from "../../format.ts";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage } from "../../layouts/framed-page.tsx";
import { AgingChart, CollectionChart, RevenueChart, SubscribersChart } from "./report-charts.tsx";
import type { ReportsOverview } from "./report-data.ts";
import { formatPercentBp, shortMonthYear } from "./report-format.ts";
import { ReportTable } from "./report-table.tsx";
import { HeadlineTiles } from "./report-tiles.tsx";

export type ReportsPageProps = { frame: Frame; overview: ReportsOverview };

/** Nothing happened yet in the tenant: no subscriber, no invoice, no payment in the window. */
function isEmpty(o: ReportsOverview): boolean {
  return (
    o.activeCount === 0 &&
    o.unpaid.count === 0 &&
    o.months.every((m) => m.invoicedCount === 0 && m.collectedMinor === 0 && m.newCount === 0 && m.churnedCount === 0)
  );
}

function Section(props: { id: string; title: string; lead?: string; csv: string; csvLabel: string; children?: Child }) {
  return (
    <section class="report-section" aria-labelledby={`${props.id}-title`} id={props.id}>
      <div class="report-head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        <a class="button button-quiet report-csv" href={props.csv} download>
          {props.csvLabel}
          <span class="visually-hidden">{` — ${props.title}`}</span>
        </a>
      </div>
      {props.lead ? <p class="report-lead">{props.lead}</p> : null}
      {props.children}
    </section>
  );
}

/** The figures of the dashboard in depth: a year of months, the aging, and a CSV of each. */
export function ReportsPage(props: ReportsPageProps) {
  const { frame, overview: o } = props;
  const locale: Locale = frame.locale;
  const t = translator(locale);
  const money = (minor: number) => <Money minor={minor} currency={o.currency} locale={locale} />;
  const monthCell = (month: string) => <time datetime={month}>{shortMonthYear(month, locale)}</time>;
  const csv = t("reports.csv.download");
  return (
    <FramedPage frame={frame} title={t("reports.title")}>
      <p class="report-as-of">{t("reports.asOf", { date: formatDate(o.today, locale, "long"), zone: o.timeZone })}</p>
      {isEmpty(o) ? <EmptyState title={t("reports.empty.title")} text={t("reports.empty.text")} /> : null}

      <Section id="report-summary" title={t("reports.tiles")} csv="/reports/summary.csv" csvLabel={csv}>
        <HeadlineTiles overview={o} locale={locale} />
      </Section>

      <Section
        id="report-revenue"
        title={t("reports.revenue.title")}
        lead={t("reports.revenue.lead")}
        csv="/reports/revenue.csv"
        csvLabel={csv}
      >
        <div class="report-body">
          <RevenueChart overview={o} locale={locale} id="chart-revenue" />
          <ReportTable
            id="table-revenue"
            caption={t("reports.revenue.title")}
            columns={[
              { label: t("reports.col.month") },
              { label: t("reports.col.invoices"), numeric: true },
              { label: t("reports.col.invoiced"), numeric: true },
              { label: t("reports.col.collected"), numeric: true },
            ]}
            rows={o.months.map((m) => ({
              cells: [
                monthCell(m.month),
                formatCount(m.invoicedCount, locale),
                money(m.invoicedMinor),
                money(m.collectedMinor),
              ],
            }))}
          />
        </div>
      </Section>

      <Section
        id="report-aging"
        title={t("reports.aging.title")}
        lead={t("reports.aging.lead")}
        csv="/reports/aging.csv"
        csvLabel={csv}
      >
        <div class="report-body">
          {o.unpaid.count === 0 ? (
            <p class="report-lead">{t("reports.aging.empty")}</p>
          ) : (
            <AgingChart overview={o} locale={locale} id="chart-aging" />
          )}
          <ReportTable
            id="table-aging"
            caption={t("reports.aging.title")}
            columns={[
              { label: t("reports.col.bucket") },
              { label: t("reports.col.count"), numeric: true },
              { label: t("reports.col.open"), numeric: true },
            ]}
            rows={[
              ...o.aging.map((a) => ({
                id: `aging-${a.bucket}`,
                cells: [t(`reports.aging.${a.bucket}`), formatCount(a.count, locale), money(a.amountMinor)],
              })),
              {
                id: "aging-total",
                class: "report-total",
                cells: [t("reports.aging.total"), formatCount(o.unpaid.count, locale), money(o.unpaid.amountMinor)],
              },
            ]}
          />
        </div>
        <p>
          <a href="/reports/unpaid.csv" download>
            {t("reports.csv.unpaid")}
          </a>
        </p>
      </Section>

      <Section
        id="report-collection"
        title={t("reports.collection.title")}
        lead={t("reports.collection.lead")}
        csv="/reports/collection.csv"
        csvLabel={csv}
      >
        <div class="report-body">
          <CollectionChart overview={o} locale={locale} id="chart-collection" />
          <ReportTable
            id="table-collection"
            caption={t("reports.collection.title")}
            columns={[
              { label: t("reports.col.month") },
              { label: t("reports.col.invoiced"), numeric: true },
              { label: t("reports.col.paid"), numeric: true },
              { label: t("reports.col.rate"), numeric: true },
            ]}
            rows={o.months.map((m) => ({
              cells: [
                monthCell(m.month),
                money(m.invoicedMinor),
                money(m.paidOfInvoicedMinor),
                formatPercentBp(m.collectionRateBp, locale),
              ],
            }))}
          />
        </div>
      </Section>

      <Section
        id="report-subscribers"
        title={t("reports.subscribers.title")}
        lead={t("reports.subscribers.lead")}
        csv="/reports/subscribers.csv"
        csvLabel={csv}
      >
        <div class="report-body">
          <SubscribersChart overview={o} locale={locale} id="chart-subscribers" />
          <ReportTable
            id="table-subscribers"
            caption={t("reports.subscribers.title")}
            columns={[
              { label: t("reports.col.month") },
              { label: t("reports.col.new"), numeric: true },
              { label: t("reports.col.churned"), numeric: true },
              { label: t("reports.col.net"), numeric: true },
            ]}
            rows={o.months.map((m) => ({
              cells: [
                monthCell(m.month),
                formatCount(m.newCount, locale),
                formatCount(m.churnedCount, locale),
                formatCount(m.newCount - m.churnedCount, locale),
              ],
            }))}
          />
        </div>
      </Section>
    </FramedPage>
  );
}
