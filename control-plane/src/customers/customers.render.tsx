import type { FieldErrors } from "@kilusi/web/components/form-fields.tsx";
import type { Translate } from "@kilusi/web/i18n/i18n.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { CustomerPage, type CustomerPageProps } from "@kilusi/web/pages/customers/customer-page.tsx";
import { CustomerBilling } from "@kilusi/web/pages/invoices/customer-billing.tsx";
import { CustomerSubscriptions } from "@kilusi/web/pages/subscriptions/customer-subscriptions.tsx";
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { actorOf } from "../auth/actor.ts";
import { tenantAuthOf } from "../auth/auth.middleware.ts";
import { can } from "../auth/permissions.ts";
import { notFound } from "../http/errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { listInvoices } from "../invoices/invoices.usecases.ts";
import { customerBalanceOf } from "../payments/ledger.repository.ts";
import { listData } from "../subscriptions/subscriptions.pages.ts";
import type { CustomerIssue } from "./customers.schemas.ts";
import { type Customer, type CustomerActor, findCustomer } from "./customers.usecases.ts";

/** The customer form's issues as one message per field, in the reader's language. */
export function formErrors(t: Translate, issues: readonly CustomerIssue[]): FieldErrors {
  return Object.fromEntries(issues.map((i) => [i.field, t(i.key)]));
}

/** Where the ID photo is served; the key changes with every upload, so no cache shows an old one. */
export const photoSrcOf = (c: Customer) =>
  c.idPhotoKey ? `/customers/${c.id}/photo?v=${encodeURIComponent(c.idPhotoKey.slice(-12))}` : null;

/**
 * The extension point of the customer page: what other areas show for this customer
 * (subscriptions, invoices, payments, balance), rendered after the customer's own details.
 * Each area adds its section here, loading what it needs with the same actor.
 */
export async function customerSections(
  deps: RouteDeps,
  actor: CustomerActor,
  customer: Customer,
  c: Context<AppEnv>,
): Promise<Child[]> {
  const auth = tenantAuthOf(c);
  const t = translator(localeOf(c));
  const sections: Child[] = [];
  if (can(auth.role, "billing.view") || can(auth.role, "payments.record")) {
    const fullActor = actorOf(c);
    const [balance, open] = await Promise.all([
      deps.database.withTenant(actor.tenantId, (tx) => customerBalanceOf(tx, actor.tenantId, customer.id)),
      listInvoices(deps, fullActor, { status: "unpaid", q: "", customerId: customer.id, page: 1 }),
    ]);
    sections.push(
      <CustomerBilling
        t={t}
        locale={localeOf(c)}
        currency={auth.tenant.currency}
        customerId={customer.id}
        balanceMinor={balance}
        open={open.rows.map((i) => ({
          id: i.id,
          number: i.number,
          dueOn: i.dueOn,
          openMinor: i.openMinor,
          overdue: i.overdue,
        }))}
        canRecordPayment={can(auth.role, "payments.record")}
      />,
    );
  }
  const { rows } = await listData(deps, actorOf(c), { q: "", status: "", page: 1, customerId: customer.id });
  sections.push(
    <CustomerSubscriptions t={t} customerId={customer.id} rows={rows} canManage={can(auth.role, "customers.manage")} />,
  );
  return sections;
}

/** The customer's page, with whatever the handler adds (a form with its errors, a refusal). */
export async function renderCustomerPage(
  deps: RouteDeps,
  c: Context<AppEnv>,
  id: string,
  extra: Partial<CustomerPageProps> = {},
  status: ContentfulStatusCode = 200,
) {
  const auth = tenantAuthOf(c);
  const actor = actorOf(c);
  const found = await findCustomer(deps, actor, id);
  if (!found) throw notFound("customer");
  const { customer, usage } = found;
  const sections = await customerSections(deps, actor, customer, c);
  return c.html(
    <CustomerPage
      frame={frameOf(c, deps.assets, auth, `/customers/${id}`)}
      timeZone={auth.tenant.timeZone}
      customer={customer}
      usage={usage}
      canManage={can(auth.role, "customers.manage")}
      photoSrc={photoSrcOf(customer)}
      sections={sections}
      {...extra}
    />,
    status,
  );
}
