import type { FieldErrors } from "@kilusi/web/components/form-fields.tsx";
import type { Translate } from "@kilusi/web/i18n/i18n.ts";
import { CustomerPage, type CustomerPageProps } from "@kilusi/web/pages/customers/customer-page.tsx";
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { actorOf } from "../auth/actor.ts";
import { tenantAuthOf } from "../auth/auth.middleware.ts";
import { can } from "../auth/permissions.ts";
import { notFound } from "../http/errors.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
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
  _deps: RouteDeps,
  _actor: CustomerActor,
  _customer: Customer,
  _c: Context<AppEnv>,
): Promise<Child[]> {
  return [];
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
