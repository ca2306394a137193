import { formatCount, formatDate, formatMoney, formatMonth } from "../../format.ts";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { BarList, ColumnChart, Legend } from "./charts.tsx";
import type { MonthFigures, ReportsOverview } from "./report-data.ts";
import { compactAmount, compactCount, formatPercentBp, shortMonth } from "./report-format.ts";

// The four charts of the reports, from the overview's figures; the dashboard reuses the first.

type Props = { overview: ReportsOverview; locale: Locale; id: string; months?: readonly MonthFigures[] };

const categoriesOf = (months: readonly MonthFigures[], locale: Locale) =>
  months.map((m) => ({ label: shortMonth(m.month, locale), full: formatMonth(m.month, locale) }));

const spanOf = (months: readonly MonthFigures[], locale: Locale) => ({
  from: formatMonth(months[0]?.month ?? "", locale),
  to: formatMonth(months.at(-1)?.month ?? "", locale),
});

/** Invoiced against collected, per month. */
export function RevenueChart(props: Props & { title?: string }) {
  const t = translator(props.locale);
  const months = props.months ?? props.overview.months;
  const { currency } = props.overview;
  const series = [
    { name: t("reports.series.invoiced"), tone: "a" as const, values: months.map((m) => m.invoicedMinor) },
    { name: t("reports.series.collected"), tone: "b" as const, values: months.map((m) => m.collectedMinor) },
  ];
  return (
    <ColumnChart
      id={props.id}
      title={props.title ?? t("reports.revenue.chart", spanOf(months, props.locale))}
      desc={t("reports.revenue.desc")}
      categories={categoriesOf(months, props.locale)}
      series={series}
      format={(v) => formatMoney(v ?? 0, currency, props.locale)}
      axis={(v) => compactAmount(v, currency, props.locale)}
      caption={<Legend items={series} />}
    />
  );
}

const agingTone = { not_due: "age0", d1_30: "age1", d31_60: "age2", d61_90: "age3", d90_plus: "age4" } as const;

/** The open amounts by age. */
export function AgingChart(props: Props) {
  const t = translator(props.locale);
  const { currency } = props.overview;
  return (
    <BarList
      id={props.id}
      title={t("reports.aging.chart", { date: formatDate(props.overview.today, props.locale) })}
      desc={t("reports.aging.desc")}
      rows={props.overview.aging.map((a) => {
        const label = t(`reports.aging.${a.bucket}`);
        const exact = formatMoney(a.amountMinor, currency, props.locale);
        return {
          label,
          value: a.amountMinor,
          text: a.amountMinor > 0 ? compactAmount(a.amountMinor, currency, props.locale) : "0",
          tone: agingTone[a.bucket],
          full: `${label}: ${exact} · ${t("reports.unpaid.detail", { count: formatCount(a.count, props.locale) })}`,
        };
      })}
    />
  );
}

/** Paid share of each month's invoices, on a fixed 0–100 % scale. */
export function CollectionChart(props: Props) {
  const t = translator(props.locale);
  const months = props.months ?? props.overview.months;
  return (
    <ColumnChart
      id={props.id}
      title={t("reports.collection.chart", spanOf(months, props.locale))}
      desc={t("reports.collection.desc")}
      categories={categoriesOf(months, props.locale)}
      series={[{ name: t("reports.series.rate"), tone: "b", values: months.map((m) => m.collectionRateBp) }]}
      format={(v) => formatPercentBp(v, props.locale)}
      axis={(v) => formatPercentBp(v, props.locale)}
      max={10_000}
    />
  );
}

/** New subscribers above the line, churned below. */
export function SubscribersChart(props: Props) {
  const t = translator(props.locale);
  const months = props.months ?? props.overview.months;
  const series = [
    { name: t("reports.series.new"), tone: "up" as const, values: months.map((m) => m.newCount) },
    {
      name: t("reports.series.churned"),
      tone: "down" as const,
      values: months.map((m) => m.churnedCount),
      below: true,
    },
  ];
  return (
    <ColumnChart
      id={props.id}
      title={t("reports.subscribers.chart", spanOf(months, props.locale))}
      desc={t("reports.subscribers.desc")}
      categories={categoriesOf(months, props.locale)}
      series={series}
      format={(v) => formatCount(v ?? 0, props.locale)}
      axis={(v) => compactCount(v, props.locale)}
      integer
      caption={<Legend items={series} />}
    />
  );
}
