import type { Child } from "hono/jsx";
import { ActionForm } from "../../components/action-form.tsx";
import { DetailList } from "../../components/detail-list.tsx";
import { type FieldErrors, FileField, FormError } from "../../components/form-fields.tsx";
import { formatCount, formatDateTime } from "../../format.ts";
import { type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";
import { CustomerFields, type CustomerFormValues } from "./customer-form.tsx";
import { Tags } from "./customers-page.tsx";
import { formatPhone, formatPoint, mapHref, phoneForEditing } from "./format.ts";

export type CustomerDetailView = {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  tags: readonly string[];
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
};

/** What still names the customer; any of it keeps them from being deleted. */
export type CustomerUsageView = { subscriptions: number; invoices: number; payments: number; ledgerEntries: number };

export type CustomerNotice = "created" | "saved" | "photo" | "photoRemoved";

export type CustomerPageProps = {
  frame: Frame;
  timeZone: string;
  customer: CustomerDetailView;
  usage: CustomerUsageView;
  canManage: boolean;
  /** Where the ID photo is served, when there is one. */
  photoSrc: string | null;
  notice?: CustomerNotice;
  /** What the edit form was sent with and what is wrong with it; the form opens with them. */
  edit?: { values: CustomerFormValues; errors: FieldErrors };
  photoError?: string;
  deleteError?: string;
  /**
   * The extension point of the page: sections other areas render for this customer
   * (subscriptions, invoices, payments, balance), placed after the customer's own details and
   * before the forms that change them. The route fills it.
   */
  sections?: Child;
  children?: Child;
};

/** The values of the edit form for a stored customer. */
export function formValuesOf(c: CustomerDetailView): CustomerFormValues {
  return {
    name: c.name,
    phone: phoneForEditing(c.phone),
    email: c.email ?? "",
    address: c.address ?? "",
    latitude: c.latitude === null ? "" : String(c.latitude),
    longitude: c.longitude === null ? "" : String(c.longitude),
    tags: c.tags.join(", "),
    notes: c.notes ?? "",
  };
}

export function CustomerPage(props: CustomerPageProps) {
  const t = translator(props.frame.locale);
  const c = props.customer;
  const none = <span class="adm-muted">—</span>;
  const point =
    c.latitude !== null && c.longitude !== null ? (
      <a href={mapHref(c.latitude, c.longitude)} rel="noopener noreferrer" target="_blank">
        {formatPoint(c.latitude, c.longitude)}
      </a>
    ) : (
      none
    );
  return (
    <FramedPage
      frame={props.frame}
      title={c.name}
      actions={
        <a class="button button-quiet" href="/customers">
          {t("customers.back")}
        </a>
      }
    >
      {props.notice ? <Notice kind="ok">{t(`customers.notice.${props.notice}`)}</Notice> : null}
      <section class="adm-section customer-details" aria-labelledby="customer-details-title">
        <h2 id="customer-details-title">{t("customers.details.title")}</h2>
        <div class="customer-details-body">
          <DetailList
            items={[
              [t("customers.field.phone"), c.phone ? <a href={`tel:${c.phone}`}>{formatPhone(c.phone)}</a> : none],
              [t("customers.field.email"), c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : none],
              [t("customers.field.address"), c.address ? <span class="customer-multiline">{c.address}</span> : none],
              [t("customers.field.point"), point],
              [t("customers.field.tags"), c.tags.length > 0 ? <Tags tags={c.tags} /> : none],
              [t("customers.field.notes"), c.notes ? <span class="customer-multiline">{c.notes}</span> : none],
              [t("customers.details.created"), formatDateTime(c.createdAt, props.frame.locale, props.timeZone)],
              [t("customers.details.updated"), formatDateTime(c.updatedAt, props.frame.locale, props.timeZone)],
            ]}
          />
          <figure class="customer-photo">
            {props.photoSrc ? (
              <a href={props.photoSrc}>
                <img src={props.photoSrc} alt={t("customers.photo.alt", { name: c.name })} />
              </a>
            ) : (
              <p class="adm-muted customer-photo-none">{t("customers.photo.none")}</p>
            )}
            <figcaption class="adm-muted">{t("customers.photo.title")}</figcaption>
          </figure>
        </div>
      </section>
      {props.sections}
      {props.children}
      {props.canManage ? (
        <>
          <EditSection t={t} customer={c} edit={props.edit} />
          <PhotoSection t={t} customer={c} hasPhoto={props.photoSrc !== null} error={props.photoError} />
          <DeleteSection locale={props.frame.locale} customer={c} usage={props.usage} error={props.deleteError} />
        </>
      ) : null}
    </FramedPage>
  );
}

function EditSection(props: { t: Translate; customer: CustomerDetailView; edit: CustomerPageProps["edit"] }) {
  const { t, customer: c } = props;
  const invalid = Object.values(props.edit?.errors ?? {}).some(Boolean);
  return (
    <section class="adm-section" aria-labelledby="customer-edit-title">
      <details class="customer-edit" open={props.edit !== undefined}>
        <summary>
          <h2 id="customer-edit-title" class="customer-summary-title">
            {t("customers.edit.title")}
          </h2>
        </summary>
        <form class="adm-form customer-form" method="post" action={`/customers/${c.id}`} novalidate>
          <FormError id="customer-edit-error">{invalid ? t("customers.form.fix") : undefined}</FormError>
          <CustomerFields
            t={t}
            values={props.edit?.values ?? formValuesOf(c)}
            errors={props.edit?.errors}
            idPrefix="customer-edit"
          />
          <p class="customer-form-actions">
            <button class="button button-primary" type="submit">
              {t("customers.edit.submit")}
            </button>
          </p>
        </form>
      </details>
    </section>
  );
}

function PhotoSection(props: { t: Translate; customer: CustomerDetailView; hasPhoto: boolean; error?: string }) {
  const { t, customer: c } = props;
  return (
    <section class="adm-section" aria-labelledby="customer-photo-title" id="customer-photo-section">
      <h2 id="customer-photo-title">{t("customers.photo.title")}</h2>
      <form
        class="adm-form customer-photo-form"
        method="post"
        action={`/customers/${c.id}/photo`}
        enctype="multipart/form-data"
      >
        <FileField
          id="customer-photo-file"
          name="photo"
          label={props.hasPhoto ? t("customers.photo.replace") : t("customers.photo.file")}
          hint={t("customers.photo.hint")}
          accept="image/jpeg,image/png,image/webp"
          required
          error={props.error}
        />
        <p>
          <button class="button button-quiet" type="submit">
            {t("customers.photo.upload")}
          </button>
        </p>
      </form>
      {props.hasPhoto ? (
        <ActionForm
          action={`/customers/${c.id}/photo/delete`}
          label={t("customers.photo.remove")}
          danger
          confirm={t("customers.photo.removeConfirm", { name: c.name })}
          target="#customer-photo-section"
        />
      ) : null}
    </section>
  );
}

/** Deleting, or why it cannot be done; also the fragment htmx swaps in when a delete is refused. */
export function DeleteSection(props: {
  locale: Frame["locale"];
  customer: Pick<CustomerDetailView, "id" | "name">;
  usage: CustomerUsageView;
  error?: string;
}) {
  const t = translator(props.locale);
  const { customer: c, usage: u } = props;
  const count = (n: number) => formatCount(n, props.locale);
  const blocked = u.subscriptions + u.invoices + u.payments + u.ledgerEntries > 0;
  return (
    <section class="adm-section customer-delete" id="customer-delete" aria-labelledby="customer-delete-title">
      <h2 id="customer-delete-title">{t("customers.delete.title")}</h2>
      {props.error ? (
        <p class="adm-error" role="alert">
          {props.error}
        </p>
      ) : null}
      {blocked ? (
        <p class="customer-delete-blocked">
          {t("customers.delete.blocked", {
            subscriptions: count(u.subscriptions),
            invoices: count(u.invoices),
            payments: count(u.payments),
          })}
        </p>
      ) : (
        <>
          <p class="adm-muted">{t("customers.delete.lead")}</p>
          <ActionForm
            action={`/customers/${c.id}/delete`}
            label={t("customers.delete.submit")}
            danger
            confirm={t("customers.delete.confirm", { name: c.name })}
            target="#customer-delete"
          />
        </>
      )}
    </section>
  );
}

/**
 * Without JavaScript there is no confirm dialog: the delete button leads here first, and only
 * this page's button (which says so) deletes.
 */
export function ConfirmDeletePage(props: { frame: Frame; customer: { id: string; name: string } }) {
  const t = translator(props.frame.locale);
  const c = props.customer;
  return (
    <FramedPage frame={props.frame} title={t("customers.delete.title")}>
      <section class="adm-section">
        <p>{t("customers.delete.confirm", { name: c.name })}</p>
        <p class="customer-form-actions">
          <ActionForm
            action={`/customers/${c.id}/delete`}
            label={t("customers.delete.submit")}
            danger
            fields={{ confirmed: "yes" }}
          />
          <a class="button button-quiet" href={`/customers/${c.id}`}>
            {t("customers.cancel")}
          </a>
        </p>
      </section>
    </FramedPage>
  );
}
