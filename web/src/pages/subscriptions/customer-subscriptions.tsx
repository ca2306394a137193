import { DataTable } from "../../components/data-table.tsx";
import type { Translate } from "../../i18n/i18n.ts";
import {
  type AccessKind,
  accessText,
  type SubscriptionStatus,
  SubscriptionStatusBadge,
} from "./subscription-format.tsx";

export type CustomerSubscriptionView = {
  id: string;
  status: SubscriptionStatus;
  access: AccessKind;
  pppoeUsername: string | null;
  staticIp: string | null;
  mac: string | null;
  planName: string;
  siteName: string;
};

/** The subscriptions section of a customer's page. */
export function CustomerSubscriptions(props: {
  t: Translate;
  customerId: string;
  rows: readonly CustomerSubscriptionView[];
  canManage: boolean;
}) {
  const { t } = props;
  return (
    <section class="adm-section" aria-labelledby="customer-subscriptions-title">
      <h2 id="customer-subscriptions-title">{t("subscriptions.section.title")}</h2>
      {props.rows.length === 0 ? (
        <p class="adm-muted">{t("subscriptions.section.none")}</p>
      ) : (
        <DataTable
          caption={t("subscriptions.section.title")}
          columns={[
            { label: t("subscriptions.col.plan") },
            { label: t("subscriptions.col.access") },
            { label: t("subscriptions.col.site") },
            { label: t("subscriptions.col.status") },
          ]}
          rows={props.rows.map((r) => ({
            cells: [
              <a href={`/subscriptions/${r.id}`}>{r.planName}</a>,
              <span class="mono">{accessText(t, r)}</span>,
              r.siteName,
              <SubscriptionStatusBadge t={t} status={r.status} />,
            ],
          }))}
        />
      )}
      {props.canManage ? (
        <p>
          <a class="button button-primary" href={`/subscriptions/new?customer=${props.customerId}`}>
            {t("subscriptions.section.add")}
          </a>
        </p>
      ) : null}
    </section>
  );
}
