import type { AssetUrls } from "../../assets.ts";
import { Document } from "../../components/document.tsx";
import { LanguageSwitch } from "../../components/language-switch.tsx";
import { formatCount, formatDate, formatMoney } from "../../format.ts";
import { type Locale, translator } from "../../i18n/i18n.ts";
import {
  footerLines,
  type InvoiceCustomerView,
  type InvoiceLineView,
  type InvoiceView,
  lineRateText,
  periodText,
  phoneText,
  rateText,
  statusBadge,
  taxSummary,
} from "./invoice-format.ts";

export type InvoicePrintProps = {
  locale: Locale;
  assets: AssetUrls;
  /** The logo's URL (members only, which is who prints), or null without one. */
  issuer: { name: string; logoSrc: string | null; footer: string | null };
  invoice: InvoiceView;
  lines: readonly InvoiceLineView[];
  customer: InvoiceCustomerView;
};

/**
 * The invoice on one A4 page, as a customer gets it: a bare document (no app frame to hide)
 * whose screen-only part says how to print; printing is the browser's (Ctrl+P), no script.
 */
export function InvoicePrintPage(props: InvoicePrintProps) {
  const t = translator(props.locale);
  const { locale, invoice: i, customer, issuer } = props;
  const amount = (minor: number) => <span class="money">{formatMoney(minor, i.currency, locale)}</span>;
  const credit = i.status === "credit";
  const mark =
    i.status === "paid"
      ? { text: t("invoices.print.paidMark"), cls: "invoice-mark invoice-mark-paid" }
      : i.status === "void"
        ? { text: t("invoices.print.voidMark"), cls: "invoice-mark invoice-mark-void" }
        : null;
  const [, statusText] = statusBadge(t, i);
  const taxes = taxSummary(props.lines);
  return (
    <Document locale={locale} assets={props.assets} title={`${i.number} · ${issuer.name}`} bodyClass="invoice-print">
      <main id="main" class="invoice-print-main">
        <div class="invoice-screen">
          <p>
            <a href={`/invoices/${i.id}`}>{t("invoices.print.back")}</a>
          </p>
          <h1>{t("invoices.print.title", { number: i.number })}</h1>
          <p class="invoice-print-hint">{t("invoices.print.hint")}</p>
          <LanguageSwitch locale={locale} next={`/invoices/${i.id}/print`} />
        </div>
        <article class="invoice-sheet" aria-label={i.number}>
          <header class="invoice-sheet-head">
            <div class="invoice-issuer">
              {issuer.logoSrc ? (
                <img
                  class="invoice-logo"
                  src={issuer.logoSrc}
                  alt={t("invoices.print.logoAlt", { name: issuer.name })}
                />
              ) : null}
              <p class="invoice-issuer-name">{issuer.name}</p>
            </div>
            <div class="invoice-title">
              <p class="invoice-heading">{credit ? t("invoices.print.creditHeading") : t("invoices.print.heading")}</p>
              <p class="invoice-sheet-number">{i.number}</p>
            </div>
          </header>
          <section class="invoice-parties">
            <div class="invoice-bill-to">
              <h2>{t("invoices.print.billTo")}</h2>
              <p class="invoice-customer-name">{customer.name}</p>
              {footerLines(customer.address).map((line) => (
                <p>{line}</p>
              ))}
              {customer.phoneE164 ? <p>{phoneText(customer.phoneE164)}</p> : null}
            </div>
            <dl class="invoice-facts">
              <div>
                <dt>{t("invoices.print.number")}</dt>
                <dd>{i.number}</dd>
              </div>
              <div>
                <dt>{t("invoices.field.issued")}</dt>
                <dd>{formatDate(i.issuedOn, locale, "long")}</dd>
              </div>
              {credit ? null : (
                <div>
                  <dt>{t("invoices.field.due")}</dt>
                  <dd>{formatDate(i.dueOn, locale, "long")}</dd>
                </div>
              )}
              <div>
                <dt>{t("invoices.field.period")}</dt>
                <dd>{periodText(t, locale, i.period)}</dd>
              </div>
              <div>
                <dt>{t("invoices.field.status")}</dt>
                <dd class="invoice-status-text">{statusText}</dd>
              </div>
              {i.voidReason ? (
                <div>
                  <dt>{t("invoices.field.voidReason")}</dt>
                  <dd>{i.voidReason}</dd>
                </div>
              ) : null}
            </dl>
          </section>
          <div class="invoice-sheet-scroll">
            <table class="invoice-sheet-lines">
              <thead>
                <tr>
                  <th scope="col">{t("invoices.lines.description")}</th>
                  <th scope="col" class="num">
                    {t("invoices.lines.quantity")}
                  </th>
                  <th scope="col" class="num">
                    {t("invoices.lines.unitPrice")}
                  </th>
                  <th scope="col" class="num">
                    {t("invoices.lines.discount")}
                  </th>
                  <th scope="col" class="num">
                    {t("invoices.lines.taxRate")}
                  </th>
                  <th scope="col" class="num">
                    {t("invoices.lines.gross")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.lines.map((line) => (
                  <tr class={line.gross < 0 ? "invoice-line-credit" : undefined}>
                    <td>
                      {line.description}
                      {line.gross < 0 ? <span class="invoice-credit-tag"> ({t("invoices.lines.credit")})</span> : null}
                    </td>
                    <td class="num">{formatCount(line.quantity, locale)}</td>
                    <td class="num">{amount(line.unitPrice)}</td>
                    <td class="num">{line.discount === 0 ? "—" : amount(-line.discount)}</td>
                    <td class="num">{lineRateText(t, locale, line)}</td>
                    <td class="num">{amount(line.gross)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="invoice-sheet-summary">
            {mark ? <p class={mark.cls}>{mark.text}</p> : null}
            <dl class="invoice-sheet-totals">
              <div>
                <dt>{t("invoices.totals.subtotal")}</dt>
                <dd>{amount(i.subtotalMinor)}</dd>
              </div>
              {taxes.map((tax) => (
                <div>
                  <dt>
                    {t("invoices.totals.taxAt", {
                      rate: rateText(tax.rateBp, locale),
                      base: formatMoney(tax.base, i.currency, locale),
                    })}
                  </dt>
                  <dd>{amount(tax.tax)}</dd>
                </div>
              ))}
              <div class="invoice-sheet-total">
                <dt>{t("invoices.totals.total")}</dt>
                <dd>{amount(i.totalMinor)}</dd>
              </div>
              {credit || i.status === "void" ? null : (
                <>
                  <div>
                    <dt>{t("invoices.totals.paid")}</dt>
                    <dd>{amount(i.paidMinor)}</dd>
                  </div>
                  <div class="invoice-sheet-due">
                    <dt>{t("invoices.print.amountDue")}</dt>
                    <dd>{amount(i.openMinor)}</dd>
                  </div>
                </>
              )}
            </dl>
          </div>
          <footer class="invoice-sheet-foot">
            {i.openMinor > 0 ? (
              <p class="invoice-pay-by">{t("invoices.print.payBy", { date: formatDate(i.dueOn, locale, "long") })}</p>
            ) : null}
            {footerLines(issuer.footer).map((line) => (
              <p>{line}</p>
            ))}
            <p class="invoice-thanks">{t("invoices.print.thanks")}</p>
          </footer>
        </article>
      </main>
    </Document>
  );
}
