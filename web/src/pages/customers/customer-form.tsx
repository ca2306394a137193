import { Field, type FieldErrors, TextArea } from "../../components/form-fields.tsx";
import type { Translate } from "../../i18n/i18n.ts";

/** What the form shows: what the person typed, or the stored values as text. */
export type CustomerFormValues = Partial<
  Record<"name" | "phone" | "email" | "address" | "latitude" | "longitude" | "tags" | "notes", string>
>;

/** The customer's fields, shared by the new-customer page and the edit form. */
export function CustomerFields(props: {
  t: Translate;
  values: CustomerFormValues;
  errors?: FieldErrors;
  idPrefix: string;
}) {
  const { t, values: v } = props;
  const errors = props.errors ?? {};
  const id = (name: string) => `${props.idPrefix}-${name}`;
  return (
    <div class="adm-form-grid">
      <div class="adm-form-wide">
        <Field
          id={id("name")}
          name="name"
          label={t("customers.field.name")}
          value={v.name}
          required
          maxlength={200}
          autocomplete="off"
          error={errors.name}
        />
      </div>
      <Field
        id={id("phone")}
        name="phone"
        type="tel"
        inputmode="tel"
        label={t("customers.field.phone")}
        hint={t("customers.field.phone.hint")}
        value={v.phone}
        maxlength={40}
        autocomplete="off"
        error={errors.phone}
      />
      <Field
        id={id("email")}
        name="email"
        type="email"
        inputmode="email"
        label={t("customers.field.email")}
        value={v.email}
        maxlength={254}
        autocomplete="off"
        error={errors.email}
      />
      <div class="adm-form-wide">
        <TextArea
          id={id("address")}
          name="address"
          label={t("customers.field.address")}
          value={v.address}
          rows={2}
          maxlength={500}
          error={errors.address}
        />
      </div>
      <fieldset class="adm-fieldset adm-form-wide customer-point">
        <legend>{t("customers.field.point")}</legend>
        <p class="adm-hint">{t("customers.field.point.hint")}</p>
        <div class="customer-point-grid">
          <Field
            id={id("latitude")}
            name="latitude"
            inputmode="text"
            label={t("customers.field.latitude")}
            placeholder="-6.2088"
            value={v.latitude}
            maxlength={80}
            error={errors.latitude}
          />
          <Field
            id={id("longitude")}
            name="longitude"
            inputmode="text"
            label={t("customers.field.longitude")}
            placeholder="106.8456"
            value={v.longitude}
            maxlength={80}
            error={errors.longitude}
          />
        </div>
      </fieldset>
      <div class="adm-form-wide">
        <Field
          id={id("tags")}
          name="tags"
          label={t("customers.field.tags")}
          hint={t("customers.field.tags.hint")}
          value={v.tags}
          maxlength={800}
          error={errors.tags}
        />
      </div>
      <div class="adm-form-wide">
        <TextArea
          id={id("notes")}
          name="notes"
          label={t("customers.field.notes")}
          value={v.notes}
          rows={3}
          maxlength={2000}
          error={errors.notes}
        />
      </div>
    </div>
  );
}
