import { Checkbox, Field, type FieldErrors, FormError, TextArea } from "../../components/form-fields.tsx";
import { translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";

/** The form's values as strings, as typed. */
export type BillingSettingsValues = {
  invoiceDueDays: string;
  invoicePrefix: string;
  reminderOffsets: string;
  graceDays: string;
  isolateAfterDays: string;
  isolationProfile: string;
  isolationAddressList: string;
  /** Empty: no rate limit while isolated. */
  isolationRateLimit: string;
  /** Empty: the plan's pool. */
  isolationPool: string;
  defaultTaxRate: string;
  defaultTaxInclusive: boolean;
  hotspotLoginUrl: string;
  invoiceFooter: string;
};

export function BillingSettingsPage(props: {
  frame: Frame;
  values: BillingSettingsValues;
  errors: FieldErrors;
  saved: boolean;
}) {
  const t = translator(props.frame.locale);
  const v = props.values;
  const e = props.errors;
  const field = (
    name: keyof BillingSettingsValues,
    extra: { hint?: string; inputmode?: "numeric" | "decimal"; maxlength?: number } = {},
  ) => (
    <Field
      id={`billing-${name}`}
      name={name}
      label={t(`billing.field.${name}` as "billing.field.invoicePrefix")}
      value={String(v[name])}
      error={e[name]}
      maxlength={extra.maxlength ?? 64}
      inputmode={extra.inputmode}
      hint={extra.hint}
    />
  );
  return (
    <FramedPage
      frame={props.frame}
      title={t("billing.title")}
      actions={
        <a class="button button-quiet" href="/settings">
          {t("settings.title")}
        </a>
      }
    >
      {props.saved ? <Notice kind="ok">{t("billing.saved")}</Notice> : null}
      <p class="adm-muted">{t("billing.lead")}</p>
      <form class="adm-form" method="post" action="/settings/billing" novalidate>
        <FormError id="billing-form-error">{Object.keys(e).length > 0 ? t("billing.invalid") : undefined}</FormError>
        <fieldset class="adm-fieldset">
          <legend>{t("billing.section.invoices")}</legend>
          <div class="adm-form-grid">
            {field("invoiceDueDays", { inputmode: "numeric", maxlength: 3 })}
            {field("invoicePrefix", { hint: t("billing.field.invoicePrefix.hint"), maxlength: 12 })}
            {field("defaultTaxRate", { inputmode: "decimal", maxlength: 6 })}
          </div>
          <Checkbox
            id="billing-defaultTaxInclusive"
            name="defaultTaxInclusive"
            label={t("billing.field.defaultTaxInclusive")}
            checked={v.defaultTaxInclusive}
          />
          <TextArea
            id="billing-invoiceFooter"
            name="invoiceFooter"
            label={t("billing.field.invoiceFooter")}
            hint={t("billing.field.invoiceFooter.hint")}
            value={v.invoiceFooter}
            error={e.invoiceFooter}
            rows={4}
            maxlength={1000}
          />
        </fieldset>
        <fieldset class="adm-fieldset">
          <legend>{t("billing.section.dunning")}</legend>
          <div class="adm-form-grid">
            {field("reminderOffsets", { hint: t("billing.field.reminderOffsets.hint"), maxlength: 80 })}
            {field("graceDays", { hint: t("billing.field.graceDays.hint"), inputmode: "numeric", maxlength: 3 })}
            {field("isolateAfterDays", {
              hint: t("billing.field.isolateAfterDays.hint"),
              inputmode: "numeric",
              maxlength: 3,
            })}
          </div>
        </fieldset>
        <fieldset class="adm-fieldset">
          <legend>{t("billing.section.network")}</legend>
          <div class="adm-form-grid">
            {field("isolationProfile")}
            {field("isolationAddressList")}
            {field("isolationRateLimit", { hint: t("billing.field.isolationRateLimit.hint"), maxlength: 100 })}
            {field("isolationPool", { hint: t("billing.field.isolationPool.hint") })}
          </div>
          {field("hotspotLoginUrl", {
            hint: t("billing.field.hotspotLoginUrl.hint", { code: "{code}" }),
            maxlength: 500,
          })}
        </fieldset>
        <p>
          <button class="button button-primary" type="submit">
            {t("billing.submit")}
          </button>
        </p>
      </form>
    </FramedPage>
  );
}
