import { type Locale, translator } from "../../i18n/i18n.ts";

/** One ISP as the platform operator sees it (plain data; the server decides what is in it). */
export type PlatformTenant = {
  id: string;
  name: string;
  slug: string;
  status: "active" | "suspended";
  createdAt: Date;
  members: number;
};

export type PlatformNoticeData = { kind: "suspended" | "resumed"; tenantName: string };

const dateFormats = new Map<Locale, Intl.DateTimeFormat>();

// The platform has no tenant of its own: dates are shown in Kilusi's home time zone.
function formatDate(locale: Locale, date: Date): string {
  let format = dateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === "id" ? "id-ID" : "en-GB", {
      dateStyle: "medium",
      timeZone: "Asia/Jakarta",
    });
    dateFormats.set(locale, format);
  }
  return format.format(date);
}

export const tenantRowId = (tenantId: string) => `tenant-${tenantId}`;

/**
 * A table row; also the fragment a suspend/resume answers an HTMX request with. The action
 * is a real form, so it works without JavaScript; htmx adds the confirmation and swaps the row.
 */
export function TenantRow(props: { locale: Locale; tenant: PlatformTenant }) {
  const t = translator(props.locale);
  const { tenant } = props;
  const suspended = tenant.status === "suspended";
  const action = suspended ? "resume" : "suspend";
  const url = `/platform/tenants/${tenant.id}/${action}`;
  const rowId = tenantRowId(tenant.id);
  return (
    <tr id={rowId} class={suspended ? "is-suspended" : undefined}>
      <th scope="row" data-label={t("platform.col.name")}>
        {tenant.name}
      </th>
      <td data-label={t("platform.col.slug")}>
        <code>{tenant.slug}</code>
      </td>
      <td data-label={t("platform.col.status")}>
        <span class={suspended ? "badge badge-off" : "badge badge-ok"}>
          {t(suspended ? "platform.status.suspended" : "platform.status.active")}
        </span>
      </td>
      <td data-label={t("platform.col.created")}>
        <time datetime={tenant.createdAt.toISOString()}>{formatDate(props.locale, tenant.createdAt)}</time>
      </td>
      <td data-label={t("platform.col.members")} class="num">
        {tenant.members}
      </td>
      <td data-label={t("platform.col.actions")}>
        <form
          method="post"
          action={url}
          hx-post={url}
          hx-target={`#${rowId}`}
          hx-swap="outerHTML"
          hx-confirm={t(suspended ? "platform.confirm.resume" : "platform.confirm.suspend", { name: tenant.name })}
        >
          <button type="submit" class={suspended ? "button button-primary" : "button button-quiet"}>
            {t(suspended ? "platform.action.resume" : "platform.action.suspend")}
            <span class="visually-hidden"> {tenant.name}</span>
          </button>
        </form>
      </td>
    </tr>
  );
}

/** What just happened, as a polite status message. */
export function PlatformNotice(props: { locale: Locale; notice: PlatformNoticeData }) {
  const t = translator(props.locale);
  const { notice } = props;
  return (
    <p class="platform-notice" role="status">
      {t(notice.kind === "suspended" ? "platform.notice.suspended" : "platform.notice.resumed", {
        name: notice.tenantName,
      })}
    </p>
  );
}

/**
 * The answer to an HTMX suspend/resume: the new row for the target, and the notice swapped
 * out of band into the page's #alerts (AppShell renders that container).
 */
export function TenantRowUpdate(props: { locale: Locale; tenant: PlatformTenant; notice: PlatformNoticeData }) {
  return (
    <>
      <TenantRow locale={props.locale} tenant={props.tenant} />
      <div id="alerts" class="alerts" hx-swap-oob="true">
        <PlatformNotice locale={props.locale} notice={props.notice} />
      </div>
    </>
  );
}
