import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Select } from "../../components/form-fields.tsx";
import { Money } from "../../components/money.tsx";
import { SearchBox } from "../../components/search-box.tsx";
import { formatCount } from "../../format.ts";
import { translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";
import { cycleText, type PlanSummaryView, speedText, taxNote } from "./plans-format.ts";

export type PlanListItem = PlanSummaryView & { subscribers: number };

export type PlansPageProps = {
  frame: Frame;
  currency: string;
  plans: readonly PlanListItem[];
  filter: { show: "active" | "archived"; q: string };
  notice?: "deleted";
};

/** The tenant's plans: those in use, or the archive, searchable by name. */
export function PlansPage(props: PlansPageProps) {
  const t = translator(props.frame.locale);
  const locale = props.frame.locale;
  const archived = props.filter.show === "archived";
  const newPlan = (
    <a class="button button-primary" href="/plans/new">
      {t("plans.new")}
    </a>
  );
  const columns: Column[] = [
    { label: t("plans.col.name") },
    { label: t("plans.col.type") },
    { label: t("plans.col.cycle") },
    { label: t("plans.col.price"), numeric: true },
    { label: t("plans.col.speed") },
    { label: t("plans.col.subscribers"), numeric: true },
  ];
  const rows = props.plans.map((p) => ({
    id: `plan-${p.id}`,
    class: p.archivedAt ? "is-muted" : undefined,
    cells: [
      <a href={`/plans/${p.id}`}>{p.name}</a>,
      t(`plans.type.${p.type}`),
      cycleText(t, p),
      <span class="plan-price">
        <Money minor={p.price} currency={props.currency} locale={locale} />
        <span class="plan-tax-note">{taxNote(t, locale, p)}</span>
      </span>,
      speedText(t, p),
      formatCount(p.subscribers, locale),
    ],
  }));
  const empty = props.filter.q ? (
    <EmptyState title={t("plans.empty.search")} text={t("plans.empty.searchText")} />
  ) : archived ? (
    <EmptyState title={t("plans.empty.archived")} text={t("plans.empty.archivedText")} />
  ) : (
    <EmptyState title={t("plans.empty.title")} text={t("plans.empty.text")} action={newPlan} />
  );
  return (
    <FramedPage frame={props.frame} title={t("plans.title")} actions={newPlan}>
      {props.notice ? <Notice kind="ok">{t(`plans.notice.${props.notice}`)}</Notice> : null}
      <SearchBox action="/plans" target="#plan-results" label={t("plans.search")} value={props.filter.q}>
        <Select
          id="plans-show"
          name="show"
          label={t("plans.filter.show")}
          visuallyHiddenLabel
          value={props.filter.show}
          options={[
            ["active", t("plans.filter.active")],
            ["archived", t("plans.filter.archived")],
          ]}
        />
      </SearchBox>
      <div id="plan-results">
        {rows.length === 0 ? (
          empty
        ) : (
          <DataTable
            id="plans-table"
            caption={archived ? t("plans.caption.archived") : t("plans.caption.active")}
            columns={columns}
            rows={rows}
          />
        )}
      </div>
    </FramedPage>
  );
}
