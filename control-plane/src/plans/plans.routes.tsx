import { mikrotikRateLimit } from "@kilusi/shared/rate-limit";
import type { FieldErrors } from "@kilusi/web/components/form-fields.tsx";
import { type MessageKey, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import { Notice } from "@kilusi/web/layouts/framed-page.tsx";
import { PlanNewPage, type PlanNotice, PlanPage } from "@kilusi/web/pages/plans/plan-page.tsx";
import { PlansPage } from "@kilusi/web/pages/plans/plans-page.tsx";
import { type Context, Hono } from "hono";
import type { ZodError } from "zod";
import { type Actor, actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { AppError, notFound } from "../http/errors.ts";
import { formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { isUuid } from "../team/team.schemas.ts";
import {
  newPlanValues,
  type PlanFormValues,
  planForm,
  planFormValues,
  planListQuery,
  typedValues,
} from "./plans.schemas.ts";
import {
  archivePlan,
  createPlan,
  deletePlan,
  getPlan,
  listPlansPage,
  newPlanDefaults,
  type PlanRow,
  type PlanUsage,
  planInput,
  restorePlan,
  updatePlan,
} from "./plans.usecases.ts";

const NOTICES = ["created", "saved", "archived", "restored"] as const satisfies readonly PlanNotice[];
type Status = 200 | 400 | 409;

/** Each zod issue carries the message key of what to say next to its field. */
function planErrors(t: Translate, error: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "");
    out[field] ??= (t as (k: MessageKey) => string)(issue.message as MessageKey);
  }
  return out;
}

/** A refusal of the use-case that belongs next to a field of the form, or null. */
function fieldRefusal(t: Translate, error: unknown): FieldErrors | null {
  if (!(error instanceof AppError)) return null;
  if (error.code === "plan_name_taken") return { name: t("plans.error.name.taken") };
  if (error.code === "plan_field_locked") {
    return error.details?.field === "type"
      ? { type: t("plans.error.typeLocked") }
      : { cycle: t("plans.error.cycleLocked") };
  }
  return null;
}

/** Pages and actions of the plans area. */
export function plansRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const guard = requireTenant("plans.manage");

  const newPage = (c: Context<AppEnv>, values: PlanFormValues, errors: FieldErrors = {}, status: Status = 200) => {
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const formError = Object.keys(errors).length > 0 ? t("plans.error.form") : undefined;
    const frame = frameOf(c, deps.assets, tenantAuthOf(c), "/plans/new");
    return c.html(
      <PlanNewPage frame={frame} currency={actor.currency} values={values} errors={errors} formError={formError} />,
      status,
    );
  };

  type Shown = { plan: PlanRow; usage: PlanUsage };
  const planPage = (
    c: Context<AppEnv>,
    shown: Shown,
    extra: { values?: PlanFormValues; errors?: FieldErrors; notice?: PlanNotice; error?: string } = {},
    status: Status = 200,
  ) => {
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const { plan, usage } = shown;
    const errors = extra.errors ?? {};
    return c.html(
      <PlanPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), `/plans/${plan.id}`)}
        currency={actor.currency}
        timeZone={actor.timeZone}
        plan={plan}
        usage={usage}
        rateLimit={mikrotikRateLimit(plan)}
        values={extra.values ?? planFormValues(planInput(plan), actor.currency)}
        errors={errors}
        formError={Object.keys(errors).length > 0 ? t("plans.error.form") : undefined}
        notice={extra.notice}
        error={extra.error}
      />,
      status,
    );
  };

  /** The plan of the URL, or 404: a malformed id or another tenant's plan is simply not there. */
  const shownPlan = async (c: Context<AppEnv>, actor: Actor): Promise<Shown> => {
    const id = c.req.param("id") ?? "";
    const shown = isUuid(id) ? await getPlan(deps, actor, id) : null;
    if (!shown) throw notFound("plan");
    return shown;
  };

  app.get("/plans", guard, async (c) => {
    const actor = actorOf(c);
    const filter = planListQuery.parse(c.req.query());
    const rows = await listPlansPage(deps, actor, { archived: filter.show === "archived", q: filter.q });
    return c.html(
      <PlansPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), "/plans")}
        currency={actor.currency}
        plans={rows.map((r) => ({ ...r.plan, subscribers: r.subscribers }))}
        filter={filter}
        notice={c.req.query("done") === "deleted" ? "deleted" : undefined}
      />,
    );
  });

  app.get("/plans/new", guard, async (c) => newPage(c, newPlanValues(await newPlanDefaults(deps, actorOf(c)))));

  app.post("/plans", guard, async (c) => {
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const body = formStrings(await c.req.parseBody());
    const parsed = planForm(actor.currency).safeParse(body);
    if (!parsed.success) return newPage(c, typedValues(body), planErrors(t, parsed.error), 400);
    let id: string;
    try {
      id = await createPlan(deps, actor, parsed.data, c.get("meta"));
    } catch (error) {
      const errors = fieldRefusal(t, error);
      if (!errors) throw error;
      return newPage(c, typedValues(body), errors, 409);
    }
    return c.redirect(`/plans/${id}?done=created`, 303);
  });

  app.get("/plans/:id", guard, async (c) => {
    const shown = await shownPlan(c, actorOf(c));
    return planPage(c, shown, { notice: NOTICES.find((n) => n === c.req.query("done")) });
  });

  app.post("/plans/:id", guard, async (c) => {
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const shown = await shownPlan(c, actor);
    const body = formStrings(await c.req.parseBody());
    const parsed = planForm(actor.currency).safeParse(body);
    const values = typedValues(body);
    if (!parsed.success) return planPage(c, shown, { values, errors: planErrors(t, parsed.error) }, 400);
    try {
      await updatePlan(deps, actor, shown.plan.id, parsed.data, c.get("meta"));
    } catch (error) {
      const errors = fieldRefusal(t, error);
      if (!errors) throw error;
      return planPage(c, shown, { values, errors }, 409);
    }
    return c.redirect(`/plans/${shown.plan.id}?done=saved`, 303);
  });

  /**
   * Archive, restore, delete: a plain form gets a 303 to where the result shows; htmx gets
   * told to go there. A refusal is explained on the plan's page, or in its alerts for htmx.
   */
  const action =
    (
      run: (actor: Actor, planId: string, c: Context<AppEnv>) => Promise<string>,
      refusal: (t: Translate, error: AppError) => string | null,
    ) =>
    async (c: Context<AppEnv>) => {
      const actor = actorOf(c);
      const shown = await shownPlan(c, actor);
      let to: string;
      try {
        to = await run(actor, shown.plan.id, c);
      } catch (error) {
        const t = translator(localeOf(c));
        const text = error instanceof AppError ? refusal(t, error) : null;
        if (text === null) throw error;
        if (isHtmx(c)) return c.html(<Notice kind="error">{text}</Notice>, 409);
        return planPage(c, await shownPlan(c, actor), { error: text }, 409);
      }
      if (!isHtmx(c)) return c.redirect(to, 303);
      c.header("HX-Redirect", to);
      return c.body(null, 204);
    };

  const none = () => null;
  app.post(
    "/plans/:id/archive",
    guard,
    action(async (actor, id, c) => {
      await archivePlan(deps, actor, id, c.get("meta"));
      return `/plans/${id}?done=archived`;
    }, none),
  );
  app.post(
    "/plans/:id/restore",
    guard,
    action(
      async (actor, id, c) => {
        await restorePlan(deps, actor, id, c.get("meta"));
        return `/plans/${id}?done=restored`;
      },
      (t, error) => (error.code === "plan_name_taken" ? t("plans.error.restoreNameTaken") : null),
    ),
  );
  app.post(
    "/plans/:id/delete",
    guard,
    action(
      async (actor, id, c) => {
        await deletePlan(deps, actor, id, c.get("meta"));
        return "/plans?done=deleted";
      },
      (t, error) =>
        error.code === "plan_in_use"
          ? t("plans.error.inUse", {
              subscriptions: Number(error.details?.subscriptions ?? 0),
              batches: Number(error.details?.voucherBatches ?? 0),
            })
          : null,
    ),
  );

  return app;
}
