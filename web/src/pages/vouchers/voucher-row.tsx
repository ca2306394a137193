import { ActionForm } from "../../components/action-form.tsx";
import { type Column, type Row, TableRow } from "../../components/data-table.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { formatDateTime } from "../../format.ts";
import type { Locale, Translate } from "../../i18n/i18n.ts";
import { stateTone, type VoucherStateName } from "./format.ts";

export type VoucherView = {
  id: string;
  code: string;
  state: VoucherStateName;
  soldTo: string | null;
  soldAt: Date | null;
  activatedAt: Date | null;
  expiresAt: Date | null;
  /** What the state machine allows from this voucher's state (decided by the server). */
  canSell: boolean;
  canVoid: boolean;
};

export const voucherColumns = (t: Translate): Column[] => [
  { label: t("vouchers.voucher.code") },
  { label: t("vouchers.voucher.state") },
  { label: t("vouchers.voucher.soldTo") },
  { label: t("vouchers.voucher.soldAt") },
  { label: t("vouchers.voucher.activatedAt") },
  { label: t("vouchers.voucher.expiresAt") },
  { label: t("vouchers.voucher.actions"), hiddenLabel: true },
];

export type VoucherRowProps = {
  t: Translate;
  locale: Locale;
  timeZone: string;
  batchId: string;
  voucher: VoucherView;
  /** A refused action on this voucher, explained. */
  error?: string;
};

/** One voucher as a table row's data. */
export function voucherRow(props: VoucherRowProps): Row {
  const { t, voucher: v } = props;
  const at = (d: Date | null) =>
    d ? <time datetime={d.toISOString()}>{formatDateTime(d, props.locale, props.timeZone)}</time> : "—";
  return {
    id: `voucher-${v.id}`,
    class: v.state === "void" ? "is-muted" : undefined,
    cells: [
      <code class="voucher-code-cell">{v.code}</code>,
      <StatusBadge tone={stateTone[v.state]}>{t(`vouchers.state.${v.state}`)}</StatusBadge>,
      v.soldTo ?? "—",
      at(v.soldAt),
      at(v.activatedAt),
      at(v.expiresAt),
      <VoucherActions {...props} />,
    ],
  };
}

/** One voucher; also the fragment htmx swaps in after selling or voiding it. */
export function VoucherRow(props: VoucherRowProps) {
  return <TableRow columns={voucherColumns(props.t)} row={voucherRow(props)} />;
}

function VoucherActions(props: VoucherRowProps) {
  const { t, voucher: v } = props;
  const base = `/vouchers/batches/${props.batchId}/vouchers/${v.id}`;
  const target = `#voucher-${v.id}`;
  const error = props.error ? (
    <p class="adm-error" role="alert">
      {props.error}
    </p>
  ) : null;
  if (!v.canSell && !v.canVoid) {
    const used = v.state === "active" || v.state === "expired" || v.state === "exhausted";
    return (
      <>
        {error}
        {used ? <span class="adm-muted voucher-note">{t("vouchers.voucher.usedNoVoid")}</span> : null}
      </>
    );
  }
  return (
    <details class="voucher-actions" open={props.error ? true : undefined}>
      <summary class="button button-quiet">
        {t("vouchers.voucher.actions")}
        <span class="visually-hidden"> {v.code}</span>
      </summary>
      {error}
      {v.canSell ? (
        <ActionForm
          action={`${base}/sell`}
          target={target}
          label={t("vouchers.sell.submit")}
          class="action-form voucher-form"
        >
          <label class="adm-label" for={`sold-to-${v.id}`}>
            {t("vouchers.sell.soldTo")}
          </label>
          <input class="adm-input" id={`sold-to-${v.id}`} name="soldTo" maxlength={100} autocomplete="off" />
        </ActionForm>
      ) : null}
      {v.canVoid ? (
        <ActionForm
          action={`${base}/void`}
          target={target}
          danger
          confirm={t("vouchers.void.confirmOne", { code: v.code })}
          label={t("vouchers.void.submit")}
          class="action-form voucher-form"
        >
          <label class="adm-label" for={`void-reason-${v.id}`}>
            {t("vouchers.void.reason")}
          </label>
          <input
            class="adm-input"
            id={`void-reason-${v.id}`}
            name="reason"
            required
            minlength={3}
            maxlength={200}
            autocomplete="off"
          />
        </ActionForm>
      ) : null}
    </details>
  );
}
