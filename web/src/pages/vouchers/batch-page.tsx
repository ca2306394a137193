import { ActionForm } from "../../components/action-form.tsx";
import { DataTable } from "../../components/data-table.tsx";
import { DetailList } from "../../components/detail-list.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Field, type FieldErrors, FormError, Select } from "../../components/form-fields.tsx";
import { Money } from "../../components/money.tsx";
import { Pager, type PagerProps } from "../../components/pager.tsx";
import { SearchBox } from "../../components/search-box.tsx";
import { StatTiles } from "../../components/stat-tiles.tsx";
import { formatCount, formatDateTime } from "../../format.ts";
import { type Locale, type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";
import type { BatchSummaryView } from "./batches-page.tsx";
import { validityText, voucherStateNames } from "./format.ts";
import { type VoucherView, voucherColumns, voucherRow } from "./voucher-row.tsx";

export type BatchDetailView = BatchSummaryView & { codeLength: number; resellerPrice: number | null };

export type BulkSellForm = { values: { count?: string; soldTo?: string }; errors: FieldErrors };
export type BulkVoidForm = { values: { reason?: string }; errors: FieldErrors };

export type BatchPageProps = {
  frame: Frame;
  timeZone: string;
  currency: string;
  batch: BatchDetailView;
  vouchers: readonly VoucherView[];
  filters: { state?: string; q?: string };
  pager: PagerProps | null;
  /** A done action, already in the reader's words. */
  notice?: string;
  /** A refused action, explained. */
  error?: string;
  bulkSell?: BulkSellForm;
  bulkVoid?: BulkVoidForm;
};

/** One batch: what it is, how its vouchers stand, the vouchers themselves and what can be done. */
export function BatchPage(props: BatchPageProps) {
  const t = translator(props.frame.locale);
  const { locale } = props.frame;
  const b = props.batch;
  const money = (minor: number) => <Money minor={minor} currency={props.currency} locale={locale} />;
  const actions = (
    <>
      <a class="button button-primary" href={`/vouchers/batches/${b.id}/print`}>
        {t("vouchers.batch.print")}
      </a>
      <a class="button button-quiet" href={`/vouchers/batches/${b.id}/vouchers.csv`} download>
        {t("vouchers.batch.export")}
      </a>
    </>
  );
  return (
    <FramedPage frame={props.frame} title={t("vouchers.batch.title", { plan: b.planName })} actions={actions}>
      <p>
        <a href="/vouchers">{t("vouchers.back")}</a>
      </p>
      {props.notice ? <Notice kind="ok">{props.notice}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <DetailList
        items={[
          [t("vouchers.field.plan"), b.planName],
          [t("vouchers.field.site"), b.siteName ?? t("vouchers.site.all")],
          [t("vouchers.batch.count"), formatCount(b.count, locale)],
          [t("vouchers.field.prefix"), b.prefix ? <code>{b.prefix}</code> : "—"],
          [t("vouchers.field.codeLength"), String(b.codeLength)],
          [t("vouchers.batch.validity"), validityText(t, b.validity)],
          [t("vouchers.batch.price"), money(b.price)],
          [t("vouchers.field.resellerPrice"), b.resellerPrice === null ? "—" : money(b.resellerPrice)],
          [t("vouchers.batch.created"), formatDateTime(b.createdAt, locale, props.timeZone)],
          [t("vouchers.batch.createdBy"), b.createdByName ?? "—"],
        ]}
      />
      <StatTiles
        label={t("vouchers.batch.states")}
        stats={voucherStateNames.map((s) => ({
          label: t(`vouchers.state.${s}`),
          value: formatCount(b.counts[s], locale),
          id: `count-${s}`,
        }))}
      />
      {b.counts.new > 0 || props.bulkSell || props.bulkVoid ? <BulkActions {...props} t={t} /> : null}
      <section class="adm-section" aria-labelledby="vouchers-title">
        <h2 id="vouchers-title">{t("vouchers.batch.vouchers")}</h2>
        <SearchBox
          action={`/vouchers/batches/${b.id}`}
          target="#voucher-results"
          label={t("vouchers.search")}
          placeholder={t("vouchers.search.placeholder")}
          value={props.filters.q}
        >
          <Select
            id="voucher-state"
            name="state"
            label={t("vouchers.filter.state")}
            visuallyHiddenLabel
            value={props.filters.state ?? ""}
            options={[
              ["", t("vouchers.filter.anyState")] as const,
              ...voucherStateNames.map((s) => [s, t(`vouchers.state.${s}`)] as const),
            ]}
          />
        </SearchBox>
        <div id="voucher-results">
          {props.vouchers.length === 0 ? (
            <EmptyState title={t("vouchers.batch.noMatch")} />
          ) : (
            <DataTable
              id="vouchers"
              caption={t("vouchers.batch.vouchers")}
              columns={voucherColumns(t)}
              rows={props.vouchers.map((v) =>
                voucherRow({ t, locale, timeZone: props.timeZone, batchId: b.id, voucher: v }),
              )}
            />
          )}
          {props.pager ? <Pager {...props.pager} /> : null}
        </div>
      </section>
    </FramedPage>
  );
}

function BulkActions(props: BatchPageProps & { t: Translate }) {
  const { t } = props;
  return (
    <section class="adm-section voucher-bulk" aria-labelledby="bulk-title">
      <h2 id="bulk-title">{t("vouchers.bulk.title")}</h2>
      <BulkSell t={t} locale={props.frame.locale} batch={props.batch} form={props.bulkSell} />
      <BulkVoid t={t} locale={props.frame.locale} batch={props.batch} form={props.bulkVoid} />
    </section>
  );
}

type BulkProps<F> = { t: Translate; locale: Locale; batch: Pick<BatchDetailView, "id" | "counts">; form?: F };

/** Selling the first N (or all) new vouchers; also the fragment htmx swaps in when refused. */
export function BulkSell(props: BulkProps<BulkSellForm>) {
  const { t, batch: b } = props;
  const form = props.form ?? { values: {}, errors: {} };
  return (
    <div id="bulk-sell" class="voucher-bulk-block">
      <FormError id="bulk-sell-error">{form.errors.form}</FormError>
      <ActionForm
        action={`/vouchers/batches/${b.id}/sell`}
        target="#bulk-sell"
        label={t("vouchers.bulk.sell")}
        class="adm-form voucher-bulk-form"
      >
        <Field
          id="bulk-sell-count"
          name="count"
          label={t("vouchers.bulk.count")}
          hint={t("vouchers.bulk.countHint", { n: formatCount(b.counts.new, props.locale) })}
          value={form.values.count}
          inputmode="numeric"
          maxlength={6}
          error={form.errors.count}
        />
        <Field
          id="bulk-sell-to"
          name="soldTo"
          label={t("vouchers.sell.soldTo")}
          value={form.values.soldTo}
          maxlength={100}
          error={form.errors.soldTo}
        />
      </ActionForm>
    </div>
  );
}

/** Voiding every unsold voucher, with a reason; also the fragment htmx swaps in when refused. */
export function BulkVoid(props: BulkProps<BulkVoidForm>) {
  const { t, batch: b } = props;
  const form = props.form ?? { values: {}, errors: {} };
  const n = formatCount(b.counts.new, props.locale);
  return (
    <div id="bulk-void" class="voucher-bulk-block">
      <FormError id="bulk-void-error">{form.errors.form}</FormError>
      <ActionForm
        action={`/vouchers/batches/${b.id}/void`}
        target="#bulk-void"
        danger
        confirm={t("vouchers.bulk.voidConfirm", { n })}
        label={t("vouchers.bulk.void", { n })}
        class="adm-form voucher-bulk-form"
      >
        <Field
          id="bulk-void-reason"
          name="reason"
          label={t("vouchers.void.reason")}
          hint={t("vouchers.bulk.voidHint")}
          value={form.values.reason}
          required
          minlength={3}
          maxlength={200}
          error={form.errors.reason}
        />
      </ActionForm>
    </div>
  );
}
