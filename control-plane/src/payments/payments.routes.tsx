import type { FieldErrors } from "@kilusi/web/components/form-fields.tsx";
import type { PagerProps } from "@kilusi/web/components/pager.tsx";
import { formatCount } from "@kilusi/web/format.ts";
import { type MessageKey, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import { hrefWith } from "@kilusi/web/pages/payments/format.ts";
import {
  NewPaymentPage,
  type OpenInvoiceView as OpenInvoice,
  type PaymentFormValues,
} from "@kilusi/web/pages/payments/new-payment-page.tsx";
import { CustomerResults, PaymentsPage, type RecentPaymentsView } from "@kilusi/web/pages/payments/payments-page.tsx";
import { type Context, Hono } from "hono";
import type { ZodError } from "zod";
import { type Actor, actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { can } from "../auth/permissions.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { AppError, notFound } from "../http/errors.ts";
import { fieldErrors, formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { listInvoices } from "../invoices/invoices.usecases.ts";
import { isUuid } from "../team/team.schemas.ts";
import { addDays, localDateOf, localDateTimeOf, zonedInstant } from "../time/zoned.ts";
import { paymentReceiptRoutes } from "./payment-receipt.routes.tsx";
import {
  customerToPay,
  listPayments,
  PAYMENT_PAGE,
  type PayingCustomer,
  paymentExists,
  paymentTakers,
  SEARCH_LIMIT,
  searchCustomersToPay,
} from "./payments.repository.ts";
import {
  amountValue,
  BACKDATE_DAYS,
  paymentForm,
  paymentFormFields,
  paymentListQuery,
  searchText,
} from "./payments.schemas.ts";
import { recordPaymentWithId } from "./payments.usecases.ts";

type Status = 200 | 400 | 422;

/** Each zod issue carries the message key of what to say next to its field. */
function issuesOf(t: Translate, error: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "");
    out[field] ??= (t as (k: MessageKey) => string)(issue.message as MessageKey);
  }
  return out;
}

// The use-case's own refusals (`details.field`), as the form's fields and words.
const REFUSED_FIELDS: Readonly<Record<string, readonly [field: string, key: MessageKey]>> = {
  unknown_invoice: ["invoice", "payments.error.invoice"],
  received_in_future: ["receivedOn", "payments.error.receivedOn.future"],
  amount_not_positive: ["amount", "payments.error.amount.notPositive"],
};

/** The constraint a second post of the same form meets: its token is the payment's id. */
const SAME_FORM_AGAIN = "payments_tenant_id_id_pk";

/** Pages and actions of the payments area. */
export function paymentsRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const record = requireTenant("payments.record");
  const today = (actor: Actor) => localDateOf(deps.clock.now(), actor.timeZone);

  app.get("/payments", record, async (c) => {
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const q = searchText(c.req.query("q"));
    const hits = q ? await searchCustomersToPay(deps.database, actor, q) : null;
    const results = { t, locale: localeOf(c), currency: actor.currency, q, hits, hitLimit: SEARCH_LIMIT };
    // As the person types, only the results travel (a slow link); a history restore wants the page.
    if (isHtmx(c) && c.req.header("hx-history-restore-request") !== "true") {
      return c.html(<CustomerResults {...results} />);
    }
    const recent = can(actor.role, "billing.manage") ? await recentPayments(c, actor, t, q) : null;
    return c.html(
      <PaymentsPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), "/payments")}
        currency={actor.currency}
        timeZone={actor.timeZone}
        q={q}
        hits={hits}
        hitLimit={SEARCH_LIMIT}
        recent={recent}
      />,
      recent?.errors ? 400 : 200,
    );
  });

  async function recentPayments(
    c: Context<AppEnv>,
    actor: Actor,
    t: Translate,
    q: string,
  ): Promise<RecentPaymentsView> {
    const raw = c.req.query();
    const collectors = await paymentTakers(deps.database, actor);
    const parsed = paymentListQuery.safeParse(raw);
    if (!parsed.success) {
      const filters = { method: raw.method, collector: raw.collector, day: raw.day };
      const errors = fieldErrors(
        t,
        parsed.error,
        { day: "payments.error.day", method: "payments.error.method" },
        "payments.error.filter",
      );
      return { rows: [], filters, collectors, errors, pager: null };
    }
    const f = parsed.data;
    const list = await listPayments(deps.database, actor, {
      method: f.method,
      collectorId: f.collector,
      day: f.day,
      page: f.page,
    });
    const filters = { method: f.method, collector: f.collector, day: f.day };
    const href = (page: number) => hrefWith("/payments", { q, ...filters, page });
    return { rows: list.rows, filters, collectors, pager: pagerOf(t, localeOf(c), f.page, list.total, href) };
  }

  /** The customer's open invoices, the oldest due first (the order money settles them). */
  async function openInvoices(actor: Actor, customerId: string): Promise<OpenInvoice[]> {
    const { rows } = await listInvoices(deps, actor, { status: "unpaid", q: "", customerId, page: 1 });
    return rows
      .map((i) => ({ id: i.id, number: i.number, dueOn: i.dueOn, openMinor: i.openMinor, overdue: i.overdue }))
      .sort((a, b) => (a.dueOn === b.dueOn ? a.number.localeCompare(b.number) : a.dueOn < b.dueOn ? -1 : 1));
  }

  async function formPage(
    c: Context<AppEnv>,
    customer: PayingCustomer,
    values: PaymentFormValues,
    errors: FieldErrors = {},
    status: Status = 200,
    shown?: OpenInvoice[],
  ) {
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const day = today(actor);
    const invoices = shown ?? (await openInvoices(actor, customer.id));
    const formError = errors.token ?? (Object.keys(errors).length > 0 ? t("payments.form.invalid") : undefined);
    return c.html(
      <NewPaymentPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), `/payments/new?customer=${customer.id}`)}
        currency={actor.currency}
        customer={customer}
        invoices={invoices}
        values={values}
        errors={errors}
        formError={formError}
        today={day}
        earliest={addDays(day, -BACKDATE_DAYS)}
      />,
      status,
    );
  }

  /** The customer named by the URL or the form, or 404: a malformed id or another tenant's is simply not there. */
  async function shownCustomer(actor: Actor, id: string | undefined) {
    const customer = id && isUuid(id) ? await customerToPay(deps.database, actor, id) : null;
    if (!customer) throw notFound("customer");
    return customer;
  }

  app.get("/payments/new", record, async (c) => {
    const actor = actorOf(c);
    const customer = await shownCustomer(actor, c.req.query("customer"));
    const invoices = await openInvoices(actor, customer.id);
    // An invoice that is not open (paid since, or someone else's) is simply not preselected.
    const chosen = invoices.find((i) => i.id === c.req.query("invoice"));
    const owed = chosen?.openMinor ?? (customer.balanceMinor > 0 ? customer.balanceMinor : null);
    const values = {
      token: crypto.randomUUID(),
      invoice: chosen?.id ?? "",
      amount: owed === null ? "" : amountValue(owed, actor.currency, localeOf(c)),
      method: "cash",
      reference: "",
      receivedOn: today(actor),
    };
    return formPage(c, customer, values, {}, 200, invoices);
  });

  app.post("/payments", record, async (c) => {
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const body = formStrings(await c.req.parseBody());
    const customer = await shownCustomer(actor, body.customer);
    const values = Object.fromEntries(paymentFormFields.map((f) => [f, body[f] ?? ""])) as PaymentFormValues;
    const day = today(actor);
    const parsed = paymentForm(actor.currency, day).safeParse(body);
    if (!parsed.success) {
      const errors = issuesOf(t, parsed.error);
      // A form without a usable token gets a fresh one: nothing was recorded with it.
      if (errors.token) values.token = crypto.randomUUID();
      return formPage(c, customer, values, errors, 400);
    }
    const input = parsed.data;
    const again = () => c.redirect(`/payments/${input.token}/receipt?done=again`, 303);
    // Sent before and recorded: its receipt. Two posts at once meet the primary key below instead.
    if (await paymentExists(deps.database, actor, input.token)) return again();
    const now = deps.clock.now();
    // A payment dated today is received now; an earlier day keeps the time of day it is now.
    const receivedAt =
      input.receivedOn === day
        ? null
        : zonedInstant(input.receivedOn, localDateTimeOf(now, actor.timeZone).time, actor.timeZone);
    try {
      const result = await recordPaymentWithId(
        deps,
        actor,
        input.token,
        {
          customerId: customer.id,
          invoiceId: input.invoiceId,
          amountMinor: input.amountMinor,
          method: input.method,
          reference: input.reference,
          receivedAt,
        },
        c.get("meta"),
      );
      return c.redirect(`/payments/${result.id}/receipt?done=recorded${result.restored > 0 ? "&restored=1" : ""}`, 303);
    } catch (error) {
      if (isUniqueViolation(error, SAME_FORM_AGAIN)) return again();
      const refused = error instanceof AppError ? REFUSED_FIELDS[error.code] : undefined;
      if (!refused) throw error;
      return formPage(c, customer, values, { [refused[0]]: (t as (k: MessageKey) => string)(refused[1]) }, 422);
    }
  });

  app.route("/", paymentReceiptRoutes(deps));
  return app;
}

function pagerOf(
  t: Translate,
  locale: "id" | "en",
  page: number,
  total: number,
  href: (page: number) => string,
): PagerProps | null {
  if (total === 0) return null;
  const from = Math.min((page - 1) * PAYMENT_PAGE + 1, total);
  const to = Math.min(page * PAYMENT_PAGE, total);
  return {
    label: t("payments.pager.label"),
    summary: t("payments.pager.summary", {
      from: formatCount(from, locale),
      to: formatCount(to, locale),
      total: formatCount(total, locale),
    }),
    previous: page > 1 ? { href: href(page - 1), label: t("payments.pager.previous") } : null,
    next: to < total ? { href: href(page + 1), label: t("payments.pager.next") } : null,
  };
}
