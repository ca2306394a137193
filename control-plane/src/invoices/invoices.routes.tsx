import type { PagerProps } from "@kilusi/web/components/pager.tsx";
import { formatCount } from "@kilusi/web/format.ts";
import { type Locale, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import { Notice } from "@kilusi/web/layouts/framed-page.tsx";
import { listHref, numberRange } from "@kilusi/web/pages/invoices/invoice-format.ts";
import { InvoicePage, type InvoicePageProps, VoidSection } from "@kilusi/web/pages/invoices/invoice-page.tsx";
import { InvoicePrintPage } from "@kilusi/web/pages/invoices/invoice-print.tsx";
import { InvoicesPage } from "@kilusi/web/pages/invoices/invoices-page.tsx";
import { type Context, Hono } from "hono";
import { actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { can } from "../auth/permissions.ts";
import { AppError, notFound } from "../http/errors.ts";
import { formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { tenantOf } from "../subscriptions/subscriptions.usecases.ts";
import { isUuid } from "../team/team.schemas.ts";
import { runBilling } from "./billing-run.usecases.ts";
import { billedQuery, invoiceListQuery, voidInput } from "./invoices.schemas.ts";
import {
  INVOICE_PAGE,
  invoiceCustomer,
  invoiceDetail,
  listInvoices,
  printableInvoice,
  voidInvoice,
} from "./invoices.usecases.ts";

type Detail = NonNullable<Awaited<ReturnType<typeof invoiceDetail>>>;

/** The invoice of the URL, or 404: a malformed id or another tenant's invoice is simply not there. */
const invoiceIdOf = (c: Context<AppEnv>) => {
  const id = c.req.param("id") ?? "";
  if (!isUuid(id)) throw notFound("invoice");
  return id;
};

function pagerOf(
  t: Translate,
  locale: Locale,
  page: number,
  shown: number,
  more: boolean,
  href: (p: number) => string,
) {
  if (page === 1 && !more) return null;
  const from = (page - 1) * INVOICE_PAGE + 1;
  const pager: PagerProps = {
    label: t("invoices.pager.label"),
    summary:
      shown > 0
        ? t("invoices.pager.summary", { from: formatCount(from, locale), to: formatCount(from + shown - 1, locale) })
        : "",
    previous: page > 1 ? { href: href(page - 1), label: t("invoices.pager.previous") } : null,
    next: more ? { href: href(page + 1), label: t("invoices.pager.next") } : null,
  };
  return pager;
}

/** "12 invoices issued, INV/2026/000041–000052" or "nothing to bill today", from the redirect. */
function billedNotice(t: Translate, locale: Locale, q: ReturnType<typeof billedQuery.parse>): string | undefined {
  if (q.done !== "billed" || q.n === undefined) return undefined;
  if (q.n === 0) return t("invoices.run.nothing");
  const n = formatCount(q.n, locale);
  if (!q.first || !q.last) return t("invoices.run.doneCount", { n });
  const range = numberRange(q.first, q.last);
  return q.n === 1 ? t("invoices.run.doneOne", { range }) : t("invoices.run.done", { n, range });
}

/** Pages and actions of the invoices area: the list, one invoice, its print, voiding, run billing now. */
export function invoicesRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const view = requireTenant("billing.view");
  const manage = requireTenant("billing.manage");

  app.get("/invoices", view, async (c) => {
    const actor = actorOf(c);
    const auth = tenantAuthOf(c);
    const locale = localeOf(c);
    const t = translator(locale);
    const query = invoiceListQuery.parse(c.req.query());
    let customer: { id: string; name: string } | null = null;
    if (query.customer !== undefined) {
      customer = isUuid(query.customer) ? await invoiceCustomer(deps, actor, query.customer) : null;
      if (!customer) throw notFound("customer");
    }
    const filter = { status: query.status, q: query.q, customer };
    const { rows, more } = await listInvoices(deps, actor, {
      status: query.status,
      q: query.q,
      page: query.page,
      ...(customer ? { customerId: customer.id } : {}),
    });
    const href = (page: number) => listHref({ status: query.status, q: query.q, customer: customer?.id, page });
    return c.html(
      <InvoicesPage
        frame={frameOf(c, deps.assets, auth, "/invoices")}
        invoices={rows}
        filter={filter}
        pager={pagerOf(t, locale, query.page, rows.length, more, href)}
        canManage={can(auth.role, "billing.manage")}
        notice={billedNotice(t, locale, billedQuery.parse(c.req.query()))}
      />,
    );
  });

  // Audited by the use-case when it issued something; a second press finds nothing left to bill.
  app.post("/invoices/run-billing", manage, async (c) => {
    const actor = actorOf(c);
    const result = await runBilling(deps, tenantOf(actor), actor.userId, c.get("meta"));
    const params = new URLSearchParams({ done: "billed", n: String(result.created) });
    if (result.firstNumber) params.set("first", result.firstNumber);
    if (result.lastNumber) params.set("last", result.lastNumber);
    return c.redirect(`/invoices?${params}`, 303);
  });

  async function detailPage(
    c: Context<AppEnv>,
    detail: Detail,
    extra: Partial<InvoicePageProps> = {},
    status: 200 | 400 | 409 = 200,
  ) {
    const actor = actorOf(c);
    const auth = tenantAuthOf(c);
    if (!detail.customer) throw notFound("invoice");
    return c.html(
      <InvoicePage
        frame={frameOf(c, deps.assets, auth, `/invoices/${detail.invoice.id}`)}
        timeZone={actor.timeZone}
        invoice={detail.invoice}
        lines={detail.lines}
        customer={detail.customer}
        reminders={detail.reminders}
        payments={detail.payments}
        canManage={can(auth.role, "billing.manage")}
        canRecordPayment={can(auth.role, "payments.record")}
        {...extra}
      />,
      status,
    );
  }

  const detailOf = async (c: Context<AppEnv>) => {
    const detail = await invoiceDetail(deps, actorOf(c), invoiceIdOf(c));
    if (!detail) throw notFound("invoice");
    return detail;
  };

  app.get("/invoices/:id", view, async (c) => {
    const detail = await detailOf(c);
    const t = translator(localeOf(c));
    const q = billedQuery.parse(c.req.query());
    let notice: string | undefined;
    if (q.done === "voided" && detail.invoice.status === "void") {
      const restored =
        q.restored === 1
          ? t("invoices.void.restoredOne")
          : q.restored
            ? t("invoices.void.restored", { n: formatCount(q.restored, localeOf(c)) })
            : "";
      notice = `${t("invoices.void.done", { number: detail.invoice.number })} ${restored}`.trim();
    }
    return detailPage(c, detail, { notice });
  });

  app.post("/invoices/:id/void", manage, async (c) => {
    const actor = actorOf(c);
    const locale = localeOf(c);
    const t = translator(locale);
    const detail = await detailOf(c);
    const id = detail.invoice.id;
    const body = formStrings(await c.req.parseBody());
    const values = { reason: body.reason };
    const parsed = voidInput.safeParse(body);
    if (!parsed.success) {
      const form = { values, errors: { reason: t("invoices.error.reason") } };
      if (isHtmx(c)) return c.html(<VoidSection t={t} locale={locale} invoice={detail.invoice} form={form} />, 400);
      return detailPage(c, detail, { voidForm: form }, 400);
    }
    let restored: number;
    try {
      ({ restored } = await voidInvoice(deps, actor, id, parsed.data.reason, c.get("meta")));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "already_void") throw error;
      const text = t("invoices.error.alreadyVoid");
      if (isHtmx(c)) return c.html(<Notice kind="error">{text}</Notice>, 409);
      return detailPage(c, await detailOf(c), { error: text }, 409);
    }
    const location = `/invoices/${id}?done=voided&restored=${restored}`;
    if (!isHtmx(c)) return c.redirect(location, 303);
    c.header("HX-Redirect", location);
    return c.body(null, 204);
  });

  app.get("/invoices/:id/print", view, async (c) => {
    const printable = await printableInvoice(deps, actorOf(c), invoiceIdOf(c));
    if (!printable?.customer) throw notFound("invoice");
    const { name, logoKey, footer } = printable.issuer;
    // As on the settings page: the key changes with each upload, so no stale logo is printed.
    const logoSrc = logoKey ? `/settings/logo?v=${encodeURIComponent(logoKey.slice(-20))}` : null;
    return c.html(
      <InvoicePrintPage
        locale={localeOf(c)}
        assets={deps.assets}
        issuer={{ name, logoSrc, footer }}
        invoice={printable.invoice}
        lines={printable.lines}
        customer={printable.customer}
      />,
    );
  });

  return app;
}
