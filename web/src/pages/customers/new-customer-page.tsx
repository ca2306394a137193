import { type FieldErrors, FormError } from "../../components/form-fields.tsx";
import { translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage } from "../../layouts/framed-page.tsx";
import { CustomerFields, type CustomerFormValues } from "./customer-form.tsx";

export type NewCustomerPageProps = {
  frame: Frame;
  values: CustomerFormValues;
  errors?: FieldErrors;
};

export function NewCustomerPage(props: NewCustomerPageProps) {
  const t = translator(props.frame.locale);
  const invalid = Object.values(props.errors ?? {}).some(Boolean);
  return (
    <FramedPage frame={props.frame} title={t("customers.new.title")}>
      <form class="adm-form customer-form" method="post" action="/customers" novalidate>
        <FormError id="customer-new-error">{invalid ? t("customers.form.fix") : undefined}</FormError>
        <CustomerFields t={t} values={props.values} errors={props.errors} idPrefix="customer-new" />
        <p class="customer-form-actions">
          <button class="button button-primary" type="submit">
            {t("customers.new.submit")}
          </button>
          <a class="button button-quiet" href="/customers">
            {t("customers.cancel")}
          </a>
        </p>
        <p class="adm-hint">{t("customers.new.photoLater")}</p>
      </form>
    </FramedPage>
  );
}
