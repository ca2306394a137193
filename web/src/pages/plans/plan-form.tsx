import { Field, type FieldErrors, FormError, Select } from "../../components/form-fields.tsx";
import type { Translate } from "../../i18n/i18n.ts";
import { planTypeNames } from "./plans-format.ts";

/** The form as typed (strings), the same keys as the server's plan form schema. */
export type PlanFormValues = Readonly<
  Record<
    | "name"
    | "type"
    | "cycle"
    | "validity"
    | "validityUnit"
    | "price"
    | "installationFee"
    | "taxRate"
    | "taxMode"
    | "speedUnit"
    | "download"
    | "upload"
    | "burstDownload"
    | "burstUpload"
    | "burstThresholdDownload"
    | "burstThresholdUpload"
    | "burstTime"
    | "addressPool"
    | "profileName"
    | "quotaGb",
    string
  >
>;

export type PlanFormProps = {
  t: Translate;
  action: string;
  values: PlanFormValues;
  errors?: FieldErrors;
  formError?: string;
  /** The tenant's currency code, shown beside the amounts. */
  currency: string;
  submitLabel: string;
  /** Editing an existing plan: say what a change reaches. */
  editing?: { onNetwork: number };
};

/** Creating and editing a plan: plain form fields, no script needed. */
export function PlanForm(props: PlanFormProps) {
  const { t, values: v } = props;
  const e = props.errors ?? {};
  const id = (name: string) => `plan-${name}`;
  const text = (
    name: keyof PlanFormValues,
    label: string,
    extra: { hint?: string; inputmode?: "decimal" | "numeric"; maxlength?: number; required?: boolean } = {},
  ) => (
    <Field
      id={id(name)}
      name={name}
      label={label}
      value={v[name]}
      error={e[name]}
      hint={extra.hint}
      inputmode={extra.inputmode}
      maxlength={extra.maxlength ?? 40}
      required={extra.required}
      autocomplete="off"
    />
  );
  return (
    <form class="adm-form plan-form" method="post" action={props.action} novalidate>
      <FormError id="plan-form-error">{props.formError}</FormError>

      <fieldset class="adm-fieldset">
        <legend>{t("plans.form.basics")}</legend>
        <div class="adm-form-grid">
          <div class="adm-form-wide">{text("name", t("plans.field.name"), { maxlength: 100, required: true })}</div>
          <Select
            id={id("type")}
            name="type"
            label={t("plans.field.type")}
            value={v.type}
            options={planTypeNames.map((type) => [type, t(`plans.type.${type}`)] as const)}
            error={e.type}
          />
          <Select
            id={id("cycle")}
            name="cycle"
            label={t("plans.field.cycle")}
            value={v.cycle}
            options={[
              ["monthly", t("plans.cycle.monthly")],
              ["prepaid", t("plans.cycle.prepaid")],
            ]}
            error={e.cycle}
          />
          {text("validity", t("plans.field.validity"), { hint: t("plans.field.validity.hint"), inputmode: "numeric" })}
          <Select
            id={id("validityUnit")}
            name="validityUnit"
            label={t("plans.field.validityUnit")}
            value={v.validityUnit}
            options={[
              ["days", t("plans.unit.days")],
              ["hours", t("plans.unit.hours")],
            ]}
            error={e.validityUnit}
          />
        </div>
      </fieldset>

      <fieldset class="adm-fieldset">
        <legend>{t("plans.form.price")}</legend>
        {props.editing ? <p class="adm-hint plan-form-note">{t("plans.form.priceNote")}</p> : null}
        <div class="adm-form-grid">
          {text("price", t("plans.field.price", { currency: props.currency }), {
            hint: t("plans.field.price.hint"),
            inputmode: "decimal",
            required: true,
          })}
          {text("installationFee", t("plans.field.installationFee", { currency: props.currency }), {
            hint: t("plans.field.installationFee.hint"),
            inputmode: "decimal",
          })}
          {text("taxRate", t("plans.field.taxRate"), { hint: t("plans.field.taxRate.hint"), inputmode: "decimal" })}
          <Select
            id={id("taxMode")}
            name="taxMode"
            label={t("plans.field.taxMode")}
            value={v.taxMode}
            options={[
              ["inclusive", t("plans.taxMode.inclusive")],
              ["exclusive", t("plans.taxMode.exclusive")],
            ]}
            error={e.taxMode}
          />
        </div>
      </fieldset>

      <fieldset class="adm-fieldset">
        <legend>{t("plans.form.speed")}</legend>
        {props.editing && props.editing.onNetwork > 0 ? (
          <p class="adm-hint plan-form-note">{t("plans.form.networkNote", { n: props.editing.onNetwork })}</p>
        ) : null}
        <div class="adm-form-grid">
          <div class="adm-form-wide">
            <Select
              id={id("speedUnit")}
              name="speedUnit"
              label={t("plans.field.speedUnit")}
              value={v.speedUnit}
              options={[
                ["mbps", "Mbps"],
                ["kbps", "kbps"],
              ]}
              error={e.speedUnit}
            />
            <p class="adm-hint">{t("plans.field.speedUnit.hint")}</p>
          </div>
          {text("download", t("plans.field.download"), { inputmode: "decimal", required: true })}
          {text("upload", t("plans.field.upload"), { inputmode: "decimal", required: true })}
        </div>
      </fieldset>

      <fieldset class="adm-fieldset">
        <legend>{t("plans.form.burst")}</legend>
        <p class="adm-hint">{t("plans.form.burstHint")}</p>
        <div class="adm-form-grid">
          {text("burstDownload", t("plans.field.burstDownload"), { inputmode: "decimal" })}
          {text("burstUpload", t("plans.field.burstUpload"), { inputmode: "decimal" })}
          {text("burstThresholdDownload", t("plans.field.burstThresholdDownload"), {
            inputmode: "decimal",
          })}
          {text("burstThresholdUpload", t("plans.field.burstThresholdUpload"), {
            inputmode: "decimal",
          })}
          {text("burstTime", t("plans.field.burstTime"), { inputmode: "numeric" })}
        </div>
      </fieldset>

      <fieldset class="adm-fieldset">
        <legend>{t("plans.form.router")}</legend>
        <div class="adm-form-grid">
          {text("addressPool", t("plans.field.addressPool"), { hint: t("plans.field.routerName.hint"), maxlength: 64 })}
          {text("profileName", t("plans.field.profileName"), { hint: t("plans.field.routerName.hint"), maxlength: 64 })}
          {text("quotaGb", t("plans.field.quota"), { hint: t("plans.field.quota.hint"), inputmode: "decimal" })}
        </div>
      </fieldset>

      <p>
        <button class="button button-primary" type="submit">
          {props.submitLabel}
        </button>
      </p>
    </form>
  );
}
