import type { AssetUrls } from "../../assets.ts";
import { Document } from "../../components/document.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { Pager, type PagerProps } from "../../components/pager.tsx";
import { formatMoney } from "../../format.ts";
import { type Locale, translator } from "../../i18n/i18n.ts";
import { type ValidityView, validityText } from "./format.ts";

/** Cards on one A4 sheet: 4 across, 10 down (the CSS lays them out in that grid). */
export const CARDS_PER_SHEET = 40;

export type VoucherCardView = {
  code: string;
  /** The QR code of the hotspot login URL for this code, as a data: URL (the CSP allows data: images). */
  qrSrc: string;
};

export type VoucherSheetProps = {
  locale: Locale;
  assets: AssetUrls;
  ispName: string;
  batchId: string;
  planName: string;
  validity: ValidityView;
  price: number;
  currency: string;
  cards: readonly VoucherCardView[];
  /** The state filter in force ("new" or "sold"), if any. */
  state?: "new" | "sold";
  pager: PagerProps | null;
};

/** Long codes (a prefix and many characters) step down a size so they stay whole on the card. */
const codeClass = (code: string) =>
  code.length > 20
    ? "voucher-code voucher-code-xlong"
    : code.length > 12
      ? "voucher-code voucher-code-long"
      : "voucher-code";

/**
 * The printable voucher sheets: a bare document (no app shell to hide), whose screen-only part
 * says how to print and leads back; printing itself is the browser's (Ctrl+P), no script.
 */
export function VoucherSheetPage(props: VoucherSheetProps) {
  const t = translator(props.locale);
  const terms = `${validityText(t, props.validity)} · ${formatMoney(props.price, props.currency, props.locale)}`;
  const sheets: VoucherCardView[][] = [];
  for (let i = 0; i < props.cards.length; i += CARDS_PER_SHEET) sheets.push(props.cards.slice(i, i + CARDS_PER_SHEET));
  const filter = (state: "new" | "sold" | undefined, label: string) => (
    <a
      class={props.state === state ? "button button-primary" : "button button-quiet"}
      href={`/vouchers/batches/${props.batchId}/print${state ? `?state=${state}` : ""}`}
      aria-current={props.state === state ? "page" : undefined}
    >
      {label}
    </a>
  );
  return (
    <Document
      locale={props.locale}
      assets={props.assets}
      title={`${t("vouchers.sheet.title", { plan: props.planName })} · ${props.ispName}`}
      bodyClass="voucher-print"
    >
      <main id="main" class="voucher-print-main">
        <div class="voucher-screen">
          <p>
            <a href={`/vouchers/batches/${props.batchId}`}>{t("vouchers.sheet.back")}</a>
          </p>
          <h1>{t("vouchers.sheet.title", { plan: props.planName })}</h1>
          <p class="voucher-print-hint">{t("vouchers.sheet.hint")}</p>
          <p class="voucher-print-filters">
            {filter(undefined, t("vouchers.sheet.all"))}
            {filter("new", t("vouchers.sheet.new"))}
            {filter("sold", t("vouchers.sheet.sold"))}
          </p>
          {props.pager ? <Pager {...props.pager} /> : null}
          {props.cards.length === 0 ? (
            <EmptyState title={t("vouchers.sheet.empty")} text={t("vouchers.sheet.emptyText")} />
          ) : null}
        </div>
        {sheets.map((cards) => (
          <section class="voucher-sheet" aria-label={t("vouchers.sheet.page")}>
            <ol class="voucher-grid">
              {cards.map((card) => (
                <li class="voucher-card">
                  <div class="voucher-card-text">
                    <p class="voucher-isp">{props.ispName}</p>
                    <p class="voucher-plan">{props.planName}</p>
                    <p class="voucher-terms">{terms}</p>
                  </div>
                  <img class="voucher-qr" src={card.qrSrc} alt={t("vouchers.sheet.qrAlt", { code: card.code })} />
                  <p class={codeClass(card.code)}>{card.code}</p>
                </li>
              ))}
            </ol>
          </section>
        ))}
      </main>
    </Document>
  );
}
