import type { Child } from "hono/jsx";
import { type Stat, StatTiles } from "../../components/stat-tiles.tsx";
import { formatCount, formatMoney } from "../../format.ts";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { lastMonthOf, type ReportsOverview, thisMonthOf } from "./report-data.ts";
import { formatChangeBp, formatPercentBp } from "./report-format.ts";

// The headline figures, the same on the dashboard and on the reports page. Each value is a
// <data> element whose `value` is the exact number (minor units, a count, basis points), so a
// browser test or a screen scraper reads the figure without parsing the formatted text; under
// each, a line of detail and a line saying what the figure is.

function Hint(props: { detail?: Child; definition: string }) {
  return (
    <>
      {props.detail ? <span class="stat-detail">{props.detail}</span> : null}
      <span class="stat-definition">{props.definition}</span>
    </>
  );
}

export function HeadlineTiles(props: { overview: ReportsOverview; locale: Locale }) {
  const { overview: o, locale } = props;
  const t = translator(locale);
  const now = thisMonthOf(o);
  const prev = lastMonthOf(o);
  const money = (minor: number) => formatMoney(minor, o.currency, locale);
  const amount = (minor: number) => (
    <data class="money" value={String(minor)}>
      {money(minor)}
    </data>
  );
  const count = (n: number) => <data value={String(n)}>{formatCount(n, locale)}</data>;
  const rate = (bp: number | null) => <data value={bp === null ? "" : String(bp)}>{formatPercentBp(bp, locale)}</data>;
  const change =
    o.collectedChangeBp === null
      ? null
      : t("reports.collected.change", { change: formatChangeBp(o.collectedChangeBp, locale) });

  const stats: Stat[] = [
    {
      id: "stat-mrr",
      label: t("reports.mrr.label"),
      value: amount(o.mrrMinor),
      hint: <Hint definition={t("reports.mrr.definition")} />,
    },
    {
      id: "stat-collected",
      label: t("reports.collected.label"),
      value: amount(now.collectedMinor),
      hint: (
        <Hint
          detail={
            <>
              {t("reports.collected.detail", { amount: money(prev.collectedMinor) })}
              {change ? <span class="stat-change">{` · ${change}`}</span> : null}
            </>
          }
          definition={t("reports.collected.definition")}
        />
      ),
    },
    {
      id: "stat-invoiced",
      label: t("reports.invoiced.label"),
      value: amount(now.invoicedMinor),
      hint: (
        <Hint
          detail={t("reports.invoiced.detail", {
            count: formatCount(now.invoicedCount, locale),
            amount: money(prev.invoicedMinor),
          })}
          definition={t("reports.invoiced.definition")}
        />
      ),
    },
    {
      id: "stat-unpaid",
      label: t("reports.unpaid.label"),
      value: amount(o.unpaid.amountMinor),
      tone: o.unpaid.amountMinor > 0 ? "warn" : "ok",
      hint: (
        <Hint
          detail={
            <span class="stat-count">{t("reports.unpaid.detail", { count: formatCount(o.unpaid.count, locale) })}</span>
          }
          definition={t("reports.unpaid.definition")}
        />
      ),
    },
    {
      id: "stat-overdue",
      label: t("reports.overdue.label"),
      value: amount(o.overdue.amountMinor),
      tone: o.overdue.amountMinor > 0 ? "danger" : "ok",
      hint: (
        <Hint
          detail={
            <span class="stat-count">
              {t("reports.unpaid.detail", { count: formatCount(o.overdue.count, locale) })}
            </span>
          }
          definition={t("reports.overdue.definition")}
        />
      ),
    },
    {
      id: "stat-collection-rate",
      label: t("reports.rate.label"),
      value: rate(now.collectionRateBp),
      hint: (
        <Hint
          detail={t("reports.rate.detail", { rate: formatPercentBp(prev.collectionRateBp, locale) })}
          definition={t("reports.rate.definition")}
        />
      ),
    },
    {
      id: "stat-active",
      label: t("reports.active.label"),
      value: count(o.activeCount),
      hint: (
        <Hint
          detail={
            o.isolatedCount > 0
              ? t("reports.active.detail", { count: formatCount(o.isolatedCount, locale) })
              : undefined
          }
          definition={t("reports.active.definition")}
        />
      ),
    },
    {
      id: "stat-new",
      label: t("reports.new.label"),
      value: count(now.newCount),
      hint: (
        <Hint
          detail={t("reports.new.detail", { count: formatCount(prev.newCount, locale) })}
          definition={t("reports.new.definition")}
        />
      ),
    },
    {
      id: "stat-churned",
      label: t("reports.churned.label"),
      value: count(now.churnedCount),
      hint: (
        <Hint
          detail={t("reports.churned.detail", { count: formatCount(prev.churnedCount, locale) })}
          definition={t("reports.churned.definition")}
        />
      ),
    },
  ];
  return <StatTiles stats={stats} label={t("reports.tiles")} />;
}
