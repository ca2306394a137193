import { type Column, DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Money } from "../../components/money.tsx";
import { Pager, type PagerProps } from "../../components/pager.tsx";
import { formatCount, formatDateTime } from "../../format.ts";
import { translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage } from "../../layouts/framed-page.tsx";
import { type StateCountsView, type ValidityView, validityText, voucherStateNames } from "./format.ts";

export type BatchSummaryView = {
  id: string;
  planName: string;
  siteName: string | null;
  prefix: string;
  count: number;
  counts: StateCountsView;
  price: number;
  validity: ValidityView;
  createdAt: Date;
  createdByName: string | null;
};

export type BatchesPageProps = {
  frame: Frame;
  timeZone: string;
  currency: string;
  batches: readonly BatchSummaryView[];
  pager: PagerProps | null;
};

/** Every batch of the ISP, newest first, with how its vouchers stand. */
export function BatchesPage(props: BatchesPageProps) {
  const t = translator(props.frame.locale);
  const { locale } = props.frame;
  const newLink = (
    <a class="button button-primary" href="/vouchers/new">
      {t("vouchers.batches.new")}
    </a>
  );
  const columns: Column[] = [
    { label: t("vouchers.batch.label") },
    { label: t("vouchers.batch.created") },
    { label: t("vouchers.batch.count"), numeric: true },
    ...voucherStateNames.map((s) => ({ label: t(`vouchers.state.${s}`), numeric: true })),
    { label: t("vouchers.batch.price"), numeric: true },
    { label: t("vouchers.batch.createdBy") },
  ];
  return (
    <FramedPage frame={props.frame} title={t("vouchers.title")} actions={props.batches.length > 0 ? newLink : null}>
      {props.batches.length === 0 ? (
        <EmptyState title={t("vouchers.batches.empty")} text={t("vouchers.batches.emptyText")} action={newLink} />
      ) : (
        <>
          <DataTable
            id="voucher-batches"
            caption={t("vouchers.batches.caption")}
            columns={columns}
            rows={props.batches.map((b) => ({
              id: `batch-${b.id}`,
              cells: [
                <span class="voucher-batch-name">
                  <a href={`/vouchers/batches/${b.id}`}>{b.planName}</a>
                  <span class="adm-muted">
                    {[b.prefix ? `${b.prefix}…` : null, validityText(t, b.validity), b.siteName]
                      .filter(Boolean)
                      .join(" · ")}
                  </span>
                </span>,
                <time datetime={b.createdAt.toISOString()}>{formatDateTime(b.createdAt, locale, props.timeZone)}</time>,
                formatCount(b.count, locale),
                ...voucherStateNames.map((s) => formatCount(b.counts[s], locale)),
                <Money minor={b.price} currency={props.currency} locale={locale} />,
                b.createdByName ?? "—",
              ],
            }))}
          />
          {props.pager ? <Pager {...props.pager} /> : null}
        </>
      )}
    </FramedPage>
  );
}
