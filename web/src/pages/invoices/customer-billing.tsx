import { DataTable } from "../../components/data-table.tsx";
import { Money } from "../../components/money.tsx";
import { formatDate } from "../../format.ts";
import type { Locale, Translate } from "../../i18n/i18n.ts";

export type CustomerOpenInvoice = { id: string; number: string; dueOn: string; openMinor: number; overdue: boolean };

/** The money section of a customer's page: what they owe or hold, and what is still open. */
export function CustomerBilling(props: {
  t: Translate;
  locale: Locale;
  currency: string;
  customerId: string;
  balanceMinor: number;
  open: readonly CustomerOpenInvoice[];
  canRecordPayment: boolean;
}) {
  const { t } = props;
  const money = (minor: number) => <Money minor={minor} currency={props.currency} locale={props.locale} />;
  return (
    <section class="adm-section" aria-labelledby="customer-billing-title" id="customer-billing">
      <h2 id="customer-billing-title">{t("invoices.customer.title")}</h2>
      <p class="customer-balance" id="customer-balance">
        {props.balanceMinor > 0
          ? t("invoices.customer.owes")
          : props.balanceMinor < 0
            ? t("invoices.customer.credit")
            : t("invoices.customer.settled")}{" "}
        {props.balanceMinor !== 0 ? <strong>{money(Math.abs(props.balanceMinor))}</strong> : null}
      </p>
      {props.open.length > 0 ? (
        <DataTable
          caption={t("invoices.customer.open")}
          columns={[
            { label: t("invoices.col.number") },
            { label: t("invoices.col.due") },
            { label: t("invoices.col.open"), numeric: true },
          ]}
          rows={props.open.map((i) => ({
            cells: [
              <a href={`/invoices/${i.id}`}>{i.number}</a>,
              <span class={i.overdue ? "is-overdue" : undefined}>
                {formatDate(i.dueOn, props.locale)}
                {i.overdue ? ` · ${t("invoices.customer.overdue")}` : ""}
              </span>,
              money(i.openMinor),
            ],
          }))}
        />
      ) : null}
      <p class="adm-actions">
        {props.canRecordPayment ? (
          <a class="button button-primary" href={`/payments/new?customer=${props.customerId}`}>
            {t("invoices.customer.pay")}
          </a>
        ) : null}
        <a class="button button-quiet" href={`/invoices?customer=${props.customerId}`}>
          {t("invoices.customer.all")}
        </a>
      </p>
    </section>
  );
}
