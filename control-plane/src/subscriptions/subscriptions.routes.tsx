import type { FieldErrors } from "@kilusi/web/components/form-fields.tsx";
import { type MessageKey, translator } from "@kilusi/web/i18n/i18n.ts";
import {
  NewSubscriptionPage,
  type SubscriptionFormValues,
} from "@kilusi/web/pages/subscriptions/subscription-form.tsx";
import {
  RevealedPassword,
  SubscriptionPage,
  type SubscriptionPageProps,
} from "@kilusi/web/pages/subscriptions/subscription-page.tsx";
import { SubscriptionsPage } from "@kilusi/web/pages/subscriptions/subscriptions-page.tsx";
import { type Context, Hono } from "hono";
import { actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { can } from "../auth/permissions.ts";
import { AppError, notFound } from "../http/errors.ts";
import { fieldErrors, formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { subscriptionNetwork } from "../radius/subscription-network.ts";
import { SubscriptionNetworkSections } from "../radius/subscription-network.views.tsx";
import { isUuid } from "../team/team.schemas.ts";
import { localDateOf } from "../time/zoned.ts";
import { changePlan, renewPrepaid, setKeepActiveUntil } from "./subscription-plan.usecases.ts";
import { detailData, listData, newFormData } from "./subscriptions.pages.ts";
import {
  changePlanInput,
  createSubscriptionInput,
  keepActiveInput,
  listFilters,
  transitionInput,
  updateSubscriptionInput,
} from "./subscriptions.schemas.ts";
import {
  createSubscription,
  revealPassword,
  transitionSubscription,
  updateSubscription,
} from "./subscriptions.usecases.ts";

type C = Context<AppEnv>;

/** Zod paths and use-case refusals, as the message next to the field. */
const FIELD_MESSAGES: Readonly<Record<string, MessageKey>> = {
  customerId: "subscriptions.error.customerId",
  planId: "subscriptions.error.planId",
  siteId: "subscriptions.error.siteId",
  access: "subscriptions.error.access",
  pppoeUsername: "subscriptions.error.pppoeUsername",
  pppoePassword: "subscriptions.error.pppoePassword",
  staticIp: "subscriptions.error.staticIp",
  mac: "subscriptions.error.mac",
  billingDay: "subscriptions.error.billingDay",
  monthlyDiscount: "subscriptions.error.monthlyDiscount",
  until: "subscriptions.error.until",
};
const REFUSALS: Readonly<Record<string, MessageKey>> = {
  pppoe_username_taken: "subscriptions.error.usernameTaken",
  static_ip_taken: "subscriptions.error.staticIpTaken",
  mac_taken: "subscriptions.error.macTaken",
  unknown_plan: "subscriptions.error.planId",
  unknown_customer: "subscriptions.error.customerId",
  unknown_site: "subscriptions.error.siteId",
  billing_day_locked: "subscriptions.error.billingDayLocked",
  same_plan: "subscriptions.error.samePlan",
  plan_cycle_mismatch: "subscriptions.error.cycleMismatch",
};

/** A use-case's refusal of one field, as that field's error; null for anything else. */
function refusedField(c: C, error: unknown): { status: AppError["status"]; errors: FieldErrors } | null {
  if (!(error instanceof AppError)) return null;
  const field = error.details?.field;
  const key = REFUSALS[error.code];
  if (typeof field !== "string" || !key) return null;
  return { status: error.status, errors: { [field]: translator(localeOf(c))(key as "subscriptions.error.mac") } };
}

const valuesOf = (body: Record<string, string>): SubscriptionFormValues => ({
  planId: body.planId,
  siteId: body.siteId,
  access: body.access,
  pppoeUsername: body.pppoeUsername,
  staticIp: body.staticIp,
  mac: body.mac,
  billingDay: body.billingDay,
  monthlyDiscount: body.monthlyDiscount,
  activate: body.activate === "on",
});

/** Pages and actions of subscriptions: list, new, detail, state changes, plan change, override. */
export function subscriptionsRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const uc = { database: deps.database, clock: deps.clock, secretBox: deps.secretBox };
  const idOf = (c: C) => {
    const id = c.req.param("id") ?? "";
    if (!isUuid(id)) throw notFound("subscription");
    return id;
  };

  async function detail(
    c: C,
    id: string,
    extra: Partial<SubscriptionPageProps> = {},
    status: 200 | 400 | 409 | 422 = 200,
  ) {
    const auth = tenantAuthOf(c);
    const data = await detailData(deps, actorOf(c), id);
    if (!data) throw notFound("subscription");
    // The network's side (enforcement, sessions, usage) for those who may see the network.
    const network = can(auth.role, "network.view") ? await subscriptionNetwork(deps, actorOf(c), id) : null;
    return c.html(
      <SubscriptionPage
        frame={frameOf(c, deps.assets, auth, "/subscriptions")}
        currency={auth.tenant.currency}
        timeZone={auth.tenant.timeZone}
        can={{
          manage: can(auth.role, "customers.manage"),
          billing: can(auth.role, "billing.manage"),
          network: can(auth.role, "network.manage"),
        }}
        {...data}
        network={
          network ? (
            <SubscriptionNetworkSections
              locale={localeOf(c)}
              timeZone={auth.tenant.timeZone}
              now={deps.clock.now()}
              network={network}
            />
          ) : undefined
        }
        {...extra}
      />,
      status,
    );
  }

  app.get("/subscriptions", requireTenant("customers.view"), async (c) => {
    const filters = listFilters.safeParse(c.req.query());
    const f = filters.success ? filters.data : { q: "", status: "", page: 1 };
    const { rows, more } = await listData(deps, actorOf(c), f);
    return c.html(
      <SubscriptionsPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), "/subscriptions")}
        rows={rows}
        filters={f}
        more={more}
      />,
    );
  });

  async function newPage(
    c: C,
    values: SubscriptionFormValues,
    errors: FieldErrors,
    customerId: string | undefined,
    status: 200 | 400 | 409 | 422 = 200,
  ) {
    const auth = tenantAuthOf(c);
    const actor = actorOf(c);
    const data = await newFormData(deps, actor, customerId, c.req.query("q") ?? "");
    const t = translator(localeOf(c));
    const day = Math.min(Number(localDateOf(deps.clock.now(), actor.timeZone).slice(8, 10)), 28);
    return c.html(
      <NewSubscriptionPage
        frame={frameOf(c, deps.assets, auth, "/subscriptions")}
        currency={actor.currency}
        {...data}
        values={{ billingDay: String(day), ...values }}
        errors={errors}
        formError={Object.keys(errors).length > 0 ? t("subscriptions.form.invalid") : undefined}
      />,
      status,
    );
  }

  app.get("/subscriptions/new", requireTenant("customers.manage"), (c) =>
    newPage(c, {}, {}, isUuid(c.req.query("customer") ?? "") ? c.req.query("customer") : undefined),
  );

  app.post("/subscriptions", requireTenant("customers.manage"), async (c) => {
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const body = formStrings(await c.req.parseBody());
    const customerId = isUuid(body.customerId ?? "") ? body.customerId : undefined;
    const parsed = createSubscriptionInput(actor.currency).safeParse(body);
    if (!parsed.success) {
      return newPage(c, valuesOf(body), fieldErrors(t, parsed.error, FIELD_MESSAGES), customerId, 400);
    }
    try {
      const { id, outcome } = await createSubscription(uc, actor, parsed.data, c.get("meta"));
      const done = outcome ? `activated&inv=${encodeURIComponent(outcome.invoiceNumbers.join(", "))}` : "created";
      return c.redirect(`/subscriptions/${id}?done=${done}`, 303);
    } catch (error) {
      const refused = refusedField(c, error);
      if (!refused) throw error;
      return newPage(c, valuesOf(body), refused.errors, customerId, refused.status as 409);
    }
  });

  app.get("/subscriptions/:id", requireTenant("customers.view"), async (c) => {
    const t = translator(localeOf(c));
    const done = c.req.query("done");
    const inv = c.req.query("inv") ?? "";
    const status = c.req.query("s") ?? "";
    const texts: Record<string, string> = {
      created: t("subscriptions.notice.created"),
      activated: t("subscriptions.notice.activated", { invoices: inv }),
      saved: t("subscriptions.notice.saved"),
      status: t("subscriptions.notice.transition", {
        status: /^[a-z]+$/.test(status) ? t(`subscriptions.status.${status}` as "subscriptions.status.active") : "",
      }),
      plan: inv ? t("subscriptions.notice.planInvoice", { invoice: inv }) : t("subscriptions.notice.plan"),
      keep: t("subscriptions.notice.keepActive"),
      renewed: t("subscriptions.notice.renewed", { invoice: inv }),
    };
    const text = done ? texts[done] : undefined;
    return detail(c, idOf(c), text ? { notice: { kind: "ok", text } } : {});
  });

  app.post("/subscriptions/:id", requireTenant("customers.manage"), async (c) => {
    const id = idOf(c);
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const body = formStrings(await c.req.parseBody());
    const again = (errors: FieldErrors, status: 400 | 409 | 422) =>
      detail(c, id, { edit: { values: valuesOf(body), errors, formError: t("subscriptions.form.invalid") } }, status);
    const parsed = updateSubscriptionInput(actor.currency).safeParse(body);
    if (!parsed.success) return again(fieldErrors(t, parsed.error, FIELD_MESSAGES), 400);
    try {
      await updateSubscription(uc, actor, id, parsed.data, c.get("meta"));
    } catch (error) {
      const refused = refusedField(c, error);
      if (!refused) throw error;
      return again(refused.errors, refused.status as 409);
    }
    return c.redirect(`/subscriptions/${id}?done=saved`, 303);
  });

  app.post("/subscriptions/:id/status", requireTenant("customers.manage"), async (c) => {
    const id = idOf(c);
    const t = translator(localeOf(c));
    const parsed = transitionInput.safeParse(formStrings(await c.req.parseBody()));
    // The page again (404 for another tenant's id: "not yours" answers like "not found").
    if (!parsed.success)
      return detail(c, id, { notice: { kind: "error", text: t("subscriptions.error.transition") } }, 400);
    try {
      const outcome = await transitionSubscription(uc, actorOf(c), id, parsed.data.event, c.get("meta"));
      const inv =
        outcome.invoiceNumbers.length > 0 ? `&inv=${encodeURIComponent(outcome.invoiceNumbers.join(", "))}` : "";
      return c.redirect(
        `/subscriptions/${id}?done=${outcome.invoiceNumbers.length > 0 ? "activated" : "status"}&s=${outcome.to}${inv}`,
        303,
      );
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "transition_not_allowed") throw error;
      return detail(c, id, { notice: { kind: "error", text: t("subscriptions.error.transition") } }, 409);
    }
  });

  app.post("/subscriptions/:id/plan", requireTenant("customers.manage"), async (c) => {
    const id = idOf(c);
    const t = translator(localeOf(c));
    const parsed = changePlanInput.safeParse(formStrings(await c.req.parseBody()));
    if (!parsed.success) return detail(c, id, { planError: t("subscriptions.error.planId") }, 400);
    try {
      const { invoice } = await changePlan(uc, actorOf(c), id, parsed.data.planId, c.get("meta"));
      return c.redirect(
        `/subscriptions/${id}?done=plan${invoice ? `&inv=${encodeURIComponent(invoice.number)}` : ""}`,
        303,
      );
    } catch (error) {
      const refused = refusedField(c, error);
      if (!refused) throw error;
      return detail(c, id, { planError: refused.errors.planId }, refused.status as 409);
    }
  });

  app.post("/subscriptions/:id/keep-active", requireTenant("billing.manage"), async (c) => {
    const id = idOf(c);
    const t = translator(localeOf(c));
    const parsed = keepActiveInput.safeParse(formStrings(await c.req.parseBody()));
    if (!parsed.success) return detail(c, id, { keepError: t("subscriptions.error.until") }, 400);
    await setKeepActiveUntil(uc, actorOf(c), id, parsed.data, c.get("meta"));
    return c.redirect(`/subscriptions/${id}?done=keep`, 303);
  });

  app.post("/subscriptions/:id/password", requireTenant("network.manage"), async (c) => {
    const id = idOf(c);
    const password = await revealPassword(uc, actorOf(c), id, c.get("meta"));
    c.header("Cache-Control", "no-store");
    if (isHtmx(c)) return c.html(<RevealedPassword t={translator(localeOf(c))} id={id} password={password} />);
    return detail(c, id, { revealedPassword: password });
  });

  app.post("/subscriptions/:id/renew", requireTenant("customers.manage"), async (c) => {
    const id = idOf(c);
    const t = translator(localeOf(c));
    try {
      const { invoice } = await renewPrepaid(uc, actorOf(c), id, c.get("meta"));
      return c.redirect(`/subscriptions/${id}?done=renewed&inv=${encodeURIComponent(invoice.number)}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "transition_not_allowed") throw error;
      return detail(c, id, { notice: { kind: "error", text: t("subscriptions.error.transition") } }, 409);
    }
  });

  return app;
}
