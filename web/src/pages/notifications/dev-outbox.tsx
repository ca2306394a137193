import type { AssetUrls } from "../../assets.ts";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { PublicLayout } from "../../layouts/public-layout.tsx";

export type DevNotification = {
  id: string;
  createdAt: Date;
  recipient: string;
  template: string;
  status: string;
  params: Record<string, unknown>;
};

/** Only http(s) values become links: a parameter could hold anything. */
function isWebLink(value: unknown): value is string {
  return typeof value === "string" && /^https?:\/\/[^\s]+$/.test(value);
}

/** The development log channel: queued messages, newest first, with their links clickable. */
export function DevOutboxPage(props: { locale: Locale; assets: AssetUrls; rows: readonly DevNotification[] }) {
  const t = translator(props.locale);
  return (
    <PublicLayout
      locale={props.locale}
      assets={props.assets}
      title={`${t("devOutbox.title")} · ${t("app.name")}`}
      path="/dev/notifications"
    >
      <section class="container dev-outbox">
        <h1>{t("devOutbox.title")}</h1>
        <p>{t("devOutbox.lead")}</p>
        {props.rows.length === 0 ? (
          <p class="dev-outbox-empty">{t("devOutbox.empty")}</p>
        ) : (
          <div class="dev-outbox-scroll">
            <table class="dev-outbox-table">
              <thead>
                <tr>
                  <th scope="col">{t("devOutbox.col.at")}</th>
                  <th scope="col">{t("devOutbox.col.recipient")}</th>
                  <th scope="col">{t("devOutbox.col.template")}</th>
                  <th scope="col">{t("devOutbox.col.params")}</th>
                  <th scope="col">{t("devOutbox.col.status")}</th>
                </tr>
              </thead>
              <tbody>
                {props.rows.map((row) => (
                  <tr data-template={row.template}>
                    <td>
                      <time datetime={row.createdAt.toISOString()}>{row.createdAt.toISOString()}</time>
                    </td>
                    <td>{row.recipient}</td>
                    <td>
                      <code>{row.template}</code>
                    </td>
                    <td>
                      <dl class="dev-outbox-params">
                        {Object.entries(row.params).map(([key, value]) => (
                          <>
                            <dt>{key}</dt>
                            <dd>
                              {isWebLink(value) ? (
                                <a href={value}>{value}</a>
                              ) : typeof value === "string" ? (
                                value
                              ) : (
                                JSON.stringify(value)
                              )}
                            </dd>
                          </>
                        ))}
                      </dl>
                    </td>
                    <td>{row.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </PublicLayout>
  );
}
