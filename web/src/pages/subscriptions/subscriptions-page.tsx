import { DataTable } from "../../components/data-table.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Pager } from "../../components/pager.tsx";
import { SearchBox } from "../../components/search-box.tsx";
import { translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage } from "../../layouts/framed-page.tsx";
import {
  type AccessKind,
  accessText,
  type SubscriptionStatus,
  SubscriptionStatusBadge,
  subscriptionStatuses,
} from "./subscription-format.tsx";

export type SubscriptionListItem = {
  id: string;
  status: SubscriptionStatus;
  access: AccessKind;
  pppoeUsername: string | null;
  staticIp: string | null;
  mac: string | null;
  customerId: string;
  customerName: string;
  planName: string;
  siteName: string;
};

export type SubscriptionsPageProps = {
  frame: Frame;
  rows: readonly SubscriptionListItem[];
  filters: { q: string; status: string; page: number };
  more: boolean;
};

const href = (f: SubscriptionsPageProps["filters"], page: number) =>
  `/subscriptions?${new URLSearchParams({ ...(f.q ? { q: f.q } : {}), ...(f.status ? { status: f.status } : {}), page: String(page) })}`;

/** Every subscription, by status and search; the results list is also the htmx fragment. */
export function SubscriptionsPage(props: SubscriptionsPageProps) {
  const t = translator(props.frame.locale);
  const f = props.filters;
  return (
    <FramedPage frame={props.frame} title={t("subscriptions.title")}>
      <SearchBox action="/subscriptions" target="#subscription-results" label={t("subscriptions.search")} value={f.q}>
        <label class="visually-hidden" for="subscription-status">
          {t("subscriptions.filter.status")}
        </label>
        <select class="adm-input" id="subscription-status" name="status">
          <option value="">{t("subscriptions.filter.all")}</option>
          {subscriptionStatuses.map((s) => (
            <option value={s} selected={f.status === s}>
              {t(`subscriptions.status.${s}`)}
            </option>
          ))}
        </select>
      </SearchBox>
      <div id="subscription-results">
        {props.rows.length === 0 ? (
          f.q || f.status ? (
            <EmptyState title={t("subscriptions.empty.filtered")} />
          ) : (
            <EmptyState
              title={t("subscriptions.empty.title")}
              text={t("subscriptions.empty.text")}
              action={
                <a class="button button-primary" href="/customers">
                  {t("subscriptions.empty.action")}
                </a>
              }
            />
          )
        ) : (
          <>
            <DataTable
              caption={t("subscriptions.caption")}
              columns={[
                { label: t("subscriptions.col.customer") },
                { label: t("subscriptions.col.plan") },
                { label: t("subscriptions.col.access") },
                { label: t("subscriptions.col.site") },
                { label: t("subscriptions.col.status") },
              ]}
              rows={props.rows.map((r) => ({
                id: `subscription-${r.id}`,
                cells: [
                  <a href={`/subscriptions/${r.id}`}>{r.customerName}</a>,
                  r.planName,
                  <span class="mono">{accessText(t, r)}</span>,
                  r.siteName,
                  <SubscriptionStatusBadge t={t} status={r.status} />,
                ],
              }))}
            />
            <Pager
              label={t("subscriptions.pages")}
              summary={t("subscriptions.summary", { page: f.page })}
              previous={f.page > 1 ? { href: href(f, f.page - 1), label: t("subscriptions.previous") } : null}
              next={props.more ? { href: href(f, f.page + 1), label: t("subscriptions.next") } : null}
            />
          </>
        )}
      </div>
    </FramedPage>
  );
}
