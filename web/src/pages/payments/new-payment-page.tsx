import { type Column, DataTable } from "../../components/data-table.tsx";
import { Field, FieldError, type FieldErrors, FormError, Select } from "../../components/form-fields.tsx";
import { Money } from "../../components/money.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { formatDate, formatMoney } from "../../format.ts";
import { type Locale, type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage } from "../../layouts/framed-page.tsx";
import { balanceState, type ManualMethod, manualMethods } from "./format.ts";

export type OpenInvoiceView = {
  id: string;
  number: string;
  /** Local date (`YYYY-MM-DD`) in the ISP's zone. */
  dueOn: string;
  openMinor: number;
  overdue: boolean;
};

/** The form as typed, shown again after an error. */
export type PaymentFormValues = {
  /** The one-time token: the id the payment will have, so a second post of this form records nothing. */
  token: string;
  invoice: string;
  amount: string;
  method: string;
  reference: string;
  receivedOn: string;
};

export type NewPaymentPageProps = {
  frame: Frame;
  currency: string;
  customer: { id: string; name: string; phone: string | null; balanceMinor: number };
  invoices: readonly OpenInvoiceView[];
  values: PaymentFormValues;
  errors?: FieldErrors;
  formError?: string;
  /** Bounds of the received-on date (today, and 31 days back), local dates. */
  today: string;
  earliest: string;
};

/** One customer's balance and open invoices, and the form that takes their money. */
export function NewPaymentPage(props: NewPaymentPageProps) {
  const t = translator(props.frame.locale);
  const locale = props.frame.locale;
  const { customer, values } = props;
  const errors = props.errors ?? {};
  const state = balanceState(customer.balanceMinor);
  return (
    <FramedPage frame={props.frame} title={t("payments.new.title")}>
      <p class="payments-back">
        <a href="/payments">{t("payments.new.back")}</a>
      </p>
      <section class="payments-customer" aria-labelledby="payments-customer-name">
        <p class="payments-customer-label">{t("payments.new.customer")}</p>
        <h2 id="payments-customer-name" class="payments-customer-name">
          {customer.name}
        </h2>
        {customer.phone ? <p class="adm-muted">{customer.phone}</p> : null}
        <p class={`payments-balance payments-balance-${state.label}`} id="customer-balance">
          <StatusBadge tone={state.tone}>{t(`payments.balance.${state.label}`)}</StatusBadge>
          {customer.balanceMinor !== 0 ? (
            <Money minor={Math.abs(customer.balanceMinor)} currency={props.currency} locale={locale} strong />
          ) : null}
        </p>
      </section>
      <OpenInvoices
        t={t}
        locale={locale}
        currency={props.currency}
        customerId={customer.id}
        invoices={props.invoices}
        chosen={values.invoice}
      />
      <form class="adm-form payments-form" method="post" action="/payments" novalidate>
        <h2 class="visually-hidden">{t("payments.form.title")}</h2>
        <FormError id="payment-form-error">{props.formError}</FormError>
        <input type="hidden" name="token" value={values.token} />
        <input type="hidden" name="customer" value={customer.id} />
        {props.invoices.length > 0 || values.invoice ? (
          <Select
            id="payment-invoice"
            name="invoice"
            label={t("payments.form.invoice")}
            value={values.invoice}
            options={[
              ["", t("payments.form.invoiceNone")] as const,
              ...props.invoices.map(
                (i) => [i.id, `${i.number} · ${formatMoney(i.openMinor, props.currency, locale)}`] as const,
              ),
            ]}
            error={errors.invoice}
          />
        ) : null}
        <Field
          id="payment-amount"
          name="amount"
          label={t("payments.form.amount")}
          hint={t("payments.form.amountHint")}
          value={values.amount}
          inputmode="decimal"
          autocomplete="off"
          maxlength={40}
          required
          error={errors.amount}
        />
        <MethodChoice t={t} value={values.method} error={errors.method} />
        <Field
          id="payment-reference"
          name="reference"
          label={t("payments.form.reference")}
          hint={t("payments.form.referenceHint")}
          value={values.reference}
          autocomplete="off"
          maxlength={100}
          error={errors.reference}
        />
        <Field
          id="payment-received-on"
          name="receivedOn"
          type="date"
          label={t("payments.form.receivedOn")}
          hint={t("payments.form.receivedOnHint")}
          value={values.receivedOn}
          min={props.earliest}
          max={props.today}
          required
          error={errors.receivedOn}
        />
        <button class="button button-primary payments-submit" type="submit">
          {t("payments.form.submit")}
        </button>
      </form>
    </FramedPage>
  );
}

function OpenInvoices(props: {
  t: Translate;
  locale: Locale;
  currency: string;
  customerId: string;
  invoices: readonly OpenInvoiceView[];
  chosen: string;
}) {
  const { t, locale } = props;
  const columns: Column[] = [
    { label: t("payments.invoices.number") },
    { label: t("payments.invoices.due") },
    { label: t("payments.invoices.open"), numeric: true },
    { label: t("payments.invoices.pay"), hiddenLabel: true },
  ];
  const rows = props.invoices.map((i) => ({
    id: `invoice-${i.id}`,
    class: i.overdue ? "payments-overdue" : undefined,
    cells: [
      i.number,
      <span class="payments-due">
        {formatDate(i.dueOn, locale)}
        {i.overdue ? <StatusBadge tone="danger">{t("payments.invoices.overdue")}</StatusBadge> : null}
      </span>,
      <Money minor={i.openMinor} currency={props.currency} locale={locale} strong />,
      i.id === props.chosen ? (
        <StatusBadge tone="info">{t("payments.invoices.chosen")}</StatusBadge>
      ) : (
        <a
          href={`/payments/new?customer=${props.customerId}&invoice=${i.id}`}
          aria-label={t("payments.invoices.payOf", { number: i.number })}
        >
          {t("payments.invoices.pay")}
        </a>
      ),
    ],
  }));
  return (
    <section class="adm-section" aria-labelledby="payments-invoices-title">
      <h2 id="payments-invoices-title">{t("payments.invoices.title")}</h2>
      {rows.length === 0 ? (
        <p class="adm-muted">{t("payments.invoices.none")}</p>
      ) : (
        <>
          <DataTable id="open-invoices" caption={t("payments.invoices.caption")} columns={columns} rows={rows} />
          <p class="adm-muted">{t("payments.form.invoiceHint")}</p>
        </>
      )}
    </section>
  );
}

/** The method as three big choices (a thumb finds them more easily than a select), cash first. */
function MethodChoice(props: { t: Translate; value: string; error?: string }) {
  const { t } = props;
  const errorId = props.error ? "payment-method-error" : undefined;
  const chosen: ManualMethod = manualMethods.find((m) => m === props.value) ?? "cash";
  return (
    <fieldset class={props.error ? "payments-methods has-error" : "payments-methods"} aria-describedby={errorId}>
      <legend class="adm-label">{t("payments.form.method")}</legend>
      {manualMethods.map((m) => (
        <label class="payments-method-choice" for={`payment-method-${m}`}>
          <input type="radio" id={`payment-method-${m}`} name="method" value={m} checked={m === chosen} />
          <span>{t(`payments.method.${m}`)}</span>
        </label>
      ))}
      <FieldError id={errorId} error={props.error} />
    </fieldset>
  );
}
